import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { depthLimitRule } from './query-limits';

/** graphql's own rules and the depth limit of the HTTP path (Apollo's validationRules do not reach graphql-ws). */
export const SUBSCRIPTION_VALIDATION_RULES = [...specifiedRules, depthLimitRule];

/**
 * Parses and validates an operation sent over graphql-ws as the HTTP path does: the arguments to run
 * it, or its errors, each with a code (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
 * QUERY_TOO_COMPLEX). A bad document fails its own subscription, not the whole connection.
 */
export function checkSubscribeMessage(
  schema: GraphQLSchema,
  payload: SubscribePayload,
): ExecutionArgs | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (error) {
    if (error instanceof GraphQLError) return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
    throw error;
  }
  const errors = validate(schema, document, SUBSCRIPTION_VALIDATION_RULES);
  if (errors.length > 0) return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}

/** The error with `code` unless it has one (QueryTooComplexError has its own). */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { code, ...error.extensions },
  });
}
