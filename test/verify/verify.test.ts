/**
 * `verify` must find real problems. A clean run passes; each fault injected into a real topic
 * (dropped record, duplicate, reordered pair, a session written to two partitions, a
 * malformed record) makes it fail with the right reason. The same faults in an NDJSON file.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Producer } from '@platformatic/kafka';
import { javaPartition } from '../../src/sinks/kafka/sink.ts';
import { runCli } from '../helpers/cli.ts';
import { getBroker, type Broker } from '../helpers/kafka.ts';

const PARTITIONS = 12;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-verify-'));
const RUN = ['--seed', '21', '--start', '2024-03-04T00:00:00Z', '--speed', 'max', '--rate', '200000', '--quiet'];

interface Line {
  key: string;
  value: string;
  partition: number;
}

let clean: Line[] = [];

/** A record in the middle of its session: one of the session's records comes before it and one after. */
function firstContinuation(lines: Line[]): number {
  return lines.findIndex(
    (x, k) => k > 100 && lines.findIndex((y, m) => m > k && y.key === x.key) > 0 && lines.findIndex((y) => y.key === x.key) < k,
  );
}

/** A fault applied to the clean run: the records to write instead. */
const FAULTS: Record<string, { check: string; also?: string; apply(lines: Line[]): Line[] }> = {
  // A record from the middle of a session: fewer events than sent, and a session with a hole.
  'a dropped record': { check: 'count', also: 'gaps', apply: (l) => l.filter((_, i) => i !== firstContinuation(l)) },
  'a duplicate': { check: 'duplicates', apply: (l) => [...l.slice(0, 700), l[650]!, ...l.slice(700)] },
  'a reordered pair within a session': {
    check: 'order',
    apply: (l) => {
      // Two consecutive events of one session (the second not its first event) swap places.
      const out = [...l];
      const i = firstContinuation(out);
      const j = out.findIndex((y, m) => m > i && y.key === out[i]!.key);
      [out[i], out[j]] = [out[j]!, out[i]!];
      return out;
    },
  },
  'a session written to two partitions': {
    check: 'split_sessions',
    apply: (l) => {
      const i = firstContinuation(l);
      const j = l.findIndex((y, m) => m > i && y.key === l[i]!.key);
      return l.map((x, k) => (k === j ? { ...x, partition: (x.partition + 1) % PARTITIONS } : x));
    },
  },
  'a malformed record': {
    check: 'schema',
    apply: (l) => l.map((x, k) => (k === 300 ? { ...x, value: x.value.replace('"event_type":"', '"event_type":"x') } : x)),
  },
};

before(async () => {
  const r = await runCli([...RUN, '--sink', 'stdout', '--count', '3000']);
  assert.equal(r.code, 0, r.stderr);
  clean = r.stdout
    .toString()
    .trimEnd()
    .split('\n')
    .map((value) => {
      const key = (JSON.parse(value) as { session_id: string }).session_id;
      return { key, value, partition: javaPartition(Buffer.from(key), PARTITIONS) };
    });
  assert.equal(clean.length, 3000);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function failedChecks(stdout: Buffer): string[] {
  const report = JSON.parse(stdout.toString()) as { ok: boolean; checks: Array<{ check: string; ok: boolean }> };
  return report.checks.filter((c) => !c.ok).map((c) => c.check);
}

describe('verify on NDJSON files', () => {
  test('passes a clean run and reports its size', async () => {
    const file = path.join(dir, 'clean.ndjson');
    fs.writeFileSync(file, clean.map((l) => l.value).join('\n') + '\n');
    const r = await runCli(['verify', '--input', file, '--expected', '3000']);
    assert.equal(r.code, 0, r.stdout.toString());
    assert.match(r.stdout.toString(), /3000 records, 3000 distinct events/);
    assert.match(r.stdout.toString(), /all checks passed/);
  });

  for (const [name, fault] of Object.entries(FAULTS)) {
    if (fault.check === 'split_sessions') continue; // a file has no partitions
    test(`fails on ${name}, naming ${fault.check}`, async () => {
      const file = path.join(dir, `${fault.check}.ndjson`);
      fs.writeFileSync(
        file,
        fault
          .apply(clean)
          .map((l) => l.value)
          .join('\n') + '\n',
      );
      const r = await runCli(['verify', '--input', file, '--expected', '3000', '--json']);
      assert.equal(r.code, 1);
      assert.deepEqual(failedChecks(r.stdout), [fault.check, ...(fault.also ? [fault.also] : [])]);
    });
  }

  test('bad usage exits 2 with one line', async () => {
    const r = await runCli(['verify', '--input', 'x', '--topic', 'y']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const missing = await runCli(['verify', '--input', path.join(dir, 'does-not-exist')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read/);
  });
});

describe('verify on a real Kafka topic', () => {
  let broker: Broker;
  let producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  before(async () => {
    broker = await getBroker();
    // Idempotent: a retried request (common right after a topic is created) must not write twice.
    producer = new Producer({
      clientId: 'verify-test',
      bootstrapBrokers: broker.bootstrap.split(','),
      autocreateTopics: false,
      idempotent: true,
      retries: 10,
    });
  });
  after(async () => {
    await producer?.close();
    await broker?.stop();
  });

  /** Stamp records with their events' times, as the CLI does (now for a record that is not an event). */
  const eventTime = (value: string): bigint => {
    try {
      return BigInt(Date.parse((JSON.parse(value) as { timestamp: string }).timestamp));
    } catch {
      return BigInt(Date.now());
    }
  };

  /** Write `lines` to a new topic with exactly the partitions given (the faults choose them). */
  async function topicWith(name: string, lines: Line[]): Promise<string> {
    const topic = `verify-${name}-${randomUUID()}`;
    const admin = await import('@platformatic/kafka').then(
      ({ Admin }) => new Admin({ clientId: 'verify-test-admin', bootstrapBrokers: broker.bootstrap.split(',') }),
    );
    await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
    await admin.close();
    for (let i = 0; i < lines.length; i += 500) {
      await producer.send({
        messages: lines.slice(i, i + 500).map((l) => ({
          topic,
          key: Buffer.from(l.key),
          value: Buffer.from(l.value),
          partition: l.partition,
          timestamp: eventTime(l.value),
        })),
      });
    }
    return topic;
  }

  test('passes a clean run of 100,000 events produced by the CLI, with the run’s --metrics-json', async () => {
    const topic = `verify-clean-${randomUUID()}`;
    const metrics = path.join(dir, 'clean-metrics.json');
    const run = await runCli([
      ...RUN,
      '--sink',
      'kafka',
      '--bootstrap-servers',
      broker.bootstrap,
      '--topic',
      topic,
      '--replication-factor',
      '1',
      '--count',
      '100000',
      '--metrics-json',
      metrics,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const r = await runCli(['verify', '--bootstrap-servers', broker.bootstrap, '--topic', topic, '--metrics-json', metrics]);
    assert.equal(r.code, 0, r.stdout.toString() + r.stderr);
    assert.match(r.stdout.toString(), /100000 records, 100000 distinct events/);
  });

  for (const [name, fault] of Object.entries(FAULTS)) {
    test(`fails on ${name} in the topic, naming ${fault.check}`, async () => {
      const topic = await topicWith(fault.check.replace('_', '-'), fault.apply(clean));
      const r = await runCli(['verify', '--bootstrap-servers', broker.bootstrap, '--topic', topic, '--expected', '3000', '--json']);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(failedChecks(r.stdout), [fault.check, ...(fault.also ? [fault.also] : [])]);
    });
  }

  test('a missing topic or an unreachable broker is a one-line error, exit 1', async () => {
    const r = await runCli(['verify', '--bootstrap-servers', '127.0.0.1:1', '--topic', 'nope', '--timeout', '20'], { timeoutMs: 60_000 });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /127\.0\.0\.1:1/);
  });
});
