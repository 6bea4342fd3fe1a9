import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { getBroker, type Broker } from '../helpers/kafka.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('ubp-verify-truth-');
const RUN = ['--seed', '5', '--start', '2024-03-04T09:00:00Z', '--speed', 'max', '--rate', '100000', '--duration', '3600', '--quiet'];
const FAULTS = ['--late', '0.05', '--late-delay', '30', '--late-max', '900', '--duplicates', '0.03'];

interface Report {
  ok: boolean;
  checks: { check: string; ok: boolean; count: number; detail: string }[];
}
const failedChecks = (stdout: Buffer): string[] =>
  (JSON.parse(stdout.toString()) as Report).checks.filter((c) => !c.ok).map((c) => c.check);

describe('verify --truth on a file', () => {
  const out = path.join(dir, 'faulty.ndjson');
  const truth = path.join(dir, 'truth.json');
  const metrics = path.join(dir, 'metrics.json');
  let doc: { faults: { late: { event_id: string }[]; duplicates: string[] }; windows: unknown[]; totals: { events: number } };

  before(async () => {
    const r = await runCli([...RUN, ...FAULTS, '--sink', 'file', '--output', out, '--truth', truth, '--metrics-json', metrics]);
    assert.equal(r.code, 0, r.stderr);
    doc = JSON.parse(fs.readFileSync(truth, 'utf8'));
  });

  test("a faulty run passes against its own key, with the run's --metrics-json", async () => {
    const r = await runCli(['verify', '--input', out, '--truth', truth, '--metrics-json', metrics]);
    assert.equal(r.code, 0, r.stdout.toString() + r.stderr);
    const text = r.stdout.toString();
    assert.match(text, new RegExp(`${doc.faults.duplicates.length} repeats, as the answer key lists`));
    assert.match(
      text,
      new RegExp(
        `${doc.faults.late.length} late events in the answer key, [1-9]\\d* seen arriving after later events, 0 of those not listed`,
      ),
    );
    assert.match(text, /ok {4}truth_windows/);
  });

  test('without the key, the same file fails on its duplicates', async () => {
    const r = await runCli(['verify', '--input', out, '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(failedChecks(r.stdout), ['duplicates']);
  });

  test('a repeat the key does not list, a listed repeat that did not happen, a late event it does not list, a lost event: each fails', async () => {
    const key = (change: (d: typeof doc) => void): string => {
      const copy = structuredClone(doc);
      change(copy);
      const file = path.join(dir, `key-${randomUUID()}.json`);
      fs.writeFileSync(file, JSON.stringify(copy));
      return file;
    };
    const unlistedRepeat = await runCli(['verify', '--input', out, '--truth', key((d) => d.faults.duplicates.shift()), '--json']);
    assert.deepEqual(failedChecks(unlistedRepeat.stdout), ['duplicates']);
    const extraListed = await runCli([
      'verify',
      '--input',
      out,
      '--truth',
      key((d) => d.faults.duplicates.push(d.faults.late[0]!.event_id)),
      '--json',
    ]);
    assert.deepEqual(failedChecks(extraListed.stdout), ['duplicates']);
    const unlistedLate = await runCli(['verify', '--input', out, '--truth', key((d) => (d.faults.late = [])), '--json']);
    assert.deepEqual(failedChecks(unlistedLate.stdout), ['late']);
    // Drop every copy of one event: the count and its window disagree with the key.
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    const victim = (JSON.parse(lines[500]!) as { event_id: string }).event_id;
    const lost = path.join(dir, 'lost.ndjson');
    fs.writeFileSync(lost, lines.filter((l) => !l.includes(`"event_id":"${victim}"`)).join('\n') + '\n');
    const r = await runCli(['verify', '--input', lost, '--truth', truth, '--json']);
    assert.equal(r.code, 1);
    assert.ok(failedChecks(r.stdout).includes('count') && failedChecks(r.stdout).includes('truth_windows'), r.stdout.toString());
  });

  test('a clean run with a key reports no faults and passes', async () => {
    const cleanOut = path.join(dir, 'clean.ndjson');
    const cleanKey = path.join(dir, 'clean-truth.json');
    const run = await runCli([...RUN, '--sink', 'file', '--output', cleanOut, '--truth', cleanKey]);
    assert.equal(run.code, 0, run.stderr);
    const r = await runCli(['verify', '--input', cleanOut, '--truth', cleanKey]);
    assert.equal(r.code, 0, r.stdout.toString());
    assert.match(r.stdout.toString(), /0 repeats, as the answer key lists \(0\)/);
    assert.match(r.stdout.toString(), /0 late events in the answer key, 0 seen/);
  });

  test('an unreadable key is a usage error naming it', async () => {
    const r = await runCli(['verify', '--input', out, '--truth', path.join(dir, 'nope.json')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--truth .*nope\.json is not a readable answer key/);
  });
});

describe('verify --truth on a topic', () => {
  let broker: Broker;
  before(async () => {
    broker = await getBroker();
  });
  after(async () => {
    await broker.stop();
  });

  test('late and repeated records keep their key and event-time stamp; the topic passes against the key', async () => {
    const topic = `truth-${randomUUID()}`;
    const truth = path.join(dir, 'kafka-truth.json');
    const metrics = path.join(dir, 'kafka-metrics.json');
    const run = await runCli([
      ...RUN,
      ...FAULTS,
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
      '--truth',
      truth,
      '--metrics-json',
      metrics,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const r = await runCli([
      'verify',
      '--bootstrap-servers',
      broker.bootstrap,
      '--topic',
      topic,
      '--truth',
      truth,
      '--metrics-json',
      metrics,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stdout.toString() + r.stderr);
    const report = JSON.parse(r.stdout.toString()) as Report;
    const late = report.checks.find((c) => c.check === 'late')!;
    assert.match(late.detail, /[1-9]\d* seen arriving after later events, 0 of those not listed/);
    // keys, timestamps, order and split sessions passed for every record, held and repeated ones included.
    assert.deepEqual(
      report.checks.filter((c) => ['keys', 'timestamps', 'order', 'split_sessions'].includes(c.check)).map((c) => c.ok),
      [true, true, true, true],
    );
  });
});
