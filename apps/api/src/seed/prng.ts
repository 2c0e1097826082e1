/**
 * A small seeded pseudo-random generator (sfc32, 32-bit state words) and the distributions the demo
 * data needs. Pure: the same seed gives the same sequence on every machine and Node.js version
 * (only 32-bit integer arithmetic and IEEE doubles), unlike Math.random.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for `parts` (e.g. the seed, a purpose and an index): equal parts, equal sequence. */
  static of(...parts: Array<string | number>): Prng {
    const text = parts.join('\u0000');
    return new Prng(hash32(text, 0x9e3779b9), hash32(text, 0x85ebca6b), hash32(text, 0xc2b2ae35), 1);
  }

  private constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  private next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** One of the keys, with the given relative weights. */
  weighted<T extends string>(
    weights: Readonly<Partial<Record<T, number>>> | ReadonlyArray<readonly [T, number]>,
  ): T {
    const entries = (Array.isArray(weights) ? weights : Object.entries(weights)) as ReadonlyArray<
      readonly [T, number]
    >;
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let x = this.float() * total;
    for (const [key, weight] of entries) {
      x -= weight;
      if (x < 0) return key;
    }
    return entries[entries.length - 1][0];
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and σ of the underlying normal: durations with a long tail. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson-distributed count (Knuth; fine for the small means used here). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k += 1;
      p *= this.float();
    }
    return k;
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.float() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }
}

/** FNV-1a-style 32-bit hash with murmur3's finaliser, salted: a seed for the generator. */
function hash32(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
