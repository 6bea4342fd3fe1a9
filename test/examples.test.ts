import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, runCli } from './helpers/cli.ts';
import { getBroker, type Broker } from './helpers/kafka.ts';
import { tempDir } from './helpers/tmp.ts';

let broker: Broker;
before(async () => {
  broker = await getBroker();
});
after(async () => {
  await broker.stop();
});

test("examples/per-minute-revenue.ts computes the answer key's windows from a topic with late and repeated events", async () => {
  const dir = tempDir('ubp-example-');
  const topic = `example-${randomUUID()}`;
  const truth = path.join(dir, 'truth.json');
  const run = await runCli([
    '--sink',
    'kafka',
    '--bootstrap-servers',
    broker.bootstrap,
    '--topic',
    topic,
    '--replication-factor',
    '1',
    '--retention-ms',
    '-1',
    '--seed',
    '11',
    '--start',
    '2024-03-04T18:00:00Z',
    '--rate',
    '60000',
    '--duration',
    '1800',
    '--speed',
    'max',
    '--quiet',
    '--late',
    '0.05',
    '--late-delay',
    '30',
    '--late-max',
    '600',
    '--duplicates',
    '0.05',
    '--truth',
    truth,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'examples/per-minute-revenue.ts'), '--bootstrap-servers', broker.bootstrap, '--topic', topic, '--idle-seconds', '4'],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const got = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const doc = JSON.parse(fs.readFileSync(truth, 'utf8'));
  assert.ok(doc.faults.late.length > 0 && doc.faults.duplicates.length > 0);
  const want = doc.windows.map(
    (w: { start: string; events: Record<string, number>; sessions: number; purchases: number; revenue: number }) => ({
      start: w.start,
      events: Object.values(w.events).reduce((a, b) => a + b, 0),
      sessions: w.sessions,
      purchases: w.purchases,
      revenue: w.revenue,
    }),
  );
  assert.ok(want.length >= 30);
  assert.deepEqual(got, want);
});
