import { DEFAULT_RETRY_POLICY, nextAttemptAfterFailure, retryDelayMs } from './retry-policy';

describe('webhook retry policy', () => {
  const middle = () => 0.5;

  it('waits about a second after the first failure and doubles up to an hour', () => {
    const waits = [1, 2, 3, 4, 12, 13, 30].map((attempts) =>
      retryDelayMs(DEFAULT_RETRY_POLICY, attempts, middle),
    );
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 2_048_000, 3_600_000, 3_600_000]);
  });

  it('spreads the waits by ±20 %', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0)).toBe(800);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0.999999)).toBe(1_200);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 20, () => 0.999999)).toBeCloseTo(4_320_000, -1);
  });

  it('gives up when the next attempt would fall past the window from the first attempt', () => {
    const first = new Date('2026-12-01T00:00:00Z');
    const late = new Date('2026-12-01T23:30:00Z');
    expect(nextAttemptAfterFailure(DEFAULT_RETRY_POLICY, 14, first, late, middle)).toBeNull();
    const early = new Date('2026-12-01T01:00:00Z');
    expect(nextAttemptAfterFailure(DEFAULT_RETRY_POLICY, 5, first, early, middle)).toEqual(
      new Date(early.getTime() + 16_000),
    );
  });

  it('tries a whole day with the defaults: about 30 attempts', () => {
    const first = new Date(0);
    let now = first;
    let attempts = 1;
    for (;;) {
      const next = nextAttemptAfterFailure(DEFAULT_RETRY_POLICY, attempts, first, now, middle);
      if (next === null) break;
      now = next;
      attempts += 1;
    }
    expect(attempts).toBeGreaterThanOrEqual(25);
    expect(attempts).toBeLessThanOrEqual(35);
    expect(now.getTime()).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.retryWindowMs);
  });
});
