// Entity streams into a real broker: the CLI creates the three topics (users and products
// compacted), keys each record by its entity's id, and verify checks the references against them.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { runCli } from '../helpers/cli.ts';
import { getBroker, readAll, type Broker } from '../helpers/kafka.ts';

const START = '2024-03-04T00:00:00Z';
const STREAMS = ['users', 'products', 'orders'] as const;
/** Three days with all three streams: the Kafka run and the file run it is compared with. */
const RUN = [
  '--seed',
  '5',
  '--start',
  START,
  '--duration',
  String(3 * 86_400),
  '--rate',
  '300',
  '--speed',
  'max',
  '--entities',
  STREAMS.join(','),
];

let broker: Broker;
let tmp: string;
const topic = `ubp-entities-${randomUUID()}`;
let metricsFile: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-kafka-entities-'));
  broker = await getBroker();
  metricsFile = path.join(tmp, 'metrics.json');
  const r = await runCli([
    '--sink',
    'kafka',
    '--bootstrap-servers',
    broker.bootstrap,
    '--topic',
    topic,
    '--replication-factor',
    '1',
    ...RUN,
    '--metrics-json',
    metricsFile,
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await broker?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('entity topics', () => {
  test('are created beside the events topic, users and products compacted, orders not', async () => {
    const admin = new Admin({ clientId: 'ubp-test', bootstrapBrokers: broker.bootstrap.split(',') });
    try {
      const topics = await admin.listTopics();
      for (const s of STREAMS) assert.ok(topics.includes(`${topic}.${s}`), `${topic}.${s} exists`);
      const policy = new Map<string, string | null | undefined>();
      for (const s of STREAMS) {
        const [described] = await admin.describeConfigs({
          resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: `${topic}.${s}`, configurationKeys: ['cleanup.policy'] }],
        });
        policy.set(`${topic}.${s}`, described?.configs.find((c) => c.name === 'cleanup.policy')?.value);
      }
      assert.equal(policy.get(`${topic}.users`), 'compact');
      assert.equal(policy.get(`${topic}.products`), 'compact');
      assert.equal(policy.get(`${topic}.orders`), 'delete');
    } finally {
      await admin.close();
    }
  });

  test('hold every record the run counted, keyed by the entity id and stamped with updated_at', async () => {
    const metrics = JSON.parse(fs.readFileSync(metricsFile, 'utf8')) as { entitiesSent: Record<string, number> };
    for (const s of STREAMS) {
      const records = await readAll(broker.bootstrap, `${topic}.${s}`);
      assert.equal(records.length, metrics.entitiesSent[s], s);
      assert.ok(records.length > 50, `${s}: ${records.length} records`);
      const id = s === 'users' ? 'user_id' : s === 'products' ? 'product_id' : 'order_id';
      for (const r of records) {
        const value = JSON.parse(r.value) as Record<string, string>;
        assert.equal(r.key, value[id]);
        assert.equal(Number(r.timestamp), Date.parse(value.updated_at!));
      }
    }
  });

  test('hold the same records as a file run of the same seed', async () => {
    const output = path.join(tmp, 'events.ndjson');
    const r = await runCli(['--sink', 'file', '--output', output, ...RUN, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const hash = (values: string[]): string =>
      createHash('sha256')
        .update([...values].sort().join('\n'))
        .digest('hex');
    for (const s of STREAMS) {
      const fromTopic = (await readAll(broker.bootstrap, `${topic}.${s}`)).map((x) => x.value);
      const fromFile = fs
        .readFileSync(output.replace(/\.ndjson$/, `.${s}.ndjson`), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      assert.equal(hash(fromTopic), hash(fromFile), s);
    }
  });

  test('verify finds the entity topics and passes their checks', async () => {
    const r = await runCli(['verify', '--bootstrap-servers', broker.bootstrap, '--topic', topic, '--metrics-json', metricsFile, '--json']);
    assert.equal(r.code, 0, r.stdout.toString() + r.stderr);
    const report = JSON.parse(r.stdout.toString()) as { checks: { check: string; ok: boolean }[] };
    for (const s of STREAMS) assert.ok(report.checks.find((c) => c.check === s)?.ok, `${s} checked and ok`);
  });
});
