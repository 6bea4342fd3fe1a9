// End-to-end: the built CLI as a separate process against a real broker, read back with
// readTopic. Run `npm run build` first; these tests exercise dist/, as users do.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { topicPartitionCount } from '../../src/verify/kafka-reader.ts';
import { javaPartition } from '../../src/sinks/kafka/sink.ts';
import { CLI, runCli, type CliResult } from '../helpers/cli.ts';
import {
  checkRun,
  freePort,
  getBroker,
  readAll,
  startRestartableBroker,
  type Broker,
  type ReadRecord,
  type RestartableBroker,
} from '../helpers/kafka.ts';

const START = '2024-03-04T00:00:00Z';
const CLEAN = { duplicates: 0, sessionsSplit: 0, outOfOrder: 0, keyMismatches: 0 };

let broker: Broker;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-kafka-cli-'));
  broker = await getBroker();
});

after(async () => {
  await broker?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const newTopic = (): string => `ubp-cli-${randomUUID()}`;
const metricsFile = (): string => path.join(tmp, `metrics-${randomUUID()}.json`);

interface Metrics {
  messagesSent: number;
  messagesFailed: number;
  elapsedSeconds: number;
}
const readMetrics = (file: string): Metrics => JSON.parse(fs.readFileSync(file, 'utf8')) as Metrics;

function kafkaArgs(bootstrap: string, topic: string, metrics: string, extra: string[]): string[] {
  return [
    '--sink',
    'kafka',
    '--bootstrap-servers',
    bootstrap,
    '--topic',
    topic,
    '--seed',
    '1',
    '--start',
    START,
    '--speed',
    'max',
    '--metrics-json',
    metrics,
    ...extra,
  ];
}

/** The error-level lines and plain (non-JSON) lines of stderr, to show in assertion messages. */
function problems(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && (!line.startsWith('{') || /"level":(40|50|60)/.test(line)))
    .join('\n');
}

interface Running {
  child: ChildProcess;
  done: Promise<CliResult>;
  stderr(): string;
  /** Resolves once stderr has a line matching the pattern; rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Like runCli, but hands back the process so a test can signal it mid-run. */
function startCli(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let exited = false;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const kill = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      exited = true;
      clearTimeout(kill);
      resolve({ code, signal, stdout: Buffer.alloc(0), stderr: err });
    });
  });
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(err)) {
      if (exited) throw new Error(`the CLI exited before logging ${pattern}; stderr:\n${err}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} on stderr within ${timeoutMs} ms; stderr:\n${err}`);
      await sleep(50);
    }
  };
  return { child, done, stderr: () => err, waitFor };
}

/** Exit within `ms` or fail the test (and kill the process so the suite does not hang). */
async function exitWithin(running: Running, ms: number): Promise<CliResult> {
  const started = Date.now();
  const timer = setTimeout(() => running.child.kill('SIGKILL'), ms);
  const result = await running.done;
  clearTimeout(timer);
  assert.ok(Date.now() - started < ms, `the CLI did not exit within ${ms} ms; stderr:\n${problems(result.stderr)}`);
  return result;
}

const CONNECTED = /connected to Kafka at/;

describe('a 100,000-event backfill into Kafka', () => {
  const topic = newTopic();
  const metrics = metricsFile();
  let run: CliResult;
  let records: ReadRecord[];

  before(async () => {
    run = await runCli(kafkaArgs(broker.bootstrap, topic, metrics, ['--count', '100000']), { timeoutMs: 120_000 });
    records = run.code === 0 ? await readAll(broker.bootstrap, topic) : [];
  });

  test('exits 0 and every event counted as sent is in the topic once, each session in one partition and in order', () => {
    assert.equal(run.code, 0, problems(run.stderr));
    const m = readMetrics(metrics);
    assert.equal(m.messagesSent, 100_000);
    assert.equal(m.messagesFailed, 0);
    assert.deepEqual(checkRun(records), { count: 100_000, ...CLEAN });
  });

  test('the topic holds the same bytes as --sink stdout, each partition in the order stdout had them', async () => {
    const stdout = await runCli(['--sink', 'stdout', '--seed', '1', '--start', START, '--speed', 'max', '--count', '100000', '--quiet'], {
      timeoutMs: 120_000,
    });
    assert.equal(stdout.code, 0, stdout.stderr);
    const lines = stdout.stdout.toString('utf8').split('\n');
    assert.equal(lines.pop(), '', 'stdout ends with a newline');
    assert.equal(lines.length, 100_000);

    // Per partition, Kafka keeps the order of production; the key picks the partition (Java murmur2).
    const partitions = Math.max(...records.map((r) => r.partition)) + 1;
    assert.equal(partitions, 12);
    const expected: string[][] = Array.from({ length: partitions }, () => []);
    for (const line of lines) {
      const { session_id: key } = JSON.parse(line) as { session_id: string };
      expected[javaPartition(Buffer.from(key, 'utf8'), partitions)]!.push(line);
    }
    const actual: string[][] = Array.from({ length: partitions }, () => []);
    for (const r of [...records].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0)))
      actual[r.partition]!.push(r.value);
    for (let p = 0; p < partitions; p++) {
      assert.equal(actual[p]!.length, expected[p]!.length, `partition ${p} record count`);
      const first = actual[p]!.findIndex((v, i) => v !== expected[p]![i]);
      assert.equal(first, -1, `partition ${p} differs from stdout at index ${first}`);
    }
  });
});

test('a missing topic is created with 12 partitions and a warning that the replication factor was capped', async () => {
  const topic = newTopic();
  const run = await runCli(kafkaArgs(broker.bootstrap, topic, metricsFile(), ['--count', '1000']), { timeoutMs: 60_000 });
  assert.equal(run.code, 0, problems(run.stderr));
  const logs = run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; topic?: string });
  const capped = logs.filter((l) => l.level === 40 && /^replication factor 3 capped at \d+ because the cluster has \d+ broker/.test(l.msg));
  assert.equal(capped.length, 1, `warnings: ${JSON.stringify(logs.filter((l) => l.level >= 40))}`);
  assert.equal(capped[0]!.topic, topic);
  assert.ok(logs.some((l) => l.msg === `created topic ${topic}`));
  assert.equal(await topicPartitionCount({ bootstrapServers: broker.bootstrap.split(','), topic }), 12);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} during an endless run exits 0 after flushing, and the topic holds exactly the events counted as sent`, async () => {
    const topic = newTopic();
    const metrics = metricsFile();
    const running = startCli(kafkaArgs(broker.bootstrap, topic, metrics, ['--rate', '10000000']));
    await running.waitFor(CONNECTED);
    await sleep(2_000);
    running.child.kill(signal);
    const result = await exitWithin(running, 30_000);
    assert.equal(result.code, 0, problems(result.stderr));
    assert.match(result.stderr, new RegExp(`${signal} received: stopping`));

    const m = readMetrics(metrics);
    assert.ok(m.messagesSent > 1_000, `only ${m.messagesSent} events sent in 2 s`);
    assert.equal(m.messagesFailed, 0);
    assert.deepEqual(checkRun(await readAll(broker.bootstrap, topic)), { count: m.messagesSent, ...CLEAN });
  });
}

// A clean stop answers or closes what it has; a SIGKILL drops requests that were written but not
// answered, so the producer re-sends batches the log already holds and only idempotence keeps
// them out (the same run with --acks 1 left about 200 duplicates when this test was written).
// The broker keeps that de-duplication state by record time, for producer.id.expiration.ms (a
// day): a 2024 backfill stamped in event time loses it on restart (thousands of duplicates), so
// one run is live (event time = now) and the backfill one is stamped at send time.
describe('a broker taken away mid-run', () => {
  // One broker of their own for both tests (starting one costs several seconds); each test takes
  // it away and brings it back, and begins by making sure it runs, whatever the other left.
  let restartable: RestartableBroker;
  before(async () => {
    restartable = await startRestartableBroker();
  });
  after(async () => {
    await restartable?.stop();
  });

  for (const crash of [false, true]) {
    const stamps = crash ? ['--record-timestamp', 'send'] : ['--start', new Date().toISOString()];
    test(`${crash ? 'killed (SIGKILL)' : 'stopped (SIGTERM)'} for 6 s and restarted (${stamps.join(' ')}): nothing lost, nothing duplicated`, async () => {
      await restartable.resume();
      const topic = newTopic();
      const metrics = metricsFile();
      const running = startCli([
        ...kafkaArgs(restartable.bootstrap, topic, metrics, ['--rate', '10000000', '--count', '200000']),
        ...stamps,
      ]);
      await running.waitFor(CONNECTED);
      await sleep(1_500);
      await restartable.pause({ crash });
      await sleep(6_000);
      await restartable.resume();
      const result = await exitWithin(running, 120_000);
      assert.equal(result.code, 0, problems(result.stderr));
      // Otherwise the run finished before the broker went away and the test proved nothing.
      assert.match(result.stderr, /lost the connection to Kafka broker/);

      const m = readMetrics(metrics);
      assert.deepEqual({ sent: m.messagesSent, failed: m.messagesFailed }, { sent: 200_000, failed: 0 });
      assert.deepEqual(checkRun(await readAll(restartable.bootstrap, topic)), { count: 200_000, ...CLEAN });
    });
  }
});

test('an unreachable broker exits 1 within 30 s with one stderr line naming the address', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  const started = Date.now();
  const run = await runCli(['--sink', 'kafka', '--bootstrap-servers', address, '--topic', newTopic(), '--count', '10', '--quiet'], {
    timeoutMs: 60_000,
  });
  const elapsed = Date.now() - started;
  assert.equal(run.code, 1, run.stderr);
  assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, run.stderr);
  assert.ok(lines[0]!.includes(address), lines[0]);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
});

test('--acks 1 round-trips 50,000 events: the topic holds exactly the events counted as sent', async () => {
  const topic = newTopic();
  const metrics = metricsFile();
  const run = await runCli(kafkaArgs(broker.bootstrap, topic, metrics, ['--acks', '1', '--count', '50000']), { timeoutMs: 120_000 });
  assert.equal(run.code, 0, problems(run.stderr));
  assert.match(run.stderr, /"acks":1,"idempotent":false/);
  const m = readMetrics(metrics);
  assert.deepEqual({ sent: m.messagesSent, failed: m.messagesFailed }, { sent: 50_000, failed: 0 });
  assert.deepEqual(checkRun(await readAll(broker.bootstrap, topic)), { count: 50_000, ...CLEAN });
});
