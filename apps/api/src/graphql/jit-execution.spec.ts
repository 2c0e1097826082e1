import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import {
  buildSchema,
  execute,
  getOperationAST,
  GraphQLError,
  GraphQLScalarType,
  parse,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery } from 'graphql-jit';
import { holdsText, JitExecution } from './jit-execution';

jest.mock('graphql-jit', () => {
  const actual = jest.requireActual<typeof import('graphql-jit')>('graphql-jit');
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});

/**
 * The compiled execution must answer exactly as graphql-js does: data, errors (message, path,
 * locations, extensions) and null propagation, for the shapes the API uses.
 */
const schema: GraphQLSchema = buildSchema(`
  scalar DateTime
  enum Severity { SEV1 SEV2 }
  interface Node { id: ID! }
  type Incident implements Node { id: ID! title: String! severity: Severity! startedAt: DateTime! services: [String!]! }
  type ActionItem implements Node { id: ID! title: String! }
  union Found = Incident | ActionItem
  type Point { bucketStart: DateTime! key: String count: Int! }
  input TrendInput { from: DateTime! to: DateTime! bucket: String = "WEEK" limit: Int }
  type Query {
    incident(id: ID!): Incident
    nodes: [Node!]!
    found: [Found!]!
    trend(input: TrendInput!): [Point!]!
    failing: String
    failingNonNull: Incident
    brokenIncidents: [Incident!]
    echo(text: String): String
  }
  type Mutation { rename(id: ID!, title: String!): Incident! }
`);

const DateTime = schema.getType('DateTime') as GraphQLScalarType;
Object.assign(DateTime, {
  serialize: (value: unknown) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value: unknown) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}`);
    return new Date(value);
  },
});

const incident = (id: string) => ({
  __typename: 'Incident',
  id,
  title: `Incident ${id}`,
  severity: 'SEV2',
  startedAt: new Date(Date.UTC(2026, 0, Number(id))),
  services: ['api', 'db'],
});
const renamed: string[] = [];
const rootFields = {
  incident: (_: unknown, args: { id: string }) => (args.id === '0' ? null : incident(args.id)),
  nodes: () => [incident('1'), { __typename: 'ActionItem', id: 'a1', title: 'Fix it' }],
  found: () => [{ __typename: 'ActionItem', id: 'a2', title: 'Add alert' }, incident('2')],
  trend: (_: unknown, args: { input: { from: Date; to: Date; bucket: string; limit?: number } }) =>
    Array.from({ length: args.input.limit ?? 3 }, (_unused, i) => ({
      bucketStart: new Date(args.input.from.getTime() + i * 86_400_000),
      key: i % 2 ? null : `${args.input.bucket}-${i}`,
      count: i,
    })),
  failing: () => {
    throw new GraphQLError('Not allowed: VIEWER may not do this.', { extensions: { code: 'FORBIDDEN' } });
  },
  failingNonNull: () => ({ ...incident('3'), title: null }),
  brokenIncidents: () => [incident('4'), { ...incident('5'), severity: 'SEV9' }],
  echo: (_: unknown, args: { text: string }) => args.text,
  rename: (_: unknown, args: { id: string; title: string }) => {
    renamed.push(args.id);
    return { ...incident(args.id), title: args.title };
  },
};
for (const type of [schema.getQueryType(), schema.getMutationType()])
  for (const field of Object.values(type!.getFields()))
    field.resolve = rootFields[field.name as keyof typeof rootFields] as never;

async function executorFor(of: GraphQLSchema): Promise<GatewayExecutor> {
  const execution = new JitExecution(() => of);
  let served: GraphQLSchema | undefined;
  execution.onSchemaLoadOrUpdate(({ apiSchema }) => (served = apiSchema));
  const { executor } = await execution.load();
  expect(served).toBe(of);
  return executor!;
}

function requestOf(
  document: DocumentNode,
  variables?: Record<string, unknown>,
  operationName?: string,
): GatewayGraphQLRequestContext {
  return {
    request: { variables, operationName },
    document,
    operationName: operationName ?? null,
    operation: getOperationAST(document, operationName)!,
    context: { principal: 'tester' },
  } as unknown as GatewayGraphQLRequestContext;
}

const plain = (result: ExecutionResult) => ({
  data: result.data,
  errors: result.errors?.map((error) => ({
    message: error.message,
    path: error.path,
    locations: error.locations,
    extensions: error.extensions,
  })),
});

/** How graphql-jit 0.8 marks a Date in the argument values it writes into generated code. */
const DATE_MARKER = '__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d';

/** Without string literals: graphql-js answers documents with them (see the test below). */
const CASES: Array<[string, string, Record<string, unknown>?, string?]> = [
  ['scalars, enums and lists', '{ incident(id: 7) { id title severity startedAt services } }'],
  ['a missing object is null', '{ incident(id: 0) { id } }'],
  ['aliases', '{ a: incident(id: 1) { name: title } b: incident(id: 2) { id } }'],
  [
    'interfaces and unions, with __typename',
    '{ nodes { __typename id ... on Incident { title } } found { ... on ActionItem { title } ... on Incident { id } } }',
  ],
  [
    'variables, input objects and their defaults',
    'query($input: TrendInput!) { trend(input: $input) { bucketStart key count } }',
    { input: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', limit: 4 } },
  ],
  [
    'an invalid variable is refused',
    'query($input: TrendInput!) { trend(input: $input) { count } }',
    { input: { from: 'yesterday', to: '2026-02-01T00:00:00.000Z' } },
  ],
  ['a missing variable is refused', 'query($input: TrendInput!) { trend(input: $input) { count } }', {}],
  [
    'a variable of the wrong type is refused',
    'query($input: TrendInput!) { trend(input: $input) { count } }',
    { input: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', limit: 'many' } },
  ],
  [
    '@skip and @include on fields, inline fragments and fragment spreads',
    `query($yes: Boolean!, $no: Boolean!) {
      incident(id: 1) {
        id @skip(if: $yes) title @include(if: $yes)
        ... on Incident @include(if: $no) { severity }
        ...More @skip(if: $no)
      }
    }
    fragment More on Incident { services startedAt }`,
    { yes: true, no: false },
  ],
  ['a resolver error keeps its extensions', '{ failing incident(id: 1) { id } }'],
  ['a null in a non-null field nulls its parent', '{ failingNonNull { id title } }'],
  ['an invalid enum value in a list nulls the list', '{ brokenIncidents { id severity } }'],
  [
    'the named operation of several',
    'query A { incident(id: 1) { id } } query B { incident(id: 2) { title } }',
    undefined,
    'B',
  ],
  [
    'text in a variable',
    'query($text: String) { echo(text: $text) }',
    { text: `${DATE_MARKER}0),x:(globalThis.injected=1),y:(0` },
  ],
  [
    'mutations',
    'mutation($one: String!, $two: String!) { first: rename(id: 1, title: $one) { title } second: rename(id: 2, title: $two) { id } }',
    { one: 'One', two: 'Two' },
  ],
];

describe('JitExecution', () => {
  const cases = CASES.map(([name, query, variables, operationName]) => ({
    name,
    query,
    variables,
    operationName,
  }));
  it.each(cases)('answers as graphql-js does: $name', async ({ query, variables, operationName }) => {
    const executor = await executorFor(schema);
    const document = parse(query);
    renamed.length = 0;
    const expected = await execute({
      schema,
      document,
      variableValues: variables,
      operationName,
      contextValue: {},
    });
    const ranByGraphqlJs = [...renamed];
    renamed.length = 0;
    jest.mocked(compileQuery).mockClear();
    const compiled = await executor(requestOf(document, variables, operationName));
    expect(compileQuery).toHaveBeenCalledTimes(1);
    expect(plain(compiled)).toEqual(plain(expected));
    expect(renamed).toEqual(ranByGraphqlJs);
  });

  it('compiles a document once and reuses it', async () => {
    const executor = await executorFor(schema);
    const document = parse('{ incident(id: 1) { id } }');
    jest.mocked(compileQuery).mockClear();
    await executor(requestOf(document));
    await executor(requestOf(document));
    expect(compileQuery).toHaveBeenCalledTimes(1);
    await executor(requestOf(parse('{ incident(id: 1) { id } }')));
    expect(compileQuery).toHaveBeenCalledTimes(2);
  });

  it('leaves documents with string literals to graphql-js: text never becomes code', async () => {
    const executor = await executorFor(schema);
    const text = `${DATE_MARKER}0),x:(globalThis.injected=1),y:(0`;
    jest.mocked(compileQuery).mockClear();
    const result = await executor(requestOf(parse(`{ echo(text: ${JSON.stringify(text)}) }`)));
    expect(result).toEqual({ data: { echo: text } });
    expect(compileQuery).not.toHaveBeenCalled();
    expect((globalThis as { injected?: number }).injected).toBeUndefined();
    expect(holdsText(parse('query($a: Boolean = true) { incident(id: 1) { id @skip(if: $a) } }'))).toBe(
      false,
    );
    expect(holdsText(parse('query($a: String = "x") { echo(text: $a) }'))).toBe(true);
    expect(holdsText(parse('{ trend(input: { from: 1, to: 2, bucket: """DAY""" }) { count } }'))).toBe(true);
  });

  it('hands the context to the resolvers', async () => {
    const seen: unknown[] = [];
    const withContext = buildSchema('type Query { who: String }');
    withContext.getQueryType()!.getFields().who.resolve = (_root, _args, context: { principal: string }) => {
      seen.push(context);
      return context.principal;
    };
    const executor = await executorFor(withContext);
    const result = await executor(requestOf(parse('{ who }')));
    expect(result).toEqual({ data: { who: 'tester' } });
    expect(seen).toEqual([{ principal: 'tester' }]);
  });
});
