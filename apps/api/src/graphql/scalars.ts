import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

function invalid(message: string, node?: ValueNode): GraphQLError {
  return new GraphQLError(message, {
    nodes: node ? [node] : undefined,
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** Parses an RFC 3339 date-time with a time zone and returns it in UTC with milliseconds. */
export function parseDateTime(value: unknown, node?: ValueNode): string {
  if (typeof value !== 'string')
    throw invalid(`DateTime must be a string such as "2026-03-01T12:00:00.000Z", not ${typeof value}.`, node);
  const date = new Date(value);
  if (!RFC3339.test(value) || Number.isNaN(date.getTime()))
    throw invalid(
      `DateTime must be an RFC 3339 date-time with a time zone, such as "2026-03-01T12:00:00.000Z"; '${value.slice(0, 64)}' is not.`,
      node,
    );
  return date.toISOString();
}

/** Already the canonical form (UTC, milliseconds): served as it is, without a parse per value. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** The last value found canonical: a report repeats a bucket's start for each of its keys. */
let lastCanonical = '1970-01-01T00:00:00.000Z';

/** RFC 3339 in UTC with milliseconds, e.g. "2026-03-01T12:00:00.000Z". Values are ISO strings in the code. */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'RFC 3339 date-time in UTC with milliseconds, e.g. "2026-03-01T12:00:00.000Z".',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (value === lastCanonical) return value;
    if (typeof value === 'string') {
      if (!CANONICAL.test(value)) return new Date(value).toISOString();
      lastCanonical = value;
      return value;
    }
    throw new TypeError(`DateTime cannot represent ${typeof value}`);
  },
  parseValue: (value) => parseDateTime(value),
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime must be a string.', ast);
    return parseDateTime(ast.value, ast);
  },
});

/** Any JSON value (event payloads). */
export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral(ast, variables): unknown {
    switch (ast.kind) {
      case Kind.STRING:
      case Kind.ENUM:
      case Kind.BOOLEAN:
        return ast.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(ast.value);
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return ast.values.map((item) => JSONScalar.parseLiteral(item, variables));
      case Kind.OBJECT:
        return Object.fromEntries(
          ast.fields.map((field) => [field.name.value, JSONScalar.parseLiteral(field.value, variables)]),
        );
      case Kind.VARIABLE:
        return variables?.[ast.name.value];
      default:
        throw invalid('JSON cannot represent this literal.', ast);
    }
  },
});
