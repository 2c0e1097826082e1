import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import {
  isTokenLimitMessage,
  operationCostError,
  PARSE_OPTIONS,
  QUERY_LIMIT_RULES,
  TOKEN_LIMIT_MESSAGE,
} from './query-limits';

/** graphql's own rules and the limits of the HTTP path (Apollo's validationRules do not reach graphql-ws). */
export const SUBSCRIPTION_VALIDATION_RULES = [...specifiedRules, ...QUERY_LIMIT_RULES];

/**
 * Parses and checks an operation sent over graphql-ws as the HTTP path does (token limit, graphql's
 * rules, depth, aliases, root fields, directives, cost): the arguments to run it, or its errors, each
 * with a code (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, QUERY_TOO_COMPLEX, BAD_REQUEST). A bad
 * document fails its own operation, not the whole connection. The socket carries subscriptions only:
 * queries and mutations go over HTTP, where their cost, logs and limits are the HTTP path's.
 */
export function checkSubscribeMessage(
  schema: GraphQLSchema,
  payload: SubscribePayload,
): ExecutionArgs | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query, PARSE_OPTIONS);
  } catch (error) {
    if (error instanceof GraphQLError)
      return [
        isTokenLimitMessage(error.message)
          ? new GraphQLError(TOKEN_LIMIT_MESSAGE, { extensions: { code: 'QUERY_TOO_COMPLEX' } })
          : withCode(error, 'GRAPHQL_PARSE_FAILED'),
      ];
    throw error;
  }
  const errors = validate(schema, document, SUBSCRIPTION_VALIDATION_RULES);
  if (errors.length > 0) return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
  const operation = getOperationAST(document, payload.operationName);
  if (operation && operation.operation !== OperationTypeNode.SUBSCRIPTION)
    return [
      new GraphQLError(
        `This WebSocket carries subscriptions only: send ${operation.operation === OperationTypeNode.QUERY ? 'queries' : 'mutations'} as HTTP POST to /graphql.`,
        { extensions: { code: 'BAD_REQUEST' } },
      ),
    ];
  const tooComplex = operationCostError(
    schema,
    document,
    payload.variables ?? undefined,
    payload.operationName,
  );
  if (tooComplex) return [withCode(tooComplex, 'QUERY_TOO_COMPLEX')];
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}

/**
 * The error with `code` unless it has one (QueryTooComplexError has its own), without the HTTP status
 * that the HTTP path reads from `extensions.http`: a socket has no status.
 */
function withCode(error: GraphQLError, code: string): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { code, ...extensions },
  });
}
