import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toEvent } from '../../src/events/event.ts';
import { EventSerializer } from '../../src/events/serialize.ts';
import { Simulation } from '../../src/model/simulation.ts';

/**
 * The serializer keeps texts of its own between events (per device, product, city and
 * referrer, day). These check that what it writes does not depend on having seen the events
 * before: when it does not see every event, or serves more than one simulation.
 */
const OPTIONS = {
  seed: 31,
  startMs: Date.parse('2024-03-04T00:00:00Z'),
  ratePerHour: 200_000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: true,
  userPoolSize: 0,
};

test("events the serializer did not see (sessions' first and last ones among them) change nothing in those it writes", () => {
  const sim = new Simulation(OPTIONS);
  const fast = new EventSerializer(sim.instanceTag);
  let compared = 0;
  for (let i = 0; i < 100_000; i++) {
    const rec = sim.next();
    // Skip many sessions' last events, and some first ones.
    if (i % 3 === 0 || (rec.last && i % 2 === 0)) continue;
    const expected = JSON.stringify(toEvent(rec, sim.instanceTag));
    const actual = fast.serialize(rec);
    if (actual !== expected) assert.equal(actual, expected);
    compared++;
  }
  assert.ok(compared > 50_000);
});

test('one serializer may take events of two simulations in turn', () => {
  const a = new Simulation(OPTIONS);
  const b = new Simulation({ ...OPTIONS, seed: 32 });
  const fast = new EventSerializer(a.instanceTag);
  for (let i = 0; i < 50_000; i++) {
    const rec = (i & 1 ? a : b).next();
    const expected = JSON.stringify(toEvent(rec, a.instanceTag));
    const actual = fast.serialize(rec);
    if (actual !== expected) assert.equal(actual, expected);
  }
});
