import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Each API key's budget (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST). */
export interface RequestBudgetConfig {
  /** Requests a second a key may keep sending. */
  readonly perSecond: number;
  /** Requests a key may send at once after a pause (the bucket's size). */
  readonly burst: number;
}

/**
 * Generous: about what one process serves on two cores, so no ordinary client meets it; a script in a
 * tight loop does. Where portals share a service with scripts, set it lower (docs/operations).
 */
export const DEFAULT_REQUEST_BUDGET: RequestBudgetConfig = { perSecond: 500, burst: 1000 };

/** Buckets kept at most: some megabytes whatever the number of keys (or forged keys) a flood uses. */
export const MAX_BUCKETS = 20_000;

/** The refusal of a request over budget, and how long until one more is allowed. */
export interface OverBudget {
  readonly retryAfterSeconds: number;
  readonly message: string;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per caller: an API key (by the SHA-256 of its bearer secret, so no database is read
 * and no secret is kept), or the client address of a request without one. A bucket holds `burst`
 * tokens, refills at `perSecond`, and each request takes one.
 *
 * Memory is bounded: a bucket that has refilled is the same as none, so idle callers' buckets are
 * dropped (a sweep at most once a minute); past MAX_BUCKETS the least recently used one is dropped,
 * which at worst forgives its caller some debt, never refuses anyone wrongly.
 */
export class RequestBudget {
  private readonly buckets = new Map<string, Bucket>();
  private sweptAt: number;

  constructor(
    readonly config: RequestBudgetConfig,
    private readonly now: () => number = () => performance.now(),
    private readonly maxBuckets = MAX_BUCKETS,
  ) {
    this.sweptAt = now();
  }

  /** Takes one token of `caller`'s bucket; says how long to wait when there is none. */
  take(caller: string): OverBudget | undefined {
    const now = this.now();
    if (now - this.sweptAt > 60_000) this.sweep(now);
    const bucket = this.buckets.get(caller);
    let tokens = this.config.burst;
    if (bucket) {
      tokens = Math.min(
        this.config.burst,
        bucket.tokens + ((now - bucket.at) / 1000) * this.config.perSecond,
      );
      this.buckets.delete(caller); // re-inserted below: the Map's order is the order of last use
    } else if (this.buckets.size >= this.maxBuckets) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    if (tokens < 1) {
      this.buckets.set(caller, { tokens, at: now });
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / this.config.perSecond));
      return { retryAfterSeconds, message: this.refusal(caller, retryAfterSeconds) };
    }
    this.buckets.set(caller, { tokens: tokens - 1, at: now });
    return undefined;
  }

  /** Buckets held now (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    const refillMs = (this.config.burst / this.config.perSecond) * 1000;
    for (const [caller, bucket] of this.buckets) if (now - bucket.at >= refillMs) this.buckets.delete(caller);
  }

  private refusal(caller: string, retryAfterSeconds: number): string {
    const who = caller.startsWith('key:')
      ? 'This API key has'
      : 'Requests without an API key from this address have';
    return (
      `${who} used the request budget (${this.config.perSecond} a second, bursts of ${this.config.burst}): ` +
      `retry in ${retryAfterSeconds} s (Retry-After), and pace the requests.`
    );
  }
}

/** Whose budget a request spends: its bearer key's, else its client address's. */
export function budgetCallerOf(authorization: string | undefined, address: string | undefined): string {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (secret !== undefined) return `key:${createHash('sha256').update(secret).digest('base64url')}`;
  return `address:${address ?? 'unknown'}`;
}

/** The answer over budget: a GraphQL-shaped error with the code RATE_LIMITED, and when to retry. */
export function rateLimitedBody(over: OverBudget): string {
  return JSON.stringify({
    errors: [
      {
        message: over.message,
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: over.retryAfterSeconds },
      },
    ],
  });
}

/**
 * Spends a request's token before anything else is done with it (the body is not even read): over
 * budget, the answer is 429 with `Retry-After` in whole seconds and the code RATE_LIMITED.
 */
export function requestBudget(budget: RequestBudget, onRefused?: (req: IncomingMessage) => void) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const over = budget.take(budgetCallerOf(req.headers.authorization, req.socket.remoteAddress));
    if (over === undefined) {
      next();
      return;
    }
    onRefused?.(req);
    req.resume();
    res.writeHead(429, {
      'content-type': 'application/json; charset=utf-8',
      'retry-after': String(over.retryAfterSeconds),
    });
    res.end(rateLimitedBody(over));
  };
}
