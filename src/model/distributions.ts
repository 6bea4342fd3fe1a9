import type { Rng } from './rng.ts';

/** A discrete distribution over indices, sampled by a binary search of cumulative weights. */
export class Discrete {
  readonly size: number;
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new RangeError('a discrete distribution needs a positive total weight');
    this.size = weights.length;
    this.cumulative = new Float64Array(weights.length);
    let acc = 0;
    for (let i = 0; i < weights.length; i++) {
      acc += weights[i]! / total;
      this.cumulative[i] = acc;
    }
    this.cumulative[weights.length - 1] = 1;
  }

  sample(rng: Rng): number {
    return this.pick(rng.next());
  }

  /** The index for a uniform draw `u` in [0, 1). */
  pick(u: number): number {
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < c[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Standard normal draw (Box–Muller; one value per call keeps the stream position simple). */
export function normal(rng: Rng): number {
  let u = rng.next();
  if (u < 1e-12) u = 1e-12;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Lognormal with the given mean and log-space sigma: heavy right tail, always positive. */
export function lognormalWithMean(rng: Rng, mean: number, sigma: number): number {
  return mean * Math.exp(sigma * normal(rng) - (sigma * sigma) / 2);
}

/** Exponential waiting time for a Poisson process of `rate` events per unit. */
export function exponential(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.next()) / rate;
}

/** Zipf-like weights 1/(k+1)^s for k in [0, n). */
export function zipfWeights(n: number, s: number): number[] {
  const w: number[] = [];
  for (let k = 0; k < n; k++) w.push(1 / (k + 1) ** s);
  return w;
}

/** A weighted choice among values: draws the value itself, so callers never decode an index. */
export class Choice<T> {
  readonly values: readonly T[];
  private readonly distribution: Discrete;

  constructor(values: readonly T[], weights: readonly number[]) {
    if (values.length !== weights.length)
      throw new RangeError(`a choice needs one weight per value (got ${weights.length} weights for ${values.length} values)`);
    this.values = values;
    this.distribution = new Discrete(weights);
  }

  /** A choice over a vocabulary, weighted by `mix`, in the vocabulary's order. */
  static of<K extends string>(vocabulary: readonly K[], mix: Readonly<Record<K, number>>): Choice<K> {
    return new Choice(
      vocabulary,
      vocabulary.map((k) => mix[k]),
    );
  }

  draw(rng: Rng): T {
    return this.values[this.distribution.sample(rng)]!;
  }
}
