import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { forbiddenAddressReason } from './address-policy';

/** How the service introduces itself to receivers. */
export const WEBHOOK_USER_AGENT = 'FailureKnowledgeBase-Webhooks/1.0';
/** The most of a receiver's answer that is read, and kept in the error of a failed attempt. */
export const MAX_ANSWER_BYTES = 1024;
/** What the delivery worker gives as `timeoutMs` unless told otherwise. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;

/** One attempt to deliver one signed body to one webhook. */
export interface AttemptRequest {
  /** The webhook's URL (normalised, as its `WebhookCreated` event holds it). */
  readonly url: string;
  /** The JSON body, exactly as it was signed; sent as UTF-8. */
  readonly body: string;
  /** The signature headers (`signedHeaders`); content-type, content-length and user-agent are set here. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The longest the whole attempt may take: a wait for a free connection (at most
   * `maxSocketsPerHost` to one receiver), DNS, connect, TLS, sending, and the answer.
   */
  readonly timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: plain http:// and private, loopback and metadata addresses are allowed. */
  readonly allowPrivate: boolean;
  /** Aborts the attempt (say, the webhook was deleted): it ends at once with the error `aborted`. */
  readonly signal?: AbortSignal;
}

/** How an attempt went. `error` is short, in words, and never holds the secret, the signature or the headers. */
export interface AttemptResult {
  /** The receiver answered 2xx. */
  readonly delivered: boolean;
  /** The answer's status, or null when there was none (refused address, timeout, connection failed). */
  readonly statusCode: number | null;
  /** From the start of the attempt to its end (for a 2xx or a 3xx: to the answer's status line). */
  readonly latencyMs: number;
  /** Why it failed, or null when delivered. */
  readonly error: string | null;
}

/** `dns.lookup` as this client calls it: every address of a name at once. */
export type Resolver = (
  hostname: string,
  options: { all: true; family?: number | 'IPv4' | 'IPv6'; hints?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface WebhookHttpClientOptions {
  /** Resolves host names: `dns.lookup` unless given (tests count its calls). */
  readonly resolve?: Resolver;
  /** Connections to one receiver (host and port) at once, for each scheme. Default 64. */
  readonly maxSocketsPerHost?: number;
  /**
   * For tests only: the certificate authorities trusted for https:// instead of Node's (PEM). The
   * certificate is verified against the URL's host name either way.
   */
  readonly ca?: string | Buffer;
}

/**
 * Sends webhook deliveries over HTTP(S), one attempt per `send`, and keeps connections to receivers
 * open between attempts (keep-alive): the delivery worker may send hundreds a second to one
 * receiver. Safe against request forgery (docs/adr/0006-webhook-secrets.md):
 * - only https:// URLs, plain http:// only with `allowPrivate`;
 * - the host name is resolved once per new connection, by the connection's own `lookup`; unless
 *   `allowPrivate`, a name with any forbidden address (address-policy.ts) is refused, and the socket
 *   connects to exactly the addresses that were checked (no second lookup that DNS could answer
 *   differently); an IP-literal host is checked as it is;
 * - TLS verifies the certificate for the host name (SNI is the name, not the address);
 * - redirects are not followed: a 3xx is a failed attempt.
 * It never throws and never logs; errors name the host, never the path, the query or the headers.
 * Call `close()` when done, to close the kept connections.
 */
export class WebhookHttpClient {
  private readonly resolve: Resolver;
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly options: WebhookHttpClientOptions = {}) {
    this.resolve = options.resolve ?? dnsLookup;
  }

  send(request: AttemptRequest): Promise<AttemptResult> {
    const started = performance.now();
    const ended = (statusCode: number | null, error: string | null): AttemptResult => ({
      delivered: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
      statusCode,
      latencyMs: Math.round(performance.now() - started),
      error,
    });
    const target = this.targetOf(request);
    if (typeof target === 'string') return Promise.resolve(ended(null, target));
    if (request.signal?.aborted) return Promise.resolve(ended(null, 'aborted'));
    return new Promise((resolve) => {
      try {
        this.attempt(request, target, (statusCode, error) => resolve(ended(statusCode, error)));
      } catch (error) {
        // http.request throws at once on, say, a character a header may not hold: never with its value.
        resolve(ended(null, describeError(error, target)));
      }
    });
  }

  /** Closes the connections kept open; attempts still under way fail. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** What to connect to, or why the URL is refused before any connection. */
  private targetOf(request: AttemptRequest): Target | string {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return 'not an absolute URL';
    }
    if (url.protocol === 'http:' && !request.allowPrivate)
      return 'refused: plain http:// (only WEBHOOK_ALLOW_PRIVATE=true allows it)';
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'refused: not an https:// URL';
    if (url.username !== '' || url.password !== '') return 'refused: the URL holds credentials';
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(hostname) !== 0 && !request.allowPrivate) {
      const reason = forbiddenAddressReason(hostname);
      if (reason !== null) return forbiddenMessage(hostname, hostname, reason);
    }
    return { url, hostname, host: url.host };
  }

  private attempt(
    request: AttemptRequest,
    { url, hostname, host }: Target,
    done: (statusCode: number | null, error: string | null) => void,
  ): void {
    const body = Buffer.from(request.body, 'utf8');
    let settled = false;
    let statusCode: number | null = null;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      done(statusCode, error);
    };
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request({
      agent: this.agentFor(secure, request.allowPrivate),
      hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        ...request.headers,
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': WEBHOOK_USER_AGENT,
      },
    });
    let readAnswer: ((cut: boolean) => void) | null = null;

    const timer = setTimeout(() => {
      if (readAnswer) readAnswer(true);
      else finish(`timed out after ${request.timeoutMs / 1000} s`);
      req.destroy();
    }, request.timeoutMs);
    const onAbort = () => {
      finish('aborted');
      req.destroy();
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (readAnswer) readAnswer(true);
      else finish('connection closed before an answer');
    });
    req.on('error', (error) => finish(describeError(error, { hostname, host })));

    req.on('response', (res) => {
      statusCode = res.statusCode ?? null;
      const status = statusCode ?? 0;
      res.on('error', () => undefined); // a destroyed answer; the attempt has ended already
      const chunks: Buffer[] = [];
      let size = 0;
      // 2xx and 3xx end the attempt at once; the answer is still read (at most 1 KB) so that the
      // connection can serve the next attempt, and dropped.
      if (status >= 200 && status < 300) finish(null);
      else if (status >= 300 && status < 400) finish(`redirect (HTTP ${status}) not followed`);
      else
        readAnswer = (cut) => {
          const text = answerText(Buffer.concat(chunks), cut);
          finish(`HTTP ${status}${text === '' ? '' : `: ${text}`}`);
        };
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - size));
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          readAnswer?.(true);
          res.destroy(); // no more than 1 KB is read; the connection is not reused
        }
      });
      res.on('end', () => readAnswer?.(false));
    });
    req.end(body);
  }

  /** One keep-alive agent per scheme and policy, so a connection checked under one policy never serves the other. */
  private agentFor(secure: boolean, allowPrivate: boolean): http.Agent {
    const key = `${secure ? 'https' : 'http'}:${allowPrivate ? 'private' : 'public'}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const options: https.AgentOptions = {
        keepAlive: true,
        // Idle connections are closed after 4 s, before the 5 s after which Node servers close them.
        timeout: 4_000,
        maxSockets: this.options.maxSocketsPerHost ?? 64,
        scheduling: 'lifo',
        lookup: checkedLookup(this.resolve, allowPrivate),
        ...(secure && this.options.ca !== undefined ? { ca: this.options.ca } : {}),
      };
      agent = secure ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }
}

interface Target {
  readonly url: URL;
  /** The host name or IP address (without IPv6 brackets). */
  readonly hostname: string;
  /** host[:port], as errors name the receiver (never the path or the query, which may hold tokens). */
  readonly host: string;
}

/** Refused by the address policy; carried through the socket to the request's `error`. */
class ForbiddenAddressError extends Error {
  readonly code = 'KB_FORBIDDEN_ADDRESS';
}

/**
 * The connection's lookup: resolves the name once (every address), refuses it if any address is
 * forbidden (unless allowPrivate), and hands Node the checked addresses, to which the socket then
 * connects. Node 20 asks with `{ all: true }` when it tries several addresses (autoSelectFamily),
 * and then wants them all; otherwise it wants one.
 */
function checkedLookup(resolve: Resolver, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true, family: options.family, hints: options.hints }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (addresses.length === 0) {
        const none: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
        none.code = 'ENOTFOUND';
        return callback(none, '', 0);
      }
      if (!allowPrivate)
        for (const { address } of addresses) {
          const reason = forbiddenAddressReason(address);
          if (reason !== null)
            return callback(new ForbiddenAddressError(forbiddenMessage(hostname, address, reason)), '', 0);
        }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function forbiddenMessage(hostname: string, address: string, reason: string): string {
  const what = hostname === address ? address : `${hostname} (${address})`;
  return `refused: ${what} is ${reason}; only WEBHOOK_ALLOW_PRIVATE=true allows it`;
}

/** A short error in words, naming the receiver by host and port only. */
function describeError(error: unknown, { hostname, host }: Pick<Target, 'hostname' | 'host'>): string {
  if (error instanceof ForbiddenAddressError) return error.message;
  const { code, message } = error as NodeJS.ErrnoException;
  switch (code ?? '') {
    case 'ECONNREFUSED':
      return `connection refused by ${host}`;
    case 'ECONNRESET':
      return `connection reset by ${host}`;
    case 'EPIPE':
      return `connection closed by ${host} while sending`;
    case 'ETIMEDOUT':
      return `connection to ${host} timed out`;
    case 'EHOSTUNREACH':
      return `${host} is unreachable`;
    case 'ENETUNREACH':
      return `no network route to ${host}`;
    case 'ENOTFOUND':
      return `${hostname} is not found (DNS)`;
    case 'EAI_AGAIN':
      return `${hostname} could not be resolved just now (DNS)`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS: the certificate of ${host} is not for ${hostname}`;
    case 'CERT_HAS_EXPIRED':
      return `TLS: the certificate of ${host} has expired`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `TLS: the certificate of ${host} is not trusted (${code})`;
    default:
      return `${code ?? 'failed'}: ${String(message).slice(0, 200)}`;
  }
}

/** At most 1 KB of the answer as text on one line (control characters become spaces). */
function answerText(bytes: Buffer, cut: boolean): string {
  let text = bytes.subarray(0, MAX_ANSWER_BYTES).toString('utf8');
  // A character cut in half at the 1 KB limit decodes as U+FFFD: drop it.
  if (cut) text = text.replace(/\uFFFD$/, '');
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
