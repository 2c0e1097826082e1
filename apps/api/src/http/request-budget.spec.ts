import { budgetCallerOf, RequestBudget } from './request-budget';

/** A budget on a clock the test moves. */
function budgetAt(perSecond: number, burst: number, maxBuckets?: number) {
  const clock = { now: 0 };
  const budget = new RequestBudget({ perSecond, burst }, () => clock.now, maxBuckets);
  return { budget, clock };
}

describe('RequestBudget', () => {
  it('lets a burst through, then one request per refill, and says when to retry in whole seconds', () => {
    const { budget, clock } = budgetAt(2, 3);
    expect([1, 2, 3].map(() => budget.take('key:a'))).toEqual([undefined, undefined, undefined]);
    const over = budget.take('key:a');
    expect(over?.retryAfterSeconds).toBe(1);
    expect(over?.message).toMatch(/^This API key has used the request budget \(2 a second, bursts of 3\)/);
    clock.now = 400; // 0.8 of a token
    expect(budget.take('key:a')).toBeDefined();
    clock.now = 500; // 1 token
    expect(budget.take('key:a')).toBeUndefined();
    expect(budget.take('key:a')).toBeDefined();
  });

  it('keeps each caller to its own bucket', () => {
    const { budget } = budgetAt(1, 1);
    expect(budget.take('key:a')).toBeUndefined();
    expect(budget.take('key:a')).toBeDefined();
    expect(budget.take('key:b')).toBeUndefined();
    expect(budget.take('address:127.0.0.1')?.message).toBeUndefined();
    expect(budget.take('address:127.0.0.1')?.message).toMatch(
      /^Requests without an API key from this address/,
    );
  });

  it('asks a slow budget to wait as long as one token takes, at least a second', () => {
    const { budget } = budgetAt(0.25, 1);
    budget.take('key:a');
    expect(budget.take('key:a')?.retryAfterSeconds).toBe(4);
    const fast = budgetAt(1000, 1).budget;
    fast.take('key:a');
    expect(fast.take('key:a')?.retryAfterSeconds).toBe(1);
  });

  it('holds at most maxBuckets, dropping the least recently used, and forgets idle callers', () => {
    const { budget, clock } = budgetAt(1, 2, 100);
    for (let i = 0; i < 10_000; i++) budget.take(`key:random-${i}`);
    expect(budget.size).toBe(100);
    // A caller in use stays while others come and go.
    budget.take('key:a');
    budget.take('key:a');
    for (let i = 0; i < 99; i++) {
      budget.take(`key:other-${i}`);
      budget.take('key:a');
    }
    expect(budget.take('key:a')).toBeDefined();
    // After a minute, every bucket that has refilled is dropped at the next request.
    clock.now = 61_000;
    budget.take('key:b');
    expect(budget.size).toBe(1);
  });
});

describe('budgetCallerOf', () => {
  it('names a key by the digest of its secret (never the secret), and a request without one by its address', () => {
    const caller = budgetCallerOf('Bearer kb_the-secret-0123456789', '10.0.0.1');
    expect(caller).toMatch(/^key:[\w-]{43}$/);
    expect(caller).not.toContain('secret');
    expect(budgetCallerOf('bearer   kb_the-secret-0123456789 ', '10.0.0.2')).toBe(caller);
    expect(budgetCallerOf('Bearer kb_another-secret-0123456789', '10.0.0.1')).not.toBe(caller);
    expect(budgetCallerOf(undefined, '10.0.0.1')).toBe('address:10.0.0.1');
    expect(budgetCallerOf('Basic dXNlcjpwYXNz', '10.0.0.1')).toBe('address:10.0.0.1');
  });
});
