import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventSerializer } from '../../src/events/serialize.ts';
import { silentLogger, type Logger } from '../../src/logger.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import { Simulation } from '../../src/model/simulation.ts';
import type { Clock } from '../../src/runtime/clock.ts';
import { runToSink, Stepper, type RunLimits, type StopReason } from '../../src/runtime/runner.ts';
import type { EventRecord } from '../../src/model/activity.ts';
import type { Sink } from '../../src/sinks/sink.ts';
import { runCli } from '../helpers/cli.ts';

const START = Date.parse('2024-03-04T00:00:00Z');

/** A clock that only moves when the runner sleeps: pacing tests run instantly. */
function virtualClock(): Clock & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** Encodes with the real serializer and keeps what it was given, as a sink would deliver it. */
function collectingSink(
  out: Array<{ key: string; value: string }>,
  metrics: Metrics,
  serializer: EventSerializer,
  onWrite?: (rec: EventRecord) => void,
): Sink<EventRecord> {
  return {
    name: 'memory',
    write(rec) {
      onWrite?.(rec);
      const value = serializer.serialize(rec);
      out.push({ key: rec.session.id, value });
      metrics.delivered(1, value.length);
      return true;
    },
    ready: async () => {},
    flush: async () => {},
    close: async () => {},
  };
}

function run(
  sim: Simulation,
  sink: Sink<EventRecord>,
  metrics: Metrics,
  logger: Logger,
  limits: RunLimits,
  clock: Clock,
): Promise<StopReason> {
  return runToSink(new Stepper(sim, metrics, logger, limits, clock), sink);
}

function simulation(): Simulation {
  return new Simulation({
    seed: 9,
    startMs: START,
    ratePerHour: 36_000,
    minSessionSeconds: 60,
    maxSessionSeconds: 1800,
    timePatterns: true,
    userPoolSize: 0,
  });
}

test('events leave on an absolute schedule: due = wall start + (t − start) / speed', async () => {
  const clock = virtualClock();
  const wallStart = clock.now();
  const sim = simulation();
  const metrics = new Metrics();
  const out: Array<{ key: string; value: string }> = [];
  const seen: Array<{ sim: number; wall: number }> = [];
  const sink = collectingSink(out, metrics, new EventSerializer(sim.instanceTag), (rec) =>
    seen.push({ sim: rec.timeMs, wall: clock.now() }),
  );
  await run(sim, sink, metrics, silentLogger, { startMs: START, endMs: START + 600_000, count: Infinity, speed: 4 }, clock);
  assert.ok(seen.length > 100);
  for (const e of seen) {
    const due = wallStart + (e.sim - START) / 4;
    // Never early; never more than the 1 ms the runner lets slide.
    assert.ok(e.wall >= due - 1 && e.wall <= due + 1, `event at ${e.sim} left at ${e.wall}, due ${due}`);
  }
  assert.ok(Math.abs(clock.now() - wallStart - seen.at(-1)!.sim / 4 + START / 4) < 2);
});

test('pacing changes when events leave, never what they are', async () => {
  const runAt = async (speed: number): Promise<string[]> => {
    const sim = simulation();
    const metrics = new Metrics();
    const out: Array<{ key: string; value: string }> = [];
    await run(
      sim,
      collectingSink(out, metrics, new EventSerializer(sim.instanceTag)),
      metrics,
      silentLogger,
      { startMs: START, endMs: START + 1_800_000, count: Infinity, speed },
      virtualClock(),
    );
    return out.map((r) => r.key + r.value);
  };
  const paced = await runAt(1);
  assert.deepEqual(paced, await runAt(Infinity));
  assert.deepEqual(paced, await runAt(37));
});

test('a run that falls behind says it cannot achieve the target rate, with the achieved rate', async () => {
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (msg) => warnings.push(msg) };
  // A clock where every read costs 5 ms of "work": the runner can never keep up with speed 1000.
  let now = 0;
  const clock: Clock = { now: () => (now += 5), sleep: async (ms) => void (now += ms) };
  const sim = simulation();
  const metrics = new Metrics();
  await run(
    sim,
    collectingSink([], metrics, new EventSerializer(sim.instanceTag)),
    metrics,
    logger,
    { startMs: START, endMs: START + 3_600_000, count: Infinity, speed: 1000 },
    clock,
  );
  assert.equal(warnings.length, 1, 'warned once');
  assert.match(warnings[0]!, /^cannot achieve target rate: running \d+ ms behind schedule, achieved \d+ events\/s$/);
});

test('the CLI warns when the machine cannot keep up with the requested rate', async () => {
  const r = await runCli([
    '--sink',
    'file',
    '--output',
    '/dev/null',
    '--speed',
    '1',
    '--rate',
    '20000000000',
    '--duration',
    '4',
    '--count',
    '1000000',
    '--seed',
    '1',
    '--no-progress',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /cannot achieve target rate: .*achieved \d+ events\/s/);
});
