/**
 * The dashboard talks to the service only through its public API: GraphQL on /graphql (documents
 * typed by GraphQL Code Generator from schema.gql) and the report CSV exports. The API key travels
 * in the Authorization header, never in a URL.
 */
import type { TypedDocumentString } from './gql/graphql';

const KEY_STORAGE = 'kb.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

/** A refusal or failure, with the code the API gave (FORBIDDEN, NOT_FOUND, ...) when it gave one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

function authorization(): Record<string, string> {
  const key = storedKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Runs a typed document; the first error, if any, is thrown as an ApiError with its code. */
export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...authorization() },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError('The service does not answer. Is it running? Try again in a moment.', null);
  }
  let body: GraphQLResponse<TResult>;
  try {
    body = (await response.json()) as GraphQLResponse<TResult>;
  } catch {
    throw new ApiError(`The service answered ${response.status} without a GraphQL result.`, null);
  }
  const [first] = body.errors ?? [];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? null);
  if (!body.data) throw new ApiError(`The service answered ${response.status} without data.`, null);
  return body.data;
}

/**
 * Downloads `/reports/<report>.csv` with the given parameters (ANALYST and above): fetched with
 * the key in a header, then saved through an object URL, so the key never appears in a URL.
 */
export async function downloadCsv(
  report: string,
  params: Record<string, string | readonly string[] | null | undefined>,
): Promise<void> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') query.set(name, value);
    else if (value.length > 0) query.set(name, value.join(','));
  }
  await downloadFile(`/reports/${report}.csv?${query.toString()}`, `${report}.csv`);
}

/** Fetches a file of the API with the key in a header and hands it to the browser as a download. */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: authorization() });
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // A plain-text answer: shown as it is.
    }
    throw new ApiError(message || `The download failed with ${response.status}.`, null);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
