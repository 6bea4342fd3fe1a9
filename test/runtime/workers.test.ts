/**
 * --workers and --shard through the CLI: the same events however the lanes are spread, on
 * threads of one process or over processes, and a clean end when a worker fails or a signal
 * comes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { CLI, runCli } from '../helpers/cli.ts';
import { LANE_COUNT, shardLanes } from '../../src/model/simulation.ts';
import { threadLanes } from '../../src/runtime/workers.ts';
import { tempDir } from '../helpers/tmp.ts';

const RUN = ['--seed', '8', '--start', '2024-03-09T18:00:00Z', '--rate', '40000', '--speed', 'max', '--quiet'];
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function lines(b: Buffer): string[] {
  const text = b.toString('utf8');
  assert.ok(text.endsWith('\n'), 'output ends with a whole line');
  return text.slice(0, -1).split('\n');
}

function tmp(): string {
  return tempDir('ubp-workers-');
}

describe('--workers', () => {
  let one: Buffer;

  test('stdout: 1, 2 and 3 workers write the same bytes', async () => {
    const r1 = await runCli(['--sink', 'stdout', ...RUN, '--duration', '1800']);
    assert.equal(r1.code, 0, r1.stderr);
    one = r1.stdout;
    assert.ok(lines(one).length > 20_000, `${lines(one).length} events`);
    for (const k of ['2', '3']) {
      const r = await runCli(['--sink', 'stdout', ...RUN, '--duration', '1800', '--workers', k]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(sha(r.stdout), sha(one), `${k} workers`);
    }
  });

  test('output stays in timestamp order with workers', () => {
    let last = '';
    for (const line of lines(one)) {
      const t = (JSON.parse(line) as { timestamp: string }).timestamp;
      assert.ok(t >= last, `${t} after ${last}`);
      last = t;
    }
  });

  test('--count with workers: the first N events of the one-thread run, and metrics that count them', async () => {
    const dir = tmp();
    const metrics = path.join(dir, 'm.json');
    const r = await runCli(['--sink', 'stdout', ...RUN, '--count', '12345', '--workers', '2', '--metrics-json', metrics]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), lines(one).slice(0, 12345));
    const m = JSON.parse(fs.readFileSync(metrics, 'utf8')) as { messagesSent: number; eventsGenerated: number; activeSessions: number };
    assert.equal(m.messagesSent, 12345);
    assert.equal(m.eventsGenerated, 12345);
    assert.ok(m.activeSessions > 100, `${m.activeSessions} active sessions reported`);
  });

  test('file sink with workers: the same lines as stdout', async () => {
    const file = path.join(tmp(), 'events.ndjson');
    const r = await runCli(['--sink', 'file', '--output', file, ...RUN, '--duration', '1800', '--workers', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha(fs.readFileSync(file)), sha(one));
  });

  test('shards with workers: the union of --shard I/3 runs (2 workers each) is the whole run, and verify adds up their counts', async () => {
    const dir = tmp();
    const metrics = [0, 1, 2].map((i) => path.join(dir, `m${i}.json`));
    const parts = await Promise.all(
      [0, 1, 2].map((i) =>
        runCli(['--sink', 'stdout', ...RUN, '--duration', '1800', '--shard', `${i}/3`, '--workers', '2', '--metrics-json', metrics[i]!]),
      ),
    );
    const all: string[] = [];
    for (const p of parts) {
      assert.equal(p.code, 0, p.stderr);
      all.push(...lines(p.stdout));
    }
    assert.deepEqual(all.sort(), lines(one).sort());
    // The shards' files one after another: each session is whole in one of them, in order.
    const joined = path.join(dir, 'all.ndjson');
    fs.writeFileSync(joined, Buffer.concat(parts.map((p) => p.stdout)));
    const v = await runCli(['verify', '--input', joined, '--metrics-json', metrics.join(',')]);
    assert.equal(v.code, 0, v.stdout.toString() + v.stderr);
    assert.match(v.stdout.toString(), new RegExp(`${lines(one).length} distinct events, ${lines(one).length} expected`));
    const short = await runCli(['verify', '--input', joined, '--metrics-json', metrics.slice(0, 2).join(',')]);
    assert.equal(short.code, 1, 'two shards’ counts are not the whole run’s');
  });

  test('a shard of one lane on two threads (the worker makes it all, the main thread only merges): the bytes of one thread', async () => {
    const args = ['--sink', 'stdout', ...RUN, '--duration', '1800', '--shard', '63/64'];
    const r1 = await runCli(args);
    const r2 = await runCli([...args, '--workers', '2']);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r2.code, 0, r2.stderr);
    assert.ok(lines(r1.stdout).length > 200, `${lines(r1.stdout).length} events`);
    assert.equal(sha(r2.stdout), sha(r1.stdout));
  });

  test('a worker that fails ends the run with exit 1 and a clear message; whole lines before it are written', async () => {
    const dir = tmp();
    const file = path.join(dir, 'events.ndjson');
    const metrics = path.join(dir, 'm.json');
    const r = await runCli(
      ['--sink', 'file', '--output', file, ...RUN, '--duration', '1800', '--workers', '2', '--metrics-json', metrics],
      {
        env: { ...process.env, UBP_TEST_WORKER_CRASH: '1:8000' },
      },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /worker 1 failed: test crash after 8000 events/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const written = lines(fs.readFileSync(file));
    assert.ok(written.length > 4000, `${written.length} lines written`);
    assert.deepEqual(written, lines(one).slice(0, written.length), 'what was written is the start of the run');
    const m = JSON.parse(fs.readFileSync(metrics, 'utf8')) as { messagesSent: number };
    assert.equal(m.messagesSent, written.length);
  });

  test('SIGTERM during a paced run with workers: exit 0, whole lines, metrics match', async () => {
    const metrics = path.join(tmp(), 'm.json');
    const child = spawn(
      process.execPath,
      [CLI, '--sink', 'stdout', '--speed', '1', '--rate', '200000', '--seed', '4', '--workers', '2', '--metrics-json', metrics],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => out.push(d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await sleep(2500);
    child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(10_000).then(() => 'hung' as const)]);
    if (code === 'hung') child.kill('SIGKILL');
    assert.equal(code, 0, err);
    const n = lines(Buffer.concat(out)).length;
    assert.ok(n > 10, `${n} events in 2.5 s`);
    const m = JSON.parse(fs.readFileSync(metrics, 'utf8')) as { messagesSent: number };
    assert.equal(m.messagesSent, n);
  });

  test('bad values exit 2 with one line', async () => {
    for (const [args, message] of [
      [['--workers', '0'], /--workers must be a whole number from 1 to 64 or "auto" \(got "0"\)/],
      [['--shard', '2/2', '--seed', '1', '--start', '2024-01-01T00:00:00Z'], /--shard must be I\/N/],
      [['--shard', '0/2'], /--shard needs --seed and --start/],
      [['--workers', '2', '--duplicates', '0.01'], /--workers above 1 does not combine with delivery faults/],
    ] as const) {
      const r = await runCli(['--sink', 'stdout', '--count', '1', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  test('threadLanes: every lane on exactly one thread, the main thread at most its 1/K (it also merges)', () => {
    for (const lanes of [shardLanes(0, 1), shardLanes(1, 3), [5]]) {
      for (const k of [2, 3, 4, 8, 12, 64]) {
        const shares = threadLanes(lanes, k);
        assert.equal(shares.length, k);
        assert.deepEqual(
          shares.flat().sort((a, b) => a - b),
          [...lanes],
          `${lanes.length} lanes on ${k} threads`,
        );
        const workers = shares.slice(1).map((s) => s.length);
        assert.ok(Math.max(...workers) - Math.min(...workers) <= 1, `workers' shares ${workers.join(',')}`);
        assert.ok(shares[0]!.length <= Math.min(...workers), `the main thread's ${shares[0]!.length} lanes, workers' ${workers.join(',')}`);
      }
    }
    const [main, worker] = threadLanes(shardLanes(0, 1), 2);
    assert.equal(main!.length + worker!.length, LANE_COUNT);
    assert.equal(main!.length, 30, 'two threads: the main thread, which also merges, makes a little less than half');
    const [main4] = threadLanes(shardLanes(0, 1), 4);
    assert.ok(main4!.length < LANE_COUNT / 4, `${main4!.length} lanes of ${LANE_COUNT} on the main thread of 4`);
    assert.deepEqual(threadLanes(shardLanes(0, 1), 12)[0], [], 'with 12 threads merging is all the main thread does');
  });
});
