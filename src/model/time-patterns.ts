/**
 * Activity multipliers by local hour and day. Bands are half-open hour ranges; the weekend
 * factor multiplies the band's factor.
 */
export const BUSINESS = { from: 9, to: 17, factor: 1.2 } as const;
export const PEAK = { from: 19, to: 22, factor: 2.0 } as const;
export const LATE_NIGHT = { from: 23, to: 6, factor: 0.2 } as const;
export const WEEKEND_FACTOR = 1.8;

export type Band = 'business' | 'peak' | 'late_night' | 'other';

export function bandOf(hour: number): Band {
  if (hour >= BUSINESS.from && hour < BUSINESS.to) return 'business';
  if (hour >= PEAK.from && hour < PEAK.to) return 'peak';
  if (hour >= LATE_NIGHT.from || hour < LATE_NIGHT.to) return 'late_night';
  return 'other';
}

const BAND_FACTOR: Record<Band, number> = {
  business: BUSINESS.factor,
  peak: PEAK.factor,
  late_night: LATE_NIGHT.factor,
  other: 1,
};

/** Multiplier for a local hour (0–23) and weekday (0 = Sunday … 6 = Saturday). */
export function timeMultiplier(hour: number, weekday: number): number {
  const weekend = weekday === 0 || weekday === 6;
  return BAND_FACTOR[bandOf(hour)] * (weekend ? WEEKEND_FACTOR : 1);
}

/** The largest multiplier any hour can have: the bound used when thinning arrivals. */
export const MAX_MULTIPLIER = PEAK.factor * WEEKEND_FACTOR;

/** Multiplier by `weekday * 24 + hour`, precomputed. */
export const MULTIPLIER_TABLE: Float64Array = (() => {
  const t = new Float64Array(7 * 24);
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) t[d * 24 + h] = timeMultiplier(h, d);
  return t;
})();

/** Average multiplier over a week: the ratio of the long-run event rate to the base rate. */
export const MEAN_WEEKLY_MULTIPLIER = MULTIPLIER_TABLE.reduce((a, b) => a + b, 0) / MULTIPLIER_TABLE.length;
