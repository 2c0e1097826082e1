import { Logger, NotFoundException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { InvalidQueryArgumentError, ReadPoolBusyError } from '@kb/read-models';
import { formatApiError, serviceUnavailableStatusPlugin } from './api-errors';

/** What Apollo hands formatError: the GraphQLError around what a resolver threw, and its JSON. */
function thrownByResolver(error: Error, code = 'INTERNAL_SERVER_ERROR') {
  const wrapped = new GraphQLError(error.message, {
    path: ['incidents'],
    originalError: error,
    extensions: { code },
  });
  return { formatted: wrapped.toJSON(), error: wrapped };
}

describe('formatApiError logging', () => {
  let error: jest.SpyInstance;
  let warn: jest.SpyInstance;
  let debug: jest.SpyInstance;

  beforeEach(() => {
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  const printed = (spy: jest.SpyInstance) => spy.mock.calls.map((args: unknown[]) => args.join('\n'));

  it('logs a bad cursor at debug level only, without a stack', () => {
    const cursor = new InvalidQueryArgumentError('after', 'must be a cursor this incidents list returned');
    const { formatted, error: thrown } = thrownByResolver(cursor);
    expect(formatApiError(formatted, thrown, false).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(printed(debug)).toEqual([
      'BAD_USER_INPUT at incidents: Invalid after: must be a cursor this incidents list returned',
    ]);
  });

  it.each([
    'GRAPHQL_VALIDATION_FAILED',
    'GRAPHQL_PARSE_FAILED',
    'PERSISTED_QUERY_NOT_FOUND',
    'BAD_REQUEST',
    'UNAUTHENTICATED',
    'FORBIDDEN',
  ])("logs Apollo's %s at debug level only, without a stack", (code) => {
    const refused = new GraphQLError('refused', { extensions: { code } });
    expect(formatApiError(refused.toJSON(), refused, false).extensions?.code).toBe(code);
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(printed(debug)).toEqual([`${code}: refused`]);
  });

  it('answers overloaded reads as SERVICE_UNAVAILABLE, logged at debug level only, and sends them as 503', async () => {
    const { formatted, error: thrown } = thrownByResolver(new ReadPoolBusyError());
    expect(formatApiError(formatted, thrown, false)).toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
      message: expect.stringMatching(/at capacity/),
    });
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    const hooks = await serviceUnavailableStatusPlugin.requestDidStart!({} as never);
    const response = {
      body: {
        kind: 'single',
        singleResult: { errors: [{ message: 'x', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
      },
      http: { status: undefined as number | undefined, headers: new Map<string, string>() },
    };
    await hooks!.willSendResponse!({ response } as never);
    expect(response.http.status).toBe(503);
    expect(response.http.headers.get('retry-after')).toBe('1');
  });

  it('answers a Nest 404 thrown in a resolver as NOT_FOUND and logs it at debug level only', () => {
    const { formatted, error: thrown } = thrownByResolver(new NotFoundException('no such thing'));
    expect(formatApiError(formatted, thrown, false)).toMatchObject({
      message: 'no such thing',
      extensions: { code: 'NOT_FOUND', status: 404 },
    });
    expect(error).not.toHaveBeenCalled();
    expect(printed(debug)).toEqual(['NOT_FOUND at incidents: no such thing']);
  });

  it('logs an unexpected error once, at error level, with its stack', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const { formatted, error: thrown } = thrownByResolver(bug);
    expect(formatApiError(formatted, thrown, false)).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(
      "Unexpected error at incidents: Cannot read properties of undefined (reading 'id')",
      bug.stack,
    );
    expect(bug.stack).toMatch(/\n\s+at /);
    expect(debug).not.toHaveBeenCalled();
  });
});
