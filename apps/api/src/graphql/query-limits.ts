import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { QueryTooComplexError } from './api-errors';

/**
 * What one GraphQL document may ask for (ADR 0009). Every limit is checked before anything runs, in
 * time proportional to the document's size whatever its shape, and the same way over HTTP (GET and
 * POST) and WebSocket. A refusal is QUERY_TOO_COMPLEX (HTTP 400) and says which limit.
 */
export const QUERY_LIMITS = {
  /**
   * Lexical tokens in a document: the parser stops there. A tool's whole introspection query has
   * about 300; graphql-js's own validation is quadratic in places, so a document of 1,000 tokens
   * validates in under 10 ms whatever its shape.
   */
  tokens: 1_000,
  /** Deepest selection: the contract's deepest useful query (connection → node → nested) with room. */
  depth: 12,
  /** Aliased fields, counting each fragment once per spread. */
  aliases: 30,
  /** Fields at the root of an operation (aliases and fragments included). */
  rootFields: 20,
  /** Directives (`@include`, `@skip`, ...). */
  directives: 50,
  /** Fields visited once fragments are expanded, while the cost is estimated. */
  expandedFields: 5_000,
  /** Most estimated cost of one operation (about one unit per field resolved, more for heavy fields). */
  cost: 20_000,
} as const;

/** Kept for the tests and docs that name the depth limit. */
export const MAX_QUERY_DEPTH = QUERY_LIMITS.depth;

/** How Apollo and graphql-ws parse a document: the parser itself stops at the token limit. */
export const PARSE_OPTIONS: ParseOptions = { maxTokens: QUERY_LIMITS.tokens };

/**
 * What a list without a page size is assumed to hold, for the cost. The lists of one incident are
 * capped by the domain; this is a typical size, not the cap, so a page of incidents with their
 * findings stays affordable while a page with every nested list is not.
 */
const NESTED_LIST_ESTIMATE = 10;

/**
 * Fields whose work is not one field resolution: the reports run a grouped statement over many rows,
 * search runs a full-text match, `history` and `asOf` read and fold a whole stream. Their cost is
 * added to what they select; with the limit above, a request can hold the six reports once each but
 * not a dozen trends.
 */
const FIELD_COSTS: Readonly<Record<string, number>> = {
  'Query.incidentTrend': 3_000,
  'Query.responseTimes': 3_000,
  'Query.contributingFactors': 2_000,
  'Query.actionItemHealth': 3_000,
  'Query.recurrence': 3_000,
  'Query.learning': 3_000,
  'Query.search': 200,
  // Two full-text matches and a structural one, then the texts of a hundred or more candidates read
  // and compared: priced so that a page of similar lists (about ten probes of 50 with their
  // lessons) is the most one request holds; at 100,000 incidents that holds the event loop about
  // 40-90 ms (docs/operations/similar-incidents.md).
  'Query.similarIncidents': 600,
  'Incident.similar': 600,
  'Query.events': 100,
  'Query.projections': 50,
  'Incident.history': 200,
  'ActionItem.history': 200,
  // Counts a webhook's events after its checkpoint: a read of up to 4,096 events.
  'Webhook.lag': 100,
  // A read of one event from the store.
  'WebhookDelivery.event': 2,
};

/** Fields that read a whole stream when `asOf` is given (a fold instead of a read-model row). */
const AS_OF_COST = 200;

/** Lists with no page size: the nested lists of a node, the reports' rows and the introspection lists. */
const LIST_ESTIMATES: Readonly<Record<string, number>> = {
  'Incident.timeline': NESTED_LIST_ESTIMATE,
  'Incident.findings': NESTED_LIST_ESTIMATE,
  'Incident.links': NESTED_LIST_ESTIMATE,
  'Incident.actionItems': NESTED_LIST_ESTIMATE,
  'SimilarIncident.lessons': NESTED_LIST_ESTIMATE,
  'Incident.history': 50,
  'ActionItem.history': 50,
  'RecurrenceReport.clusters': 50,
  'RecurrenceCluster.incidents': 20,
  'Query.apiKeys': 50,
  // Webhooks are few (one per integration): 20, so that each one's deliveries page fits the limit.
  'Query.webhooks': 20,
  'Query.projections': 10,
  '__Schema.types': 10,
  '__Schema.directives': 4,
  '__Type.fields': 4,
  '__Type.inputFields': 4,
  '__Type.enumValues': 4,
  '__Type.interfaces': 4,
  '__Type.possibleTypes': 4,
  '__Field.args': 4,
  '__Directive.args': 4,
};

/**
 * One estimator for every field: a paginated field costs its page size (`first`) times what each item
 * selects; a list without a page size its estimated length times that; heavy fields add their cost.
 */
export const fieldCostEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const key = `${type.name}.${field.name}`;
  const own = (FIELD_COSTS[key] ?? 0) + (args.asOf ? AS_OF_COST : 0);
  if (typeof args.first === 'number') return 1 + own + Math.max(args.first, 1) * childComplexity;
  const items = LIST_ESTIMATES[key];
  if (items !== undefined) return 1 + own + items * childComplexity;
  return own > 0 ? 1 + own + childComplexity : undefined;
};

function tooComplex(message: string): QueryTooComplexError {
  const error = new QueryTooComplexError(message);
  error.extensions.http = { status: 400 };
  return error;
}

/** GraphQL Armor's rules report through this: one QUERY_TOO_COMPLEX error per rule, in our words. */
function reportAs(message: (found: string) => string) {
  return [
    (context: ValidationContext | null, error: GraphQLError) => {
      const found = /found (\d+)/.exec(error.message)?.[1] ?? 'more';
      context?.reportError(tooComplex(message(found)));
    },
  ];
}

/**
 * Fields of a selection set once its fragments are expanded, each fragment counted once and
 * remembered (linear in the document, cycle-safe): only the root level, or every level.
 */
function fieldCounter(
  context: ValidationContext,
  nested: boolean,
): (selectionSet: SelectionSetNode) => number {
  const counted = new Map<string, number>();
  const count = (selectionSet: SelectionSetNode): number => {
    let fields = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD)
        fields += 1 + (nested && selection.selectionSet ? count(selection.selectionSet) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fields += count(selection.selectionSet);
      else {
        const name = selection.name.value;
        if (!counted.has(name)) {
          counted.set(name, 0); // a cycle counts nothing (NoFragmentCycles refuses it anyway)
          const fragment = context.getFragment(name);
          counted.set(name, fragment ? count(fragment.selectionSet) : 0);
        }
        fields += counted.get(name) ?? 0;
      }
    }
    return fields;
  };
  return count;
}

/**
 * A rule refusing operations with more than `limit` fields, counted by `fieldCounter` at the root
 * only or at every level; `message` words the refusal from the count found.
 */
function fieldLimitRule(nested: boolean, limit: number, message: (fields: number) => string): ValidationRule {
  return (context) => {
    const count = fieldCounter(context, nested);
    return {
      OperationDefinition(operation) {
        const fields = count(operation.selectionSet);
        if (fields > limit) context.reportError(tooComplex(message(fields)));
      },
    };
  };
}

/** Fields at the root of each operation, through fragments. */
export const rootFieldsRule = fieldLimitRule(
  false,
  QUERY_LIMITS.rootFields,
  (fields) =>
    `The operation asks for ${fields} fields at its root, more than the limit of ${QUERY_LIMITS.rootFields}: send fewer at once.`,
);

/**
 * Fields of each operation once its fragments are expanded. The cost estimate expands fragments as
 * it goes (up to `expandedFields` nodes, tens of milliseconds); this count remembers each fragment,
 * so a document that expands to millions of fields is refused in microseconds instead.
 */
export const expandedFieldsRule = fieldLimitRule(
  true,
  QUERY_LIMITS.expandedFields,
  (fields) =>
    `The query has ${fields > 1e9 ? 'billions of' : fields} fields once its fragments are expanded, more than the limit of ${QUERY_LIMITS.expandedFields}: ask for fewer fields.`,
);

const armorOptions = <T>(message: (found: string) => string, extra: T) => ({
  ...extra,
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: reportAs(message),
});

/**
 * The validation rules added to graphql-js's own, on every transport: depth, aliases and directives
 * (GraphQL Armor, each fragment walked once and remembered, cycle-safe) and the root-field count.
 */
export const QUERY_LIMIT_RULES: readonly ValidationRule[] = [
  maxDepthRule(
    armorOptions(
      (found) =>
        `The query is nested ${found} levels deep, more than the limit of ${QUERY_LIMITS.depth}: ask for fewer nested fields.`,
      { n: QUERY_LIMITS.depth, flattenFragments: true, ignoreIntrospection: true },
    ),
  ),
  maxAliasesRule(
    armorOptions(
      (found) =>
        `The query has ${found} aliases, more than the limit of ${QUERY_LIMITS.aliases}: send fewer aliased fields.`,
      { n: QUERY_LIMITS.aliases },
    ),
  ),
  maxDirectivesRule(
    armorOptions(
      (found) => `The query has ${found} directives, more than the limit of ${QUERY_LIMITS.directives}.`,
      { n: QUERY_LIMITS.directives },
    ),
  ),
  rootFieldsRule,
  expandedFieldsRule,
];

/**
 * The estimated cost of a valid operation with its variables, or the refusal: over the cost limit, or
 * more fields than `expandedFields` once fragments are expanded (the estimate stops counting there, so
 * its own work is bounded). Variables that do not fit their types give null: execution refuses them
 * with BAD_USER_INPUT before any resolver runs.
 */
export function operationCostError(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
): QueryTooComplexError | null {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables,
      operationName: operationName ?? undefined,
      maxQueryNodes: QUERY_LIMITS.expandedFields,
      estimators: [fieldCostEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message))
      return tooComplex(
        `The query has more than ${QUERY_LIMITS.expandedFields} fields once its fragments are expanded: ask for fewer fields.`,
      );
    if (error instanceof GraphQLError) return null;
    throw error;
  }
  if (cost > QUERY_LIMITS.cost)
    return tooComplex(
      `The query costs ${cost}, more than the limit of ${QUERY_LIMITS.cost}: ask for fewer items (first), fewer nested lists or fewer reports at once.`,
    );
  return null;
}

/** Refuses HTTP operations whose estimated cost (with the request's variables) is over the limit. */
export const queryCostPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document, schema, operation }) {
        // No operation of that name (or several and no name): Apollo would run the executor anyway and
        // turn its refusal into a 500. It is the request's mistake, refused before anything runs.
        if (!operation)
          throw new GraphQLError(
            request.operationName
              ? `The document has no operation named "${request.operationName.slice(0, 100)}".`
              : 'The document has several operations: say which to run with operationName.',
            { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
          );
        const error = operationCostError(schema, document, request.variables, request.operationName);
        if (error) throw error;
      },
    };
  },
};

/**
 * The parser's refusal of a document over the token limit, as the contract's QUERY_TOO_COMPLEX in our
 * words (Apollo reports any parse error as GRAPHQL_PARSE_FAILED).
 */
export function tokenLimitAsTooComplex(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!isTokenLimitMessage(formatted.message)) return formatted;
  return { message: TOKEN_LIMIT_MESSAGE, extensions: { code: 'QUERY_TOO_COMPLEX' } };
}

export const TOKEN_LIMIT_MESSAGE = `The document has more than ${QUERY_LIMITS.tokens} tokens, the limit: send a smaller document.`;

/** graphql-js's words when the parser stops at `maxTokens` ("more that" in graphql 16, "more than" later). */
export function isTokenLimitMessage(message: string): boolean {
  return /Document contains more th(?:at|an) \d+ tokens/.test(message);
}
