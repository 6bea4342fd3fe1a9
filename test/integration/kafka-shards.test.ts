/**
 * Many producers, one run, one real topic: the Kubernetes manifest's exact command lines run as
 * local processes (one per shard), and a run with two workers, each hold exactly the events
 * of one single-process run — every session in one partition and in order.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserBehaviorProducer } from '../../src/producer.ts';
import { CLI, ROOT, runCli } from '../helpers/cli.ts';
import { checkRun, getBroker, readAll, type Broker } from '../helpers/kafka.ts';

const MANIFEST = path.join(ROOT, 'deploy/kubernetes/indexed-job.yaml');

/** The container's args and env as Kubernetes would run them for completion index `index`. */
function manifestArgs(env: Record<string, string>): { args: string[]; shards: number } {
  const text = fs.readFileSync(MANIFEST, 'utf8');
  const args = JSON.parse(/^\s*args: (\[.*\])\s*$/m.exec(text)![1]!) as string[];
  const shards = Number(/^\s*completions: (\d+)\s*$/m.exec(text)![1]);
  assert.equal(Number(/^\s*parallelism: (\d+)\s*$/m.exec(text)![1]), shards);
  // Kubernetes' $(NAME) expansion, from the container's env.
  const expanded = args.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => env[name] ?? assert.fail(`no ${name} in env`)));
  return { args: expanded, shards };
}

function values(records: readonly { value: string }[]): string[] {
  return records.map((r) => r.value).sort();
}

describe('one run from many producers into one topic', () => {
  let broker: Broker;
  let single: string[];
  const topic = (name: string): string => `shards-${name}-${randomUUID().slice(0, 8)}`;

  before(async () => {
    broker = await getBroker();
  });
  after(async () => {
    await broker?.stop();
  });

  test('the manifest’s command lines, one process per shard, write exactly the single-process run', async () => {
    const shardedTopic = topic('k8s');
    const base = { KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap, KAFKA_TOPIC: shardedTopic };
    const { shards } = manifestArgs({ ...base, SHARD_INDEX: '0' });
    assert.ok(shards >= 2);
    const runs = await Promise.all(
      Array.from({ length: shards }, (_, i) => runCli(manifestArgs({ ...base, SHARD_INDEX: String(i) }).args, { timeoutMs: 300_000 })),
    );
    let expected = 0;
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      expected += (JSON.parse(r.stdout.toString()) as { messagesSent: number }).messagesSent;
    }

    // The same run from one process, without --shard.
    const singleTopic = topic('one');
    const { args } = manifestArgs({ ...base, KAFKA_TOPIC: singleTopic, SHARD_INDEX: '0' });
    const at = args.indexOf('--shard');
    const r = await runCli([...args.slice(0, at), ...args.slice(at + 2)], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    const singleSent = (JSON.parse(r.stdout.toString()) as { messagesSent: number }).messagesSent;
    assert.equal(expected, singleSent, 'the shards’ counts add up to the single run’s');

    const sharded = await readAll(broker.bootstrap, shardedTopic);
    single = values(await readAll(broker.bootstrap, singleTopic));
    assert.equal(sharded.length, singleSent);
    assert.deepEqual(values(sharded), single, 'the same events, each once');
    const check = checkRun(sharded);
    assert.deepEqual(
      { duplicates: check.duplicates, sessionsSplit: check.sessionsSplit, outOfOrder: check.outOfOrder },
      { duplicates: 0, sessionsSplit: 0, outOfOrder: 0 },
    );

    // verify takes the shards' expected counts added up.
    const v = await runCli([
      'verify',
      '--bootstrap-servers',
      broker.bootstrap,
      '--topic',
      shardedTopic,
      '--record-timestamp',
      'send',
      '--expected',
      String(expected),
    ]);
    assert.equal(v.code, 0, v.stdout.toString() + v.stderr);
  });

  test('two workers, each with its own client, write exactly the single-process run', async () => {
    assert.ok(single !== undefined, 'runs after the manifest test');
    const workersTopic = topic('workers');
    const { args } = manifestArgs({ KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap, KAFKA_TOPIC: workersTopic, SHARD_INDEX: '0' });
    const at = args.indexOf('--shard');
    const r = await runCli([...args.slice(0, at), ...args.slice(at + 2), '--workers', '2'], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout.toString()) as { messagesSent: number; eventsGenerated: number; messagesFailed: number };
    assert.equal(m.messagesSent, single.length, 'the workers’ figures add up');
    assert.equal(m.eventsGenerated, single.length);
    assert.equal(m.messagesFailed, 0);
    const records = await readAll(broker.bootstrap, workersTopic);
    assert.deepEqual(values(records), single);
    const check = checkRun(records);
    assert.deepEqual(
      { duplicates: check.duplicates, sessionsSplit: check.sessionsSplit, outOfOrder: check.outOfOrder },
      { duplicates: 0, sessionsSplit: 0, outOfOrder: 0 },
    );
  });

  test('--count with workers into Kafka: exactly N events in all', async () => {
    const countTopic = topic('count');
    const r = await runCli([
      '--bootstrap-servers',
      broker.bootstrap,
      '--topic',
      countTopic,
      '--seed',
      '5',
      '--start',
      '2024-03-04T12:00:00Z',
      '--speed',
      'max',
      '--rate',
      '200000',
      '--count',
      '7777',
      '--workers',
      '2',
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await readAll(broker.bootstrap, countTopic)).length, 7777);
  });

  test('SIGTERM during an endless run with two workers: exit 0, and the topic holds exactly the events counted as sent', async () => {
    const sigTopic = topic('sigterm');
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--bootstrap-servers',
        broker.bootstrap,
        '--topic',
        sigTopic,
        '--speed',
        '50',
        '--rate',
        '100000',
        '--workers',
        '2',
        '--metrics-json',
        '-',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await sleep(6000);
    child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(30_000).then(() => 'hung' as const)]);
    if (code === 'hung') child.kill('SIGKILL');
    assert.equal(code, 0, err);
    assert.match(err, /SIGTERM received/);
    const m = JSON.parse(out) as { messagesSent: number; messagesFailed: number };
    assert.ok(m.messagesSent > 100, `${m.messagesSent} sent`);
    assert.equal(m.messagesFailed, 0);
    const records = await readAll(broker.bootstrap, sigTopic);
    assert.equal(records.length, m.messagesSent);
    assert.equal(checkRun(records).duplicates, 0);
  });

  test('status() of a run with two workers into Kafka counts what the workers made and sent', async () => {
    const producer = new UserBehaviorProducer({
      bootstrapServers: broker.bootstrap,
      topic: topic('status'),
      seed: 6,
      start: '2024-03-04T12:00:00Z',
      generationRate: 100_000,
      speed: 60,
      workers: 2,
    });
    const run = producer.runContinuous({ durationSeconds: 600 });
    // The workers' first figures arrive once they have started and sent (later on a busy machine).
    let status = producer.status();
    for (let waited = 0; waited < 60_000 && !(status !== null && status.messagesSent > 0); waited += 500) {
      await sleep(500);
      status = producer.status();
    }
    const final = await run;
    await producer.close();
    assert.ok(status !== null);
    assert.ok(status.messagesSent > 0 && status.eventsGenerated >= status.messagesSent, JSON.stringify(status));
    assert.ok(status.achievedRate > 0, `achieved ${status.achievedRate} events/s`);
    assert.ok(!Number.isNaN(status.simulatedTimeMs));
    assert.ok(final.messagesSent > status.messagesSent);
  });
});
