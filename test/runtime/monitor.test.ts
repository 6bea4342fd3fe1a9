import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metrics } from '../../src/metrics/metrics.ts';
import type { Clock } from '../../src/runtime/clock.ts';
import { Monitor, type Bounds } from '../../src/runtime/monitor.ts';

const START = Date.parse('2024-03-04T00:00:00Z');

function setup(bounds: Partial<Bounds>): {
  monitor: Monitor;
  metrics: Metrics;
  clock: Clock & { advance(ms: number): void };
  next: { t: number };
} {
  let now = 10_000;
  const clock = { now: () => now, sleep: async () => {}, advance: (ms: number) => void (now += ms) };
  const metrics = new Metrics();
  const next = { t: START };
  const monitor = new Monitor(
    { metrics, activeSessions: 42, peekTimeMs: () => next.t, effectiveRatePerHour: () => 7200, ratePerHour: 3600 },
    clock,
    { startMs: START, endMs: Infinity, count: Infinity, speed: 1, ...bounds },
  );
  monitor.stop();
  return { monitor, metrics, clock, next };
}

test('a count-bounded run: share done from events, ETA at the pace so far', () => {
  const { monitor, metrics, clock } = setup({ count: 1000, speed: Infinity });
  for (let i = 0; i < 250; i++) metrics.generated(0, START + i);
  clock.advance(5_000);
  const s = monitor.status();
  assert.equal(s.done, 0.25);
  assert.equal(s.etaSeconds, 15, '5 s for a quarter: 15 s for the rest');
  assert.equal(s.targetRate, Infinity);
  assert.equal(s.lagSeconds, 0);
  assert.equal(s.multiplier, 2);
  assert.equal(s.activeSessions, 42);
});

test('a paced, time-bounded run ends on schedule; lag is how far the next event is behind its due time', () => {
  const { monitor, metrics, clock, next } = setup({ endMs: START + 100_000, speed: 2 });
  metrics.generated(0, START + 20_000);
  clock.advance(10_000); // 20 s of simulated time are due
  next.t = START + 15_000; // the next event is 5 s behind
  const s = monitor.status();
  assert.equal(s.done, 0.2);
  assert.equal(s.etaSeconds, 40, '80 simulated seconds left at 2x');
  assert.equal(s.lagSeconds, 5);
  assert.equal(s.targetRate, 4, '7200 events/hour at 2x');
});

test('the achieved rate is delivered events over the sampled wall time', () => {
  const { monitor, metrics, clock } = setup({});
  clock.advance(2_000);
  metrics.delivered(500, 5_000);
  assert.equal(monitor.status().achievedRate, 250);
});
