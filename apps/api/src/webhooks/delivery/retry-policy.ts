/** When to try a failed delivery again, and when to give up (Standard Webhooks' advice, our numbers). */
export interface RetryPolicy {
  /** The wait after the first failure (default 1 s); each later wait doubles. */
  readonly firstRetryMs: number;
  /** The longest wait between two attempts (default 1 h). */
  readonly maxRetryDelayMs: number;
  /** How long after its first attempt a delivery is retried before it is FAILED (default 24 h). */
  readonly retryWindowMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  firstRetryMs: 1_000,
  maxRetryDelayMs: 60 * 60_000,
  retryWindowMs: 24 * 60 * 60_000,
};

/**
 * The wait after the `attempts`-th failed attempt: firstRetryMs · 2^(attempts-1), at most
 * maxRetryDelayMs, with ±20 % jitter so that receivers that fail together are not retried together.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempts: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 40));
  const delay = Math.min(policy.firstRetryMs * 2 ** exponent, policy.maxRetryDelayMs);
  return Math.max(0, Math.round(delay * (0.8 + 0.4 * random())));
}

/**
 * After a failed attempt at `now`: the time of the next attempt, or null to give up because it would
 * fall past the retry window that began at `firstAttemptAt`.
 */
export function nextAttemptAfterFailure(
  policy: RetryPolicy,
  attempts: number,
  firstAttemptAt: Date,
  now: Date,
  random: () => number = Math.random,
): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(policy, attempts, random));
  return next.getTime() - firstAttemptAt.getTime() > policy.retryWindowMs ? null : next;
}
