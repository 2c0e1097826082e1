import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import {
  BREAK,
  execute,
  GraphQLError,
  OperationTypeNode,
  visit,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Queries and mutations over HTTP run as graphql-jit code compiled from the document, instead of
 * through graphql-js's interpreter (ADR 0008): a report of 13,000 points is 39,000 fields, and
 * graphql-js spends about 1 µs on each (an info object, argument values, completion) where the
 * compiled code spends a fifth of that. Resolvers, guards, scalars and errors are the schema's own.
 *
 * Apollo Server 4 and later take a custom executor only through its gateway interface (the
 * migration guide's replacement for the removed `executor` option): this "gateway" serves the
 * schema Nest built, unchanged, and executes with it. Subscriptions are not affected (graphql-ws
 * runs them with graphql-js).
 *
 * A document is compiled the first time it is executed and kept as long as Apollo keeps the parsed
 * document (its document cache hands back the same DocumentNode for the same query text), so a
 * portal's fixed queries are compiled once. graphql-js executes, as before:
 * - documents with a string literal anywhere (arguments, defaults, directives): graphql-jit 0.8
 *   writes literal argument values into the code it generates, and a string that imitates its
 *   marker for dates comes out as code (an API client could run code in the service). Clients pass
 *   text in variables, which graphql-jit reads at run time and never writes into code;
 * - anything graphql-jit cannot compile, and operations other than queries and mutations;
 * - requests refused before execution (variables), whose errors graphql-js words better.
 */
export class JitExecution implements GatewayInterface {
  private readonly compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  private schemaListener: GatewaySchemaLoadOrUpdateCallback | null = null;

  /** `schema`: the schema as built, asked for when Apollo Server starts. */
  constructor(private readonly schema: () => GraphQLSchema) {}

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.schemaListener = callback;
    return () => {
      this.schemaListener = null;
    };
  }

  async load(): Promise<GatewayLoadResult> {
    const schema = this.schema();
    this.schemaListener?.({ apiSchema: schema, coreSupergraphSdl: '' });
    return { executor: (request) => this.execute(schema, request) };
  }

  async stop(): Promise<void> {}

  private async execute(
    schema: GraphQLSchema,
    request: GatewayGraphQLRequestContext,
  ): Promise<GatewayExecutionResult> {
    const variables = request.request.variables ?? {};
    const compiled = this.compiledFor(schema, request);
    if (compiled) {
      const result = await compiled.query(undefined, request.context, variables);
      // No data: refused before execution (the variables), and nothing ran. graphql-js words those
      // refusals better (which variable, which field, the scalar's own message): it answers them.
      if (result.data !== undefined)
        return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
    }
    return execute({
      schema,
      document: request.document,
      operationName: request.operationName,
      contextValue: request.context,
      variableValues: variables,
    });
  }

  private compiledFor(schema: GraphQLSchema, request: GatewayGraphQLRequestContext): CompiledQuery | null {
    const kind = request.operation?.operation;
    if (kind !== OperationTypeNode.QUERY && kind !== OperationTypeNode.MUTATION) return null;
    let byOperation = this.compiled.get(request.document);
    if (!byOperation)
      this.compiled.set(request.document, (byOperation = new Map<string, CompiledQuery | null>()));
    const name = request.operationName ?? '';
    let compiled = byOperation.get(name);
    if (compiled === undefined) {
      compiled = holdsText(request.document)
        ? null
        : compile(schema, request.document, request.operationName);
      byOperation.set(name, compiled);
    }
    return compiled;
  }
}

/**
 * graphql-jit's errors inherit GraphQLError's prototype but leave `extensions` undefined when the
 * error had none, where graphql-js (and Apollo's formatting after it) always has an object: the same
 * error as graphql-js would make it (message, path, locations, the original error and its extensions).
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const made = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  return Object.assign(made, { locations: error.locations });
}

function compile(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
): CompiledQuery | null {
  const result = compileQuery(schema, document, operationName ?? undefined, {
    // The behaviour graphql-jit keeps from its next version on (@skip/@include on fragments).
    useExperimentalPathBasedSkipInclude: true,
  });
  return isCompiledQuery(result) ? result : null;
}

/** Whether the document has a string literal (which graphql-jit would write into generated code). */
export function holdsText(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue() {
      found = true;
      return BREAK;
    },
  });
  return found;
}
