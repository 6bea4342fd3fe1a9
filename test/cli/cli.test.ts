import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CLI, ROOT, runCli } from '../helpers/cli.ts';

const START = '2024-03-04T00:00:00Z';
const START_MS = Date.parse(START);
const DET = ['--start', START, '--duration', '7200', '--speed', 'max', '--sink', 'stdout'];
const SCRIPT = path.join(ROOT, 'scripts/run_user_behavior_producer.sh');

function tmpdir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-cli-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Split NDJSON into parsed objects, failing on a missing final newline or a cut line. */
function parseLines(text: string | Buffer): Record<string, unknown>[] {
  const s = text.toString();
  if (s === '') return [];
  assert.ok(s.endsWith('\n'), 'output ends with a newline');
  return s
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return assert.fail(`line ${i + 1} is not whole JSON: ${line.slice(0, 80)}…`);
      }
    });
}

function lines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '');
}

/** stderr lines that are not pino JSON log records (the CLI's own final error line). */
function plainLines(stderr: string): string[] {
  return lines(stderr).filter((l) => {
    try {
      return typeof JSON.parse(l).level !== 'number';
    } catch {
      return true;
    }
  });
}

function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack frames');
  assert.doesNotMatch(stderr, /node:internal|\.ts:\d+|\.js:\d+/, 'no source locations');
}

function readMetrics(file: string): {
  messagesSent: number;
  messagesFailed: number;
  successRate: number;
  eventsGenerated: number;
  seed: number;
} {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('CLI: bad flags and values exit 2 with one line naming the flag', () => {
  // Every flag's checks are tested in-process (test/cli/args.test.ts); these prove the process
  // side: exit 2, nothing on stdout, one line on stderr, no stack, for each way a check can fail.
  const cases: [string, string[], string, RegExp?][] = [
    ['an unknown flag', ['--bogus'], '--bogus'],
    ['a flag missing its value', ['--rate'], '--rate', /needs a value/],
    ['a value out of range', ['--rate', '-5'], '--rate', /positive number/],
    ['a rule between options', ['--sink', 'file'], '--output'],
    ['a verify flag', ['verify', '--timeout', '0'], '--timeout', /positive whole number/],
  ];
  for (const [name, args, flag, also] of cases) {
    test(name, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2, `exit code for ${args.join(' ')}; stderr: ${r.stderr}`);
      assert.equal(r.stdout.length, 0, 'nothing on stdout');
      const l = lines(r.stderr);
      assert.equal(l.length, 1, `exactly one stderr line, got: ${r.stderr}`);
      assert.ok(l[0]!.includes(flag), `"${l[0]}" names ${flag}`);
      assert.match(l[0]!, /^user-behavior-producer: /);
      if (also) assert.match(l[0]!, also);
      assertNoStack(r.stderr);
    });
  }
});

describe('CLI: help and version', () => {
  test('--help prints the usage on stdout and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout.toString(), /^Usage: user-behavior-producer \[flags\]/);
    assert.match(r.stdout.toString(), /--sink kafka\|stdout\|file/);
    assert.equal(r.stderr, '');
  });

  test('--version prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), `${pkg.version}\n`);
  });
});

describe('CLI: stdout and file sinks', () => {
  test('--sink stdout --count N writes exactly N whole JSON lines', async () => {
    const r = await runCli(['--sink', 'stdout', '--count', '250', '--seed', '3', '--start', START, '--speed', 'max', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const events = parseLines(r.stdout);
    assert.equal(events.length, 250);
    for (const e of events) assert.equal(typeof e.event_id, 'string');
    assert.equal(new Set(events.map((e) => e.event_id)).size, 250, 'event ids are unique');
    assert.equal(r.stderr, '', '--quiet: nothing on stderr for a good run');
  });

  test('--sink file --output F appends whole lines and leaves stdout empty', async (t) => {
    const file = path.join(tmpdir(t), 'events.jsonl');
    fs.writeFileSync(file, '{"existing":true}\n');
    const base = ['--sink', 'file', '--output', file, '--start', START, '--speed', 'max', '--quiet'];
    const a = await runCli([...base, '--seed', '1', '--count', '40']);
    const b = await runCli([...base, '--seed', '2', '--count', '60']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.stdout.length + b.stdout.length, 0);
    const events = parseLines(fs.readFileSync(file));
    assert.equal(events.length, 101);
    assert.deepEqual(events[0], { existing: true });
    const direct = await runCli(['--sink', 'stdout', '--start', START, '--speed', 'max', '--quiet', '--seed', '2', '--count', '60']);
    assert.ok(fs.readFileSync(file, 'utf8').endsWith(direct.stdout.toString()), 'the file sink writes the same bytes as stdout');
  });

  test('stdout and stderr redirected to one file (`> f 2>&1`): events and logs interleave, none overwritten', async (t) => {
    const file = path.join(tmpdir(t), 'all.txt');
    const fd = fs.openSync(file, 'w');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [CLI, '--sink', 'stdout', '--count', '1000', '--speed', 'max', '--seed', '1', '--start', START],
        { stdio: ['ignore', fd, fd] },
      );
      child.on('close', (c) => resolve(c));
    });
    fs.closeSync(fd);
    assert.equal(code, 0);
    const records = parseLines(fs.readFileSync(file));
    assert.equal(records.filter((r) => 'event_id' in r).length, 1000, 'every event is whole');
    assert.ok(records.filter((r) => typeof r.level === 'number').length >= 3, 'every log line is whole');
  });

  test('-o is the short form of --output', async (t) => {
    const file = path.join(tmpdir(t), 'o.jsonl');
    const r = await runCli(['--sink', 'file', '-o', file, '--count', '5', '--speed', 'max', '--quiet', '--seed', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseLines(fs.readFileSync(file)).length, 5);
  });

  test('an output file in a missing directory is a one-line runtime error, exit 1', async (t) => {
    const file = path.join(tmpdir(t), 'no', 'such', 'dir.jsonl');
    const r = await runCli(['--sink', 'file', '--output', file, '--count', '5', '--speed', 'max', '--quiet']);
    assert.equal(r.code, 1);
    assert.equal(plainLines(r.stderr).length, 1, r.stderr);
    assert.match(plainLines(r.stderr)[0]!, /cannot open output file/);
    assertNoStack(r.stderr);
  });

  test('--duration bounds simulated time: every timestamp is in [start, start + duration)', async () => {
    const r = await runCli(['--seed', '11', '--start', START, '--duration', '3600', '--speed', 'max', '--sink', 'stdout', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const events = parseLines(r.stdout);
    assert.ok(events.length > 100, `an hour holds many events (got ${events.length})`);
    for (const e of events) {
      const t = Date.parse(e.timestamp as string);
      assert.ok(t >= START_MS && t < START_MS + 3600_000, `timestamp ${e.timestamp as string} within the hour`);
    }
  });

  test('--metrics-json writes the final metrics: messagesSent = lines, none failed, success rate 100', async (t) => {
    const metrics = path.join(tmpdir(t), 'm.json');
    const r = await runCli([...DET, '--seed', '5', '--metrics-json', metrics, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const n = parseLines(r.stdout).length;
    const m = readMetrics(metrics);
    assert.equal(m.messagesSent, n);
    assert.equal(m.eventsGenerated, n);
    assert.equal(m.messagesFailed, 0);
    assert.equal(m.successRate, 100);
    assert.equal(m.seed, 5);
  });
});

describe('CLI: determinism', () => {
  test('the same command twice gives identical bytes; another seed gives different bytes', async () => {
    const [a, b, c] = await Promise.all([
      runCli([...DET, '--seed', '7', '--quiet']),
      runCli([...DET, '--seed', '7', '--quiet']),
      runCli([...DET, '--seed', '8', '--quiet']),
    ]);
    for (const r of [a, b, c]) assert.equal(r.code, 0, r.stderr);
    assert.ok(a.stdout.length > 100_000, 'two simulated hours hold a lot of events');
    assert.ok(a.stdout.equals(b.stdout), 'same seed, same bytes');
    assert.ok(!a.stdout.equals(c.stdout), 'another seed, other bytes');
  });

  test('--speed 1 over 10 s gives the same bytes as --speed max over the same simulated span', async () => {
    const args = ['--seed', '21', '--start', START, '--duration', '10', '--rate', '200000', '--sink', 'stdout', '--quiet'];
    const began = Date.now();
    const [paced, fast] = await Promise.all([
      runCli([...args, '--speed', '1'], { timeoutMs: 30_000 }),
      runCli([...args, '--speed', 'max']),
    ]);
    const wall = Date.now() - began;
    assert.equal(paced.code, 0, paced.stderr);
    assert.equal(fast.code, 0, fast.stderr);
    assert.ok(parseLines(fast.stdout).length > 100, 'ten seconds at this rate hold hundreds of events');
    assert.ok(paced.stdout.equals(fast.stdout), 'pacing changes when events leave, never what they are');
    assert.ok(wall >= 9000, `--speed 1 takes about the simulated span in wall time (took ${wall} ms)`);
  });
});

describe('CLI: signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} during a --speed 1 stdout run: events stream as they happen, exit 0, whole lines, metrics match`, async (t) => {
      const metrics = path.join(tmpdir(t), 'm.json');
      const child = spawn(
        process.execPath,
        [CLI, '--sink', 'stdout', '--speed', '1', '--rate', '100000', '--seed', '4', '--metrics-json', metrics],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const out: Buffer[] = [];
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const firstData = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      child.stdout.on('data', (d: Buffer) => out.push(d));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const timeout = sleep(8000).then(() => 'timeout' as const);
      const first = await Promise.race([firstData, timeout]);
      assert.notEqual(first, 'timeout', 'a paced run writes its events while it runs, not only at exit');
      await sleep(300);
      child.kill(signal);
      const code = await Promise.race([exited, sleep(10_000).then(() => 'hung' as const)]);
      if (code === 'hung') child.kill('SIGKILL');
      assert.equal(code, 0, err);
      const n = parseLines(Buffer.concat(out)).length;
      assert.ok(n > 0);
      const m = readMetrics(metrics);
      assert.equal(m.messagesSent, n, 'messagesSent equals the lines on stdout');
      assert.equal(m.messagesFailed, 0);
      assert.match(err, new RegExp(`${signal} received`));
      assertNoStack(err);
    });
  }
});

describe('CLI: failing sinks', () => {
  test('stdout closed by `head -n 5`: head gets 5 whole lines, the CLI exits 1 with one clear line', async (t) => {
    const dir = tmpdir(t);
    const metrics = path.join(dir, 'm.json');
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd =
      `${q(process.execPath)} ${q(CLI)} --sink stdout --speed max --seed 1 --start ${START} --metrics-json ${q(metrics)} 2>${q(path.join(dir, 'err'))}` +
      ` | head -n 5 >${q(path.join(dir, 'out'))}; echo "\${PIPESTATUS[0]}" >${q(path.join(dir, 'rc'))}`;
    execFileSync('bash', ['-c', cmd], { timeout: 60_000 });
    const headLines = parseLines(fs.readFileSync(path.join(dir, 'out')));
    assert.equal(headLines.length, 5);
    assert.equal(fs.readFileSync(path.join(dir, 'rc'), 'utf8').trim(), '1', 'the CLI exits 1');
    const err = fs.readFileSync(path.join(dir, 'err'), 'utf8');
    const plain = plainLines(err);
    assert.equal(plain.length, 1, err);
    assert.match(plain[0]!, /stdout was closed/);
    assertNoStack(err);
    const m = readMetrics(metrics);
    assert.ok(m.messagesFailed > 0);
    assert.ok(m.messagesSent <= headLines.length, `messagesSent ${m.messagesSent} ≤ lines the reader got`);
    assert.ok(m.successRate < 100);
  });

  test('stdout destroyed by the reading process: exit 1, a prefix of the normal output, no cut lines counted', async (t) => {
    const metrics = path.join(tmpdir(t), 'm.json');
    const args = ['--sink', 'stdout', '--speed', 'max', '--seed', '9', '--start', START, '--quiet'];
    const child = spawn(process.execPath, [CLI, ...args, '--metrics-json', metrics], { stdio: ['ignore', 'pipe', 'pipe'] });
    let got = Buffer.alloc(0);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.toString().split('\n').length > 5) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(code, 1);
    assert.equal(plainLines(err).length, 1, err);
    assert.match(plainLines(err)[0]!, /stdout was closed by its reader/);
    assertNoStack(err);
    const reference = await runCli([...args, '--count', '5000']);
    assert.ok(reference.stdout.subarray(0, got.length).equals(got), 'what the reader got is the start of the normal stream');
    const m = readMetrics(metrics);
    assert.ok(m.messagesFailed > 0);
    assert.ok(m.messagesSent + m.messagesFailed <= m.eventsGenerated);
  });

  test('--output /dev/full: a clear one-line "no space" error, exit 1', async () => {
    const r = await runCli(['--sink', 'file', '--output', '/dev/full', '--speed', 'max', '--count', '100', '--seed', '1', '--quiet']);
    assert.equal(r.code, 1);
    const plain = plainLines(r.stderr);
    assert.equal(plain.length, 1, r.stderr);
    assert.match(plain[0]!, /no space left/);
    assertNoStack(r.stderr);
  });

  test('a disk that fills up: the file ends with a whole line and messagesSent equals its lines', async (t) => {
    const dir = tmpdir(t);
    const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-cli-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (e) {
      fs.rmdirSync(mnt);
      t.skip(`cannot mount a tmpfs here: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
      return;
    }
    t.after(() => {
      execFileSync('umount', [mnt]);
      fs.rmdirSync(mnt);
    });
    const file = path.join(mnt, 'events.jsonl');
    const metrics = path.join(dir, 'm.json');
    const r = await runCli([
      '--sink',
      'file',
      '--output',
      file,
      '--speed',
      'max',
      '--seed',
      '2',
      '--start',
      START,
      '--metrics-json',
      metrics,
      '--quiet',
    ]);
    assert.equal(r.code, 1);
    const plain = plainLines(r.stderr);
    assert.equal(plain.length, 1, r.stderr);
    assert.match(plain[0]!, /no space left.*whole line/);
    assertNoStack(r.stderr);
    const events = parseLines(fs.readFileSync(file));
    assert.ok(events.length > 500, `most of 2 MiB was filled (${events.length} lines)`);
    const m = readMetrics(metrics);
    assert.equal(m.messagesSent, events.length);
    assert.ok(m.messagesFailed > 0);
  });
});

describe('CLI: logs', () => {
  test('without a TTY, stderr logs are JSON lines that include the seed', async () => {
    const r = await runCli([...DET, '--seed', '7']);
    assert.equal(r.code, 0);
    const records = lines(r.stderr).map((l) => JSON.parse(l) as { level: number; msg: string; seed?: number; name: string });
    assert.ok(records.length >= 3);
    for (const rec of records) {
      assert.equal(typeof rec.level, 'number');
      assert.equal(typeof rec.msg, 'string');
      assert.equal(rec.name, 'user-behavior-producer');
    }
    assert.ok(
      records.some((rec) => rec.seed === 7 && /seed 7/.test(rec.msg)),
      'the seed is logged',
    );
    assert.ok(
      records.some((rec) => /messages sent/.test(rec.msg)),
      'the final metrics are logged',
    );
  });

  test('--quiet suppresses info lines', async () => {
    const r = await runCli([...DET, '--seed', '7', '--quiet']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  test('--verbose adds debug lines', async () => {
    const r = await runCli([...DET, '--seed', '7', '--verbose']);
    assert.equal(r.code, 0);
    assert.ok(
      lines(r.stderr).some((l) => JSON.parse(l).level === 20),
      'some debug records',
    );
  });

  test('a random seed is logged, and running again with it repeats the bytes', async () => {
    const args = ['--start', START, '--count', '300', '--speed', 'max', '--sink', 'stdout'];
    const first = await runCli(args);
    assert.equal(first.code, 0);
    const rec = lines(first.stderr)
      .map((l) => JSON.parse(l) as { seed?: number; msg: string })
      .find((x) => typeof x.seed === 'number');
    assert.ok(rec, 'a log record carries the seed');
    assert.match(rec.msg, /random; pass --seed/);
    const again = await runCli([...args, '--seed', String(rec.seed), '--quiet']);
    assert.equal(again.code, 0);
    assert.ok(first.stdout.equals(again.stdout), 'the logged seed reproduces the run');
  });
});

describe('scripts/run_user_behavior_producer.sh', () => {
  test('passes flags through, from any working directory', async (t) => {
    const cwd = tmpdir(t);
    const run = (args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(SCRIPT, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        let err = '';
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
      });
    const v = await run(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout.toString(), /^\d+\.\d+\.\d+/);
    const bad = await run(['--rate', 'abc']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--rate/);
    const args = ['--sink', 'stdout', '--seed', '3', '--start', START, '--count', '20', '--speed', 'max', '--quiet'];
    const viaScript = await run(args);
    const direct = await runCli(args);
    assert.equal(viaScript.code, 0, viaScript.stderr);
    assert.ok(viaScript.stdout.equals(direct.stdout), 'same bytes as the CLI run directly');
    // "$@" keeps an argument with spaces whole.
    const spaced = path.join(cwd, 'a dir with spaces');
    fs.mkdirSync(spaced);
    const toFile = await run([
      '--sink',
      'file',
      '--output',
      path.join(spaced, 'out file.ndjson'),
      '--seed',
      '3',
      '--start',
      START,
      '--count',
      '20',
      '--speed',
      'max',
      '--quiet',
    ]);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.ok(fs.readFileSync(path.join(spaced, 'out file.ndjson')).equals(direct.stdout));
  });
});
