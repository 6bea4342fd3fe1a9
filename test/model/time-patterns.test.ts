import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZoneClock } from '../../src/model/geo.ts';
import { Simulation } from '../../src/model/simulation.ts';
import { bandOf, defaultCurve, MAX_BUCKET_STEP, timeMultiplier } from '../../src/model/time-patterns.ts';

const { buckets: BUCKET_CURVE, max: MAX_MULTIPLIER, mean: MEAN_WEEKLY_MULTIPLIER, minutes: MINUTE_CURVE } = defaultCurve();

test('bands are half-open hour ranges', () => {
  assert.equal(bandOf(8), 'other');
  assert.equal(bandOf(9), 'business');
  assert.equal(bandOf(16), 'business');
  assert.equal(bandOf(17), 'other');
  assert.equal(bandOf(18), 'other');
  assert.equal(bandOf(19), 'peak');
  assert.equal(bandOf(21), 'peak');
  assert.equal(bandOf(22), 'other');
  assert.equal(bandOf(23), 'late_night');
  assert.equal(bandOf(0), 'late_night');
  assert.equal(bandOf(5), 'late_night');
  assert.equal(bandOf(6), 'other');
});

test('multipliers: business 1.2, peak 2.0, late night 0.2, other 1, weekend × 1.8', () => {
  const monday = 1;
  const saturday = 6;
  const sunday = 0;
  assert.equal(timeMultiplier(10, monday), 1.2);
  assert.equal(timeMultiplier(20, monday), 2.0);
  assert.equal(timeMultiplier(2, monday), 0.2);
  assert.equal(timeMultiplier(18, monday), 1);
  assert.ok(Math.abs(timeMultiplier(20, saturday) - 3.6) < 1e-12);
  assert.ok(Math.abs(timeMultiplier(2, sunday) - 0.36) < 1e-12);
});

/** A band's inner hours: its hours but the first and last of each stretch (late night 00–05, business 10–16, peak 20–21, other 07–08). */
function inner(hour: number): boolean {
  switch (bandOf(hour)) {
    case 'business':
      return hour >= 10 && hour < 16;
    case 'peak':
      return hour === 20;
    case 'late_night':
      return hour < 5;
    default:
      return hour === 7;
  }
}

test('the smooth curve never steps by more than 25% between 5-minute buckets, around the whole week', () => {
  let worst = 0;
  for (let b = 0; b < BUCKET_CURVE.length; b++) {
    const [x, y] = [BUCKET_CURVE[b]!, BUCKET_CURVE[(b + 1) % BUCKET_CURVE.length]!];
    worst = Math.max(worst, Math.max(x, y) / Math.min(x, y));
  }
  assert.ok(worst <= MAX_BUCKET_STEP, `largest step ${worst}`);
  // Not flat either: the seed's 10× between peak and late night is there.
  assert.ok(MAX_MULTIPLIER > 3.6 && MAX_MULTIPLIER < 3.8, `max ${MAX_MULTIPLIER}`);
  assert.ok(MEAN_WEEKLY_MULTIPLIER > 1.1 && MEAN_WEEKLY_MULTIPLIER < 1.25);
});

test("each day's band keeps the seed's mean over its hours (±4%), and its inner hours stay within ±10% of it", () => {
  for (let d = 0; d < 7; d++) {
    for (const band of ['business', 'peak', 'late_night', 'other'] as const) {
      let all = 0;
      let n = 0;
      let innerSum = 0;
      let innerN = 0;
      for (let h = 0; h < 24; h++) {
        if (bandOf(h) !== band) continue;
        for (let m = 0; m < 60; m++) {
          const v = MINUTE_CURVE[d * 1440 + h * 60 + m]!;
          all += v;
          n++;
          if (inner(h)) {
            innerSum += v;
            innerN++;
          }
        }
      }
      const target = timeMultiplier(band === 'late_night' ? 2 : band === 'business' ? 10 : band === 'peak' ? 20 : 7, d);
      // One-hour stretches are mostly ramp (see time-patterns.ts): the whole band is a little off.
      assert.ok(Math.abs(all / n / target - 1) < 0.04, `day ${d} ${band}: mean ${all / n} vs ${target}`);
      assert.ok(Math.abs(innerSum / innerN / target - 1) <= 0.1, `day ${d} ${band}: inner mean ${innerSum / innerN} vs ${target}`);
    }
  }
});

test('local time follows each city’s zone, daylight saving included', () => {
  const ny = new ZoneClock('America/New_York');
  // 2024-03-10 02:00 local: clocks jump from EST (−5) to EDT (−4).
  assert.equal(ny.offsetMs(Date.parse('2024-03-10T06:59:00Z')), -5 * 3_600_000);
  assert.equal(ny.offsetMs(Date.parse('2024-03-10T07:00:00Z')), -4 * 3_600_000);
  const sydney = new ZoneClock('Australia/Sydney');
  assert.equal(sydney.offsetMs(Date.parse('2024-01-15T00:00:00Z')), 11 * 3_600_000);
  assert.equal(sydney.offsetMs(Date.parse('2024-07-15T00:00:00Z')), 10 * 3_600_000);
});

test('the simulation applies multipliers in the user’s local time, and none with time patterns off', () => {
  const options = { seed: 1, startMs: 0, ratePerHour: 5000, minSessionSeconds: 60, maxSessionSeconds: 1800, userPoolSize: 0 };
  const sim = new Simulation({ ...options, timePatterns: true });
  // Wednesday 2024-03-06 01:00 UTC = Tuesday 20:00 in New York (peak), 02:00 in London (late night).
  const t = Date.parse('2024-03-06T01:00:00Z');
  assert.ok(Math.abs(sim.multiplier(1, t) / 2.0 - 1) < 0.05, `${sim.multiplier(1, t)}`);
  assert.ok(Math.abs(sim.multiplier(4, t) / 0.2 - 1) < 0.1, `${sim.multiplier(4, t)}`);
  // Saturday 2024-03-09 12:00 UTC: Berlin 13:00 business on a weekend.
  assert.ok(Math.abs(sim.multiplier(5, Date.parse('2024-03-09T12:00:00Z')) / (1.2 * 1.8) - 1) < 0.01);
  // Minute by minute: 20:30 and 20:31 in New York are not a step apart.
  const a = sim.multiplier(1, Date.parse('2024-03-06T01:30:00Z'));
  const b = sim.multiplier(1, Date.parse('2024-03-06T01:31:00Z'));
  assert.ok(Math.abs(a / b - 1) < 0.05);
  const flat = new Simulation({ ...options, timePatterns: false });
  assert.equal(flat.multiplier(1, t), 1);
  assert.equal(flat.effectiveRatePerHour(t), 5000);
});
