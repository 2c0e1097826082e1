import { WrongExpectedVersionError, type EventStore } from '@kb/event-store';
import { timedAppends, type AppendOutcome } from './timed-event-store';

describe('timedAppends', () => {
  /** A store that keeps state on itself, as the real ones do; only what the test calls is real. */
  class FakeStore {
    closed = false;
    answer: 'ok' | 'conflict' | 'down' = 'ok';
    async appendToStream() {
      if (this.answer === 'conflict') throw new WrongExpectedVersionError('s', 0, 1);
      if (this.answer === 'down') throw new Error('disk gone');
      return { nextExpectedRevision: 0, position: '1' };
    }
    async close() {
      this.closed = true;
    }
  }

  it('times each append with its outcome, and passes every other call to the store itself', async () => {
    const store = new FakeStore();
    const seen: Array<[number, AppendOutcome]> = [];
    const timed = timedAppends(store as unknown as EventStore, (seconds, outcome) =>
      seen.push([seconds, outcome]),
    );
    await expect(timed.appendToStream('s', [])).resolves.toEqual({ nextExpectedRevision: 0, position: '1' });
    store.answer = 'conflict';
    await expect(timed.appendToStream('s', [])).rejects.toBeInstanceOf(WrongExpectedVersionError);
    store.answer = 'down';
    await expect(timed.appendToStream('s', [])).rejects.toThrow('disk gone');
    expect(seen.map(([, outcome]) => outcome)).toEqual(['ok', 'wrong_expected_version', 'error']);
    for (const [seconds] of seen) expect(seconds).toBeGreaterThanOrEqual(0);
    await timed.close();
    expect(store.closed).toBe(true);
  });
});
