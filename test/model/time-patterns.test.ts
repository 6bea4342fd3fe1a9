import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZoneClock } from '../../src/model/geo.ts';
import { Simulation } from '../../src/model/simulation.ts';
import { bandOf, MAX_MULTIPLIER, MEAN_WEEKLY_MULTIPLIER, timeMultiplier } from '../../src/model/time-patterns.ts';

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
  assert.ok(Math.abs(MAX_MULTIPLIER - 3.6) < 1e-12);
  assert.ok(MEAN_WEEKLY_MULTIPLIER > 1.1 && MEAN_WEEKLY_MULTIPLIER < 1.25);
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
  assert.equal(sim.multiplier(1, t), 2.0);
  assert.equal(sim.multiplier(4, t), 0.2);
  // Saturday 2024-03-09 12:00 UTC: Berlin 13:00 business on a weekend.
  assert.ok(Math.abs(sim.multiplier(5, Date.parse('2024-03-09T12:00:00Z')) - 1.2 * 1.8) < 1e-12);
  const flat = new Simulation({ ...options, timePatterns: false });
  assert.equal(flat.multiplier(1, t), 1);
  assert.equal(flat.effectiveRatePerHour(t), 5000);
});
