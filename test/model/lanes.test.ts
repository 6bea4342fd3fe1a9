import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LANE_COUNT, shardLanes, Simulation, type ModelOptions } from '../../src/model/simulation.ts';
import { DEFAULT_SHOP } from '../../src/model/shop.ts';
import { modelLines, SMALL_RUN } from '../helpers/model-lines.ts';

const OPTIONS = SMALL_RUN;
const END = OPTIONS.startMs + 20 * 60_000;

/** Every event before END, as its JSON line, in order. */
const lines = (options: ModelOptions): string[] => modelLines(options, END);

const full = lines(OPTIONS);

test('shards partition the lanes: every lane in exactly one shard, for every shard count', () => {
  for (const n of [1, 2, 3, 5, 7, 16, LANE_COUNT]) {
    const seen = Array.from({ length: n }, (_, i) => shardLanes(i, n)).flat();
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: LANE_COUNT }, (_, i) => i),
    );
  }
});

test('the union of the shards is the full run, line for line, and each shard keeps its lines in the same order', () => {
  assert.ok(full.length > 20_000, `${full.length} events`);
  for (const n of [2, 3, 7]) {
    const parts = Array.from({ length: n }, (_, i) => lines({ ...OPTIONS, lanes: shardLanes(i, n) }));
    assert.equal(
      parts.reduce((sum, p) => sum + p.length, 0),
      full.length,
      `${n} shards`,
    );
    assert.deepEqual(new Set(parts.flat()), new Set(full), `${n} shards give the same lines`);
    // Each shard is a subsequence of the full run.
    const position = new Map(full.map((line, i) => [line, i]));
    for (const part of parts) {
      for (let i = 1; i < part.length; i++) assert.ok(position.get(part[i - 1]!)! < position.get(part[i]!)!);
    }
  }
});

test('ids stay unique over lanes: events, sessions, users and orders', () => {
  const events = full.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(new Set(events.map((e) => e.event_id)).size, events.length);
  const sessionUser = new Map<string, unknown>();
  for (const e of events) {
    const had = sessionUser.get(e.session_id as string);
    if (had !== undefined) assert.equal(had, e.user_id);
    sessionUser.set(e.session_id as string, e.user_id);
  }
  const orders = events.filter((e) => e.event_type === 'complete_checkout').map((e) => (e.event_data as { order_id: string }).order_id);
  assert.ok(orders.length > 50);
  assert.equal(new Set(orders).size, orders.length);
});

test('a shard carries its lanes’ share of the rate', () => {
  const half = lines({ ...OPTIONS, lanes: shardLanes(0, 2) });
  assert.ok(Math.abs(half.length / full.length - 0.5) < 0.03, `${half.length} of ${full.length}`);
  const sim = new Simulation({ ...OPTIONS, lanes: shardLanes(1, 4) });
  assert.equal(sim.effectiveRatePerHour(OPTIONS.startMs), new Simulation(OPTIONS).effectiveRatePerHour(OPTIONS.startMs) / 4);
});

test('a simulation given what another built (as a worker thread is) builds none of it again, and makes the same events', () => {
  const options: ModelOptions = { ...OPTIONS, shop: DEFAULT_SHOP, lanes: shardLanes(1, 3) };
  const first = new Simulation(options);
  // A worker receives it as a structured clone.
  const built = structuredClone(first.built);
  const second = new Simulation({ ...options, built });
  assert.equal(second.model.curve, built.curve, 'the rate curve given is the one used');
  assert.equal(second.compiledJourney, built.journey, 'the compiled journey given is the one used');
  assert.notEqual(first.model.curve, built.curve);
  assert.deepEqual(lines({ ...options, built }), lines(options));
});
