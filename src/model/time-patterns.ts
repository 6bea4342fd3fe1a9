/**
 * Activity multipliers by local time and day. Bands are half-open hour ranges; the weekend
 * factor multiplies the band's factor. The seed gives them as steps; the simulation uses a
 * smooth curve with the same mean over each stretch of a band (`buildCurve`). A scenario may
 * move the bands, change their factors, or give an hourly curve per weekday instead.
 */
export interface BandSpec {
  readonly from: number;
  readonly to: number;
  readonly factor: number;
}

export interface TimeSpec {
  readonly business: BandSpec;
  readonly peak: BandSpec;
  readonly lateNight: BandSpec;
  readonly weekendFactor: number;
  /** Instead of the bands: 24 multipliers per weekday, Sunday first (7 × 24). */
  readonly hourly?: readonly (readonly number[])[];
}

export const BUSINESS = { from: 9, to: 17, factor: 1.2 } as const;
export const PEAK = { from: 19, to: 22, factor: 2.0 } as const;
export const LATE_NIGHT = { from: 23, to: 6, factor: 0.2 } as const;
export const WEEKEND_FACTOR = 1.8;
export const DEFAULT_TIME: TimeSpec = { business: BUSINESS, peak: PEAK, lateNight: LATE_NIGHT, weekendFactor: WEEKEND_FACTOR };

export type Band = 'business' | 'peak' | 'late_night' | 'other';

const inBand = (hour: number, b: BandSpec): boolean => (b.from <= b.to ? hour >= b.from && hour < b.to : hour >= b.from || hour < b.to);

export function bandOf(hour: number, spec: TimeSpec = DEFAULT_TIME): Band {
  if (inBand(hour, spec.business)) return 'business';
  if (inBand(hour, spec.peak)) return 'peak';
  if (inBand(hour, spec.lateNight)) return 'late_night';
  return 'other';
}

/** The seed's multiplier for a local hour (0–23) and weekday (0 = Sunday … 6 = Saturday): a step function. */
export function timeMultiplier(hour: number, weekday: number, spec: TimeSpec = DEFAULT_TIME): number {
  if (spec.hourly) return spec.hourly[weekday]![hour]!;
  const weekend = weekday === 0 || weekday === 6;
  const band = bandOf(hour, spec);
  const factor =
    band === 'business' ? spec.business.factor : band === 'peak' ? spec.peak.factor : band === 'late_night' ? spec.lateNight.factor : 1;
  return factor * (weekend ? spec.weekendFactor : 1);
}

/** Largest ratio between the expected rates of consecutive 5-minute buckets (issue 13: 25%). */
export const MAX_BUCKET_STEP = 1.25;
const BUCKET_MINUTES = 5;
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const BUCKETS = MINUTES_PER_WEEK / BUCKET_MINUTES;
/**
 * Where a ramp lies: 0 puts it all on the busier side of a band edge, 1 on the quieter side.
 * Ramps into the quiet band would lift late night's inner hours, ramps into the busy side lower
 * the short evening stretch of `other` (22–23); at 0.3 every band's inner hours are within 5%
 * of its level.
 */
const RAMP_LOW = 0.3;
/**
 * Stretches this long or longer are fitted to the seed's level. A one-hour stretch (22–23 between
 * the evening peak and late night, 23–24 before midnight) is mostly ramp: it keeps the band's
 * level, and its band's mean over all its hours comes out a little off the seed's (other hours
 * ~2% low) rather than the band's longer stretches being pushed up to make up for it.
 */
const FITTED_MINUTES = 120;

/**
 * One stretch of a day in one band (a day has seven: 0–6 late night, 6–9 other, 9–17
 * business, 17–19 other, 19–22 peak, 22–23 other, 23–24 late night), and the seed's
 * multiplier for it.
 */
interface Run {
  readonly from: number;
  /** Exclusive, in minutes of the week. */
  readonly to: number;
  readonly target: number;
  /** The day's band this stretch is part of: `day * 4 + band`. */
  readonly group: number;
}

const BANDS: readonly Band[] = ['business', 'peak', 'late_night', 'other'];

function weekRuns(spec: TimeSpec): Run[] {
  const runs: Run[] = [];
  // An hourly curve: each stretch of equal hours is a group of its own.
  const groupOf = (h: number, d: number): number => (spec.hourly ? d * 24 + h : d * 4 + BANDS.indexOf(bandOf(h, spec)));
  for (let d = 0; d < 7; d++) {
    let from = 0;
    for (let h = 1; h <= 24; h++) {
      if (
        h === 24 ||
        (groupOf(h, d) !== groupOf(from, d) && (!spec.hourly || timeMultiplier(h, d, spec) !== timeMultiplier(from, d, spec)))
      ) {
        runs.push({
          from: d * MINUTES_PER_DAY + from * 60,
          to: d * MINUTES_PER_DAY + h * 60,
          target: timeMultiplier(from, d, spec),
          group: groupOf(from, d),
        });
        from = h;
      }
    }
  }
  return runs;
}

/**
 * The smallest `slope`-Lipschitz function above `s` (sign 1) or the largest below it (sign −1),
 * on a cycle: a distance transform, two passes each way around the week.
 */
function envelope(s: Float64Array, slope: number, sign: 1 | -1): Float64Array {
  const n = s.length;
  const e = Float64Array.from(s);
  const better = (a: number, b: number): number => (sign > 0 ? Math.max(a, b) : Math.min(a, b));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < 2 * n; i++) e[i % n] = better(e[i % n]!, e[(i + n - 1) % n]! - sign * slope);
    for (let i = 2 * n - 1; i >= 0; i--) e[i % n] = better(e[i % n]!, e[(i + 1) % n]! - sign * slope);
  }
  return e;
}

/**
 * The rate curve as a real shop has it: the bands' levels joined by ramps, never a jump. Built
 * once: per 5-minute bucket, the log of each band stretch's level; ramps by averaging the
 * upper and lower slope-limited envelopes of that step function (a ramp across each band edge,
 * as steep as allowed); then linear between bucket centres, per minute. The levels are
 * fitted so that each band's mean multiplier over its longer stretches of each day equals the
 * seed's: the band ratios of the seed hold (within 4%), and the inner hours of a band sit near
 * its level.
 */
export function buildCurve(spec: TimeSpec = DEFAULT_TIME): Curve {
  const runs = weekRuns(spec);
  const runOfBucket = new Int32Array(BUCKETS);
  runs.forEach((r, k) => {
    for (let b = r.from / BUCKET_MINUTES; b < r.to / BUCKET_MINUTES; b++) runOfBucket[b] = k;
  });
  const levels = runs.map((r) => r.target);
  // Both envelopes, and so any blend of them, change by at most `slope` between buckets.
  const slope = Math.log(MAX_BUCKET_STEP) * 0.97;
  const minutes = new Float64Array(MINUTES_PER_WEEK);
  const logs = new Float64Array(BUCKETS);
  // Bucket centres at 2.5 minutes; a minute is read at its middle: between knot `left[m]`
  // and the next, at `along[m]`.
  const left = new Int32Array(MINUTES_PER_WEEK);
  const along = new Float64Array(MINUTES_PER_WEEK);
  for (let m = 0; m < MINUTES_PER_WEEK; m++) {
    const x = (m + 0.5 - BUCKET_MINUTES / 2) / BUCKET_MINUTES;
    const b0 = Math.floor(x);
    left[m] = (b0 + BUCKETS) % BUCKETS;
    along[m] = x - b0;
  }
  for (let iteration = 0; iteration < 40; iteration++) {
    for (let b = 0; b < BUCKETS; b++) logs[b] = Math.log(levels[runOfBucket[b]!]!);
    const up = envelope(logs, slope, 1);
    const down = envelope(logs, slope, -1);
    const knots = new Float64Array(BUCKETS);
    for (let b = 0; b < BUCKETS; b++) knots[b] = Math.exp(RAMP_LOW * up[b]! + (1 - RAMP_LOW) * down[b]!);
    for (let m = 0; m < MINUTES_PER_WEEK; m++) {
      const b = left[m]!;
      const f = along[m]!;
      minutes[m] = knots[b]! * (1 - f) + knots[b + 1 === BUCKETS ? 0 : b + 1]! * f;
    }
    const sums = new Float64Array(7 * 24);
    const counts = new Float64Array(7 * 24);
    for (const r of runs) {
      if (r.to - r.from < FITTED_MINUTES) continue;
      for (let m = r.from; m < r.to; m++) sums[r.group]! += minutes[m]!;
      counts[r.group]! += r.to - r.from;
    }
    for (const [k, r] of runs.entries()) {
      if (r.to - r.from >= FITTED_MINUTES) levels[k] = levels[k]! * (r.target / (sums[r.group]! / counts[r.group]!)) ** 0.8;
    }
  }
  const buckets = new Float64Array(BUCKETS);
  for (let b = 0; b < BUCKETS; b++) {
    let sum = 0;
    for (let m = b * BUCKET_MINUTES; m < (b + 1) * BUCKET_MINUTES; m++) sum += minutes[m]!;
    buckets[b] = sum / BUCKET_MINUTES;
  }
  return {
    minutes,
    buckets,
    max: minutes.reduce((a, b) => Math.max(a, b), 0),
    mean: minutes.reduce((a, b) => a + b, 0) / minutes.length,
  };
}

/** A week's rate curve. */
export interface Curve {
  /** The smooth multiplier by minute of the local week (`weekday * 1440 + minute of the day`, weekday 0 = Sunday): what the simulation thins arrivals with. */
  readonly minutes: Float64Array;
  /** Mean multiplier of each 5-minute bucket of the local week, for checks. */
  readonly buckets: Float64Array;
  /** The largest multiplier any minute has: the bound used when thinning arrivals. */
  readonly max: number;
  /** Average multiplier over a week: the ratio of the long-run event rate to the base rate. */
  readonly mean: number;
}

let seedCurve: Curve | undefined;

/** The seed's curve, built when first asked for (a run of another shop, or a worker given it, never builds it). */
export function defaultCurve(): Curve {
  seedCurve ??= buildCurve();
  return seedCurve;
}
