import type { ApolloServerPlugin } from '@apollo/server';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import {
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
  type ComplexityEstimator,
} from 'graphql-query-complexity';
import { QueryTooComplexError } from './api-errors';

/** Deepest selection allowed: the contract's deepest useful query (connection → node → nested) with room. */
export const MAX_QUERY_DEPTH = 12;
/** Most estimated field resolutions in one operation. */
export const MAX_QUERY_COST = 50_000;

/** Refuses operations nested deeper than MAX_QUERY_DEPTH, before they run. */
export const depthLimitRule: ValidationRule = (context: ValidationContext) => {
  let reported = false;
  // graphql-depth-limit only reads the document and reports; its error is given the contract's code.
  const rule = depthLimit(MAX_QUERY_DEPTH) as ValidationRule;
  rule({
    getDocument: () => context.getDocument(),
    reportError: () => {
      if (reported) return;
      reported = true;
      context.reportError(
        new QueryTooComplexError(
          `The query is nested more than ${MAX_QUERY_DEPTH} levels deep: ask for fewer nested fields.`,
        ),
      );
    },
  } as unknown as ValidationContext);
  return {};
};

/** A field with `first` costs its page size times what each item selects. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) =>
  typeof args.first === 'number' ? 1 + Math.max(args.first, 1) * childComplexity : undefined;

/** Refuses operations whose estimated cost (with the request's variables) is over MAX_QUERY_COST. */
export const queryCostPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document, schema }) {
        let cost: number;
        try {
          cost = getComplexity({
            schema,
            query: document,
            variables: request.variables,
            operationName: request.operationName,
            estimators: [
              pageSizeEstimator,
              fieldExtensionsEstimator(),
              simpleEstimator({ defaultComplexity: 1 }),
            ],
          });
        } catch (error) {
          // Variables that do not fit their types: execution refuses them (BAD_USER_INPUT, HTTP 400)
          // before any resolver runs. Thrown from here, Apollo would answer 500.
          if (error instanceof GraphQLError) return;
          throw error;
        }
        if (cost > MAX_QUERY_COST) {
          const error = new QueryTooComplexError(
            `The query costs ${cost}, more than the limit of ${MAX_QUERY_COST}: ask for fewer items (first) or fewer nested fields.`,
          );
          error.extensions.http = { status: 400 };
          throw error;
        }
      },
    };
  },
};
