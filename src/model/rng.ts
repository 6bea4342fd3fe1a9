/**
 * Seeded randomness. One small generator (sfc32: 128 bits of state, fast on 32-bit integer
 * arithmetic, passes PractRand to large sizes) behind a tiny interface. Streams are forked
 * by label so that an extra draw in one part of the model does not shift every other event.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A raw 32-bit unsigned integer. */
  u32(): number;
}

/** 32-bit FNV-1a over the UTF-16 code units of `text`, continuing from `hash`. */
export function hashString(text: string, hash = 0x811c9dc5): number {
  let h = hash >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A 32-bit avalanche mix (murmur3 finalizer). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  // State is kept as signed 32-bit integers: V8 stores those unboxed (small integers),
  // where unsigned values above 2³¹ would each be a heap-allocated number.
  /** `rounds`: first outputs to discard, as sfc32 needs a few to spread weak seeds. */
  constructor(a: number, b: number, c: number, d: number, rounds = 12) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    for (let i = 0; i < rounds; i++) this.u32();
  }

  /** Continue from `other`'s current state (it is not advanced). */
  protected adoptState(other: Sfc32): void {
    this.a = other.a;
    this.b = other.b;
    this.c = other.c;
    this.d = other.d;
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** The root of all randomness of a run; `fork(label, n)` gives an independent stream. */
export class SeedSource {
  readonly seed: number;
  private readonly s0: number;
  private readonly s1: number;
  /** The last label forked and its hash: a lane forks the same label for every session. */
  private label = '';
  private labelHash = hashString('');

  constructor(seed: number, derived?: { s0: number; s1: number }) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer (got ${seed})`);
    this.seed = seed;
    this.s0 = derived?.s0 ?? mix32((seed % 4294967296) ^ 0x9e3779b9);
    this.s1 = derived?.s1 ?? mix32(Math.floor(seed / 4294967296) ^ 0x7f4a7c15);
  }

  /** An independent root for a part of the run (a lane): its forks share no stream with this one's. */
  derive(label: string, id: number): SeedSource {
    const rng = this.fork(label, id);
    return new SeedSource(this.seed, { s0: rng.u32(), s1: rng.u32() });
  }

  /** An independent stream for `label` (and an optional numeric sub-id such as a user number). */
  fork(label: string, id = 0): Sfc32 {
    if (label !== this.label) {
      this.label = label;
      this.labelHash = hashString(label);
    }
    const h = this.labelHash;
    const lo = id >>> 0;
    const hi = Math.floor(id / 4294967296) >>> 0;
    return new Sfc32(
      mix32(this.s0 ^ h),
      mix32(this.s1 ^ Math.imul(h, 0x27d4eb2f) ^ lo),
      mix32(h ^ lo ^ 0x165667b1),
      mix32(this.s0 ^ this.s1 ^ hi ^ Math.imul(lo, 0x61c88647)),
    );
  }
}
