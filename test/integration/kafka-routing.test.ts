// Record keys, timestamps, headers and topic routing, end to end: the built CLI into a real
// broker, read back with readTopic, and checked again by `verify`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EVENT_TYPES } from '../../src/model/event-types.ts';
import { runCli } from '../helpers/cli.ts';
import { getBroker, readAll, type Broker, type ReadRecord } from '../helpers/kafka.ts';

const START = '2024-03-04T00:00:00Z';

let broker: Broker;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-routing-'));
  broker = await getBroker();
});

after(async () => {
  await broker?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Produce with `flags`, return the metrics file and stderr. */
async function produce(topic: string, flags: string[]): Promise<{ metrics: string; stderr: string }> {
  const metrics = path.join(tmp, `${randomUUID()}.json`);
  const args = [
    '--bootstrap-servers',
    broker.bootstrap,
    '--topic',
    topic,
    '--seed',
    '5',
    '--speed',
    'max',
    '--metrics-json',
    metrics,
    '--no-progress',
    ...flags,
  ];
  const run = await runCli(args, { timeoutMs: 120_000 });
  assert.equal(run.code, 0, run.stderr);
  return { metrics, stderr: run.stderr };
}

async function verify(topic: string, flags: string[], metrics: string): Promise<{ code: number | null; out: string }> {
  const run = await runCli(['verify', '--bootstrap-servers', broker.bootstrap, '--topic', topic, '--metrics-json', metrics, ...flags]);
  return { code: run.code, out: run.stdout.toString() };
}

describe('--topic-per-type --headers --key user_id, in event time', () => {
  const topic = `ubp-routed-${randomUUID()}`;
  const flags = ['--topic-per-type', '--headers', '--key', 'user_id'];
  let metrics: string;
  const byType = new Map<string, ReadRecord[]>();

  before(async () => {
    ({ metrics } = await produce(topic, [...flags, '--start', START, '--count', '20000', '--retention-ms', '-1']));
    for (const type of EVENT_TYPES) byType.set(type, await readAll(broker.bootstrap, `${topic}.${type}`));
  });

  test('each event type has a topic of its own holding only that type', () => {
    let total = 0;
    for (const [type, records] of byType) {
      assert.ok(records.length > 0, `${topic}.${type} has records`);
      for (const r of records) assert.equal(JSON.parse(r.value).event_type, type);
      total += records.length;
    }
    assert.equal(total, JSON.parse(fs.readFileSync(metrics, 'utf8')).messagesSent);
  });

  test("records are keyed by user_id, stamped with the event's time and carry the three headers", () => {
    for (const records of byType.values()) {
      for (const r of records) {
        const e = JSON.parse(r.value);
        assert.equal(r.key, e.user_id);
        assert.equal(Number(r.timestamp), Date.parse(e.timestamp));
        assert.deepEqual(Object.fromEntries(r.headers ?? []), {
          event_type: e.event_type,
          schema: 'user-behavior-producer/event@1',
          'content-type': 'application/json',
        });
      }
    }
  });

  test('verify told the same flags passes; told the default key it fails on keys', async () => {
    const ok = await verify(topic, flags, metrics);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /ok\s+headers/);
    const wrongKey = await verify(topic, ['--topic-per-type'], metrics);
    assert.equal(wrongKey.code, 1, wrongKey.out);
    assert.match(wrongKey.out, /FAIL\s+keys\s+20000 records are not keyed by their session_id/);
  });
});

test('--key none: no keys, partitions filled a batch at a time; verify --key none passes', async () => {
  const topic = `ubp-unkeyed-${randomUUID()}`;
  const { metrics } = await produce(topic, ['--key', 'none', '--record-timestamp', 'send', '--count', '30000', '--batch-size', '16384']);
  const records = await readAll(broker.bootstrap, topic);
  assert.equal(records.length, 30000);
  assert.ok(records.every((r) => r.key === null));
  const partitions = new Map<number, number>();
  for (const r of records) partitions.set(r.partition, (partitions.get(r.partition) ?? 0) + 1);
  assert.ok(partitions.size >= 6, `records spread over partitions: ${[...partitions.keys()]}`);
  const run = await verify(topic, ['--key', 'none', '--record-timestamp', 'send'], metrics);
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /split_sessions\s+not checked/);
});

test('a run older than the topic retention is warned about, naming the settings that help', async () => {
  const old = await produce(`ubp-retention-${randomUUID()}`, ['--start', START, '--count', '10']);
  assert.match(
    old.stderr,
    /the run starts [\d.]+ days ago, but topic \S+ keeps records for 3\.0 days \(retention\.ms 259200000\).*--retention-ms.*--record-timestamp send/,
  );
  assert.match(
    old.stderr,
    /older than the cluster keeps producer state \(producer\.id\.expiration\.ms 86400000\).*--record-timestamp send/,
  );
  const kept = await produce(`ubp-retention-${randomUUID()}`, ['--start', START, '--count', '10', '--retention-ms', '-1']);
  assert.doesNotMatch(kept.stderr, /retention\.ms/);
  const recent = await produce(`ubp-retention-${randomUUID()}`, ['--count', '10']);
  assert.doesNotMatch(recent.stderr, /"level":40.*(retention\.ms|producer state)/);
});
