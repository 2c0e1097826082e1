import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { CLIENT_ERROR_CODES } from '../errors/client-errors';
import type { ServiceMetrics } from './service-metrics';

/** Error codes that are an outcome label of their own (the client's, and the service's); any other is OTHER_ERROR. */
const OUTCOME_CODES: ReadonlySet<string> = new Set([
  ...CLIENT_ERROR_CODES,
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
]);

/**
 * Times each GraphQL operation over HTTP, from Apollo's start of the request to its answer, by
 * operation name, type (query, mutation; `unknown` when the document did not parse or name one) and
 * outcome: `ok`, or the code of the first error (the contract's codes, as formatError made them).
 * Requests refused before Apollo runs them (no valid API key, load shedding) are in the HTTP metrics.
 */
export function graphqlMetricsPlugin(metrics: ServiceMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, document, request, response }) {
          const body = response.body;
          const errors: readonly GraphQLFormattedError[] | undefined =
            body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          const code = errors?.[0]?.extensions?.code;
          const outcome =
            errors === undefined || errors.length === 0
              ? 'ok'
              : typeof code === 'string' && OUTCOME_CODES.has(code)
                ? code
                : 'OTHER_ERROR';
          // A document that parsed but failed validation has no resolved operation: read it from the document.
          const definition = operation ?? operationIn(document, request.operationName);
          metrics.observeGraphQLOperation(
            definition?.name?.value ?? request.operationName ?? null,
            definition?.operation ?? 'unknown',
            outcome,
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        },
      };
    },
  };
}

/** The operation the request names, or the document's only one. */
function operationIn(
  document: DocumentNode | undefined,
  name: string | undefined,
): OperationDefinitionNode | undefined {
  const operations = (document?.definitions ?? []).filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return name
    ? operations.find((candidate) => candidate.name?.value === name)
    : operations.length === 1
      ? operations[0]
      : undefined;
}
