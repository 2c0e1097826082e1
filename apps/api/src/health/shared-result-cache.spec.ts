import { SharedResultCache } from './shared-result-cache';

/** A promise settled from outside, for a computation that is still running. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SharedResultCache', () => {
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('computes once for 1,000 concurrent callers, who all get its result', async () => {
    const running = deferred<string>();
    const compute = jest.fn(() => running.promise);
    const cache = new SharedResultCache(compute, 1000, now);

    const answers = Array.from({ length: 1000 }, () => cache.get());
    running.resolve('ok');
    expect(await Promise.all(answers)).toEqual(Array(1000).fill('ok'));
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('hands the result out for 1 s after it settled, then computes again', async () => {
    let n = 0;
    const compute = jest.fn(() => Promise.resolve(++n));
    const cache = new SharedResultCache(compute, 1000, now);

    expect(await cache.get()).toBe(1);
    clock += 999;
    expect(await cache.get()).toBe(1);
    clock += 1;
    expect(await cache.get()).toBe(2);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('shares a computation still running past 1 s instead of starting another', async () => {
    const running = deferred<string>();
    const compute = jest.fn(() => running.promise);
    const cache = new SharedResultCache(compute, 1000, now);

    const first = cache.get();
    clock += 5000;
    const second = cache.get();
    running.resolve('slow');
    expect(await Promise.all([first, second])).toEqual(['slow', 'slow']);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('hands a failure out for its second only, then computes again', async () => {
    const compute = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('event store down'))
      .mockResolvedValue('ok');
    const cache = new SharedResultCache(compute, 1000, now);

    await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('event store down');
    clock += 500;
    await expect(cache.get()).rejects.toThrow('event store down');
    expect(compute).toHaveBeenCalledTimes(1);
    clock += 500;
    await expect(cache.get()).resolves.toBe('ok');
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('turns a computation that throws at once into a shared rejection', async () => {
    const compute = jest.fn((): Promise<string> => {
      throw new Error('synchronously');
    });
    const cache = new SharedResultCache(compute, 1000, now);
    await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('synchronously');
    expect(compute).toHaveBeenCalledTimes(1);
  });
});
