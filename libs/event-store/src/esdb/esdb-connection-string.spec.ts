import { InvalidEventStoreInputError } from '../errors';
import { connectToEventStoreDb, eventStoreDbConnectionStringProblem } from './esdb-connection-string';

function refusal(connectionString: string): InvalidEventStoreInputError {
  try {
    connectToEventStoreDb(connectionString);
  } catch (error) {
    if (error instanceof InvalidEventStoreInputError) return error;
    throw error;
  }
  throw new Error(`${connectionString} was taken`);
}

describe('connectToEventStoreDb', () => {
  it('refuses a bad option with the rule, never the password', () => {
    const error = refusal('esdb://admin:changeit@host:2113?tls=nope');
    expect(error.field).toBe('connectionString');
    expect(error.message).toContain('expected true or false');
    expect(error.message).not.toContain('changeit');
  });

  it('refuses a string whose password the client reads as a port, without quoting it', () => {
    for (const connectionString of ['esdb://:changeit@host', 'esdb://:chan?geit@host']) {
      const error = refusal(connectionString);
      expect(error.message).toContain('expected port number');
      expect(error.message).not.toMatch(/chan|geit/);
    }
  });

  it("passes the client's warnings on with the password hidden", () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      connectToEventStoreDb('esdb://admin:changeit@host:2113?tls=false&colour=blue');
      const printed = warn.mock.calls.flat().join('\n');
      expect(printed).toContain('Unknown option key "colour"');
      expect(printed).toContain('esdb://admin:***@host:2113');
      expect(printed).not.toContain('changeit');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('eventStoreDbConnectionStringProblem', () => {
  it('is undefined for a string the client takes, its rule otherwise', () => {
    expect(eventStoreDbConnectionStringProblem('esdb://admin:changeit@host:2113?tls=false')).toBeUndefined();
    expect(eventStoreDbConnectionStringProblem('esdb://admin:changeit@host:2113?tls=nope')).toMatch(
      /expected true or false/,
    );
  });
});
