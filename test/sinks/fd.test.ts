import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { UBPError } from '../../src/errors.ts';
import { FdSink } from '../../src/sinks/fd.ts';
import { textRecords, type DeliveryListener } from '../../src/sinks/sink.ts';
import type { EncodedLines } from '../../src/sinks/fd.ts';

/** Counts what the sink reports through its DeliveryListener. */
function listener(): { l: DeliveryListener; c: { sent: number; bytes: number; failed: number; errors: Error[] } } {
  const c = { sent: 0, bytes: 0, failed: 0, errors: [] as Error[] };
  const l: DeliveryListener = {
    delivered: (count, bytes) => {
      c.sent += count;
      c.bytes += bytes;
    },
    failed: (count, error) => {
      c.failed += count;
      c.errors.push(error);
    },
  };
  return { l, c };
}

function tmpdir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-fd-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A JSON line of about `size` characters, numbered. */
function record(i: number, size = 1000): string {
  return JSON.stringify({ i, pad: 'x'.repeat(size) });
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The numbers of a file's lines. */
function numbersIn(file: string): number[] {
  return fs
    .readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((x) => JSON.parse(x).i);
}

/** Numbered lines (`{"i":…,"pad":…}` and a newline each) in one buffer, as a worker's channel holds them. */
function encodedLines(from: number, count: number, size: number): EncodedLines {
  const buf = Buffer.from(Array.from({ length: count }, (_, i) => `${record(from + i, size)}\n`).join(''));
  return { buf, start: 0, end: buf.length, count, types: new Uint8Array(count), typesAt: 0 };
}

describe('FdSink to a file', () => {
  test('appends whole newline-terminated lines after what the file held', async (t) => {
    const file = path.join(tmpdir(t), 'out.jsonl');
    fs.writeFileSync(file, '{"old":true}\n');
    const { l, c } = listener();
    const sink = FdSink.file(file, textRecords, l);
    for (let i = 0; i < 10; i++) assert.equal(sink.write({ key: `k${i}`, value: record(i, 10) }), true);
    await sink.flush();
    await sink.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.equal(lines.length, 11);
    assert.deepEqual(JSON.parse(lines[0]!), { old: true });
    for (const [i, line] of lines.slice(1).entries()) assert.equal(JSON.parse(line).i, i);
    assert.equal(c.sent, 10);
    assert.equal(c.failed, 0);
  });

  test('reports as delivered only what reached the file, and counts value bytes without newlines', async (t) => {
    const file = path.join(tmpdir(t), 'out.jsonl');
    const { l, c } = listener();
    const sink = FdSink.file(file, textRecords, l);
    sink.write({ key: 'a', value: '{"a":1}' });
    assert.equal(c.sent, 0, 'nothing is written synchronously for a small batch');
    await sink.close();
    assert.equal(c.sent, 1);
    assert.equal(c.bytes, '{"a":1}'.length);
  });

  test('writes gathered lines as soon as the producer pauses (a paced stream is not held back)', async (t) => {
    const file = path.join(tmpdir(t), 'out.jsonl');
    const { l, c } = listener();
    const sink = FdSink.file(file, textRecords, l);
    sink.write({ key: 'a', value: record(1, 10) });
    sink.write({ key: 'b', value: record(2, 10) });
    await nextTurn();
    await nextTurn();
    assert.equal(fs.readFileSync(file, 'utf8').split('\n').length - 1, 2);
    assert.equal(c.sent, 2);
    await sink.close();
  });

  test('lines handed over whole are written from where they are (not copied), in order with records written one by one', async (t) => {
    const file = path.join(tmpdir(t), 'out.jsonl');
    const { l, c } = listener();
    const sink = FdSink.file(file, textRecords, l);
    let chunks = 0;
    sink.afterChunk = () => chunks++;
    const handed = encodedLines(1, 3, 10);
    sink.write({ key: 'a', value: record(0, 10) });
    sink.writeLines(handed);
    sink.write({ key: 'b', value: record(4, 10) });
    // Not copied: what the buffer holds when the chunk is written out is what the file gets.
    handed.buf.write('{"i":9', handed.buf.indexOf('{"i":2'));
    sink.flushNow();
    assert.equal(chunks, 1);
    assert.deepEqual(numbersIn(file), [0, 1, 9, 3, 4]);
    assert.equal(c.sent, 5);
    // Many runs of lines, more than a chunk holds: written out chunk by chunk, each run after the one before.
    for (let i = 0; i < 400; i++) sink.writeLines(encodedLines(5 + 3 * i, 3, 1000));
    await sink.close();
    assert.ok(chunks >= 5, `${chunks} chunks`);
    assert.deepEqual(
      numbersIn(file).slice(5),
      [...Array(1200).keys()].map((i) => i + 5),
    );
    assert.equal(c.sent, 1205);
  });

  test('close is idempotent and flushes what is pending', async (t) => {
    const file = path.join(tmpdir(t), 'out.jsonl');
    const { l, c } = listener();
    const sink = FdSink.file(file, textRecords, l);
    sink.write({ key: 'a', value: '{}' });
    await sink.close();
    await sink.close();
    assert.equal(fs.readFileSync(file, 'utf8'), '{}\n');
    assert.equal(c.sent, 1);
  });

  test('writes at the descriptor position, so another writer of the same descriptor (stderr in `> f 2>&1`) is kept, not overwritten', async (t) => {
    const file = path.join(tmpdir(t), 'shared.txt');
    const fd = fs.openSync(file, 'w');
    const { l, c } = listener();
    const sink = new FdSink(fd, 'stdout', textRecords, l, false);
    fs.writeSync(fd, 'log 1\n');
    sink.write({ key: 'a', value: '{"a":1}' });
    await sink.flush();
    fs.writeSync(fd, 'log 2\n');
    sink.write({ key: 'b', value: '{"b":2}' });
    await sink.close();
    fs.writeSync(fd, 'log 3\n');
    fs.closeSync(fd);
    assert.equal(fs.readFileSync(file, 'utf8'), 'log 1\n{"a":1}\nlog 2\n{"b":2}\nlog 3\n');
    assert.equal(c.sent, 2);
  });

  test('an unopenable path is a SINK_WRITE error naming the file', (t) => {
    const dir = tmpdir(t);
    const { l } = listener();
    assert.throws(
      () => FdSink.file(path.join(dir, 'missing', 'x.jsonl'), textRecords, l),
      (err: unknown) => {
        assert.ok(err instanceof UBPError);
        assert.equal(err.code, 'SINK_WRITE');
        assert.match(err.message, /cannot open output file .*missing/);
        return true;
      },
    );
  });

  test('/dev/full: the write fails with a clear "no space" error and the events count as failed', async () => {
    const { l, c } = listener();
    const sink = FdSink.file('/dev/full', textRecords, l);
    for (let i = 0; i < 5; i++) sink.write({ key: `k${i}`, value: record(i, 10) });
    await assert.rejects(sink.flush(), (err: unknown) => {
      assert.ok(err instanceof UBPError);
      assert.equal(err.code, 'SINK_WRITE');
      assert.match(err.message, /no space left/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
    assert.equal(c.sent, 0);
    assert.equal(c.failed, 5);
    assert.throws(() => sink.write({ key: 'x', value: '{}' }), /no space left/, 'later writes fail at once');
    await sink.close();
  });

  test('a full disk leaves the file ending with a whole line and delivered = lines in the file', async (t) => {
    const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (err) {
      fs.rmdirSync(mnt);
      t.skip(`cannot mount a tmpfs here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
      return;
    }
    t.after(() => {
      execFileSync('umount', [mnt]);
      fs.rmdirSync(mnt);
    });
    const file = path.join(mnt, 'out.jsonl');
    fs.writeFileSync(file, '{"before":true}\n');
    const { l, c } = listener();
    const sink = FdSink.file(file, textRecords, l);
    let error: unknown;
    let i = 0;
    try {
      for (; i < 100_000; i++) sink.write({ key: `k${i}`, value: record(i, 997) });
      await sink.flush();
    } catch (err) {
      error = err;
    }
    await sink.close();
    assert.ok(error instanceof UBPError, 'the disk filled up');
    assert.equal(error.code, 'SINK_WRITE');
    assert.match(error.message, /no space left.*ends with a whole line/);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.endsWith('\n'), 'the file ends with a newline');
    const lines = text.slice(0, -1).split('\n');
    assert.deepEqual(JSON.parse(lines[0]!), { before: true });
    for (const [n, line] of lines.slice(1).entries()) assert.equal(JSON.parse(line).i, n, `line ${n + 1} is whole`);
    assert.ok(lines.length > 100, 'a good part of 2 MiB was written');
    assert.equal(c.sent, lines.length - 1, 'delivered equals the lines in the file');
    assert.equal(c.sent + c.failed, i + 1, 'every event written is either delivered or failed');
  });
});

describe('FdSink to a pipe', () => {
  test('a pipe whose reader is gone gives SINK_CLOSED, and nothing counts as delivered that was not written', async (t) => {
    const dir = tmpdir(t);
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(fifo, fs.constants.O_WRONLY);
    fs.closeSync(reader);
    const { l, c } = listener();
    const sink = new FdSink(writer, 'stdout', textRecords, l, true);
    sink.write({ key: 'a', value: '{"a":1}' });
    await assert.rejects(sink.flush(), (err: unknown) => {
      assert.ok(err instanceof UBPError);
      assert.equal(err.code, 'SINK_CLOSED');
      assert.match(err.message, /stdout was closed by its reader/);
      return true;
    });
    assert.equal(c.sent, 0);
    assert.equal(c.failed, 1);
    assert.equal(c.errors.length, 1);
    await sink.close();
  });

  test('a full non-blocking pipe: the write waits for a slow reader and goes on where it stopped, byte for byte', async (t) => {
    const dir = tmpdir(t);
    const fifo = path.join(dir, 'fifo');
    const out = path.join(dir, 'out');
    execFileSync('mkfifo', [fifo]);
    // A reader that comes late and takes all: the pipe (64 KB) fills, writes stop part-way and wait.
    const late = spawn('sh', ['-c', 'sleep 0.3; cat "$0" > "$1"', fifo, out]);
    const exited = new Promise((resolve) => late.on('exit', resolve));
    const idle = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    const { l, c } = listener();
    const sink = new FdSink(writer, 'pipe', textRecords, l, true);
    const runs = Array.from({ length: 500 }, (_, i) => encodedLines(2 * i, 2, 700 + (i % 7)));
    for (const run of runs) sink.writeLines(run);
    await sink.close();
    await exited;
    fs.closeSync(idle);
    assert.equal(sha(fs.readFileSync(out)), sha(Buffer.concat(runs.map((r) => r.buf))));
    assert.equal(c.sent, 1000);
    assert.equal(c.failed, 0);
  });

  test('a pipe carries whole lines to a reader that keeps up', async (t) => {
    const dir = tmpdir(t);
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(fifo, fs.constants.O_WRONLY);
    const { l, c } = listener();
    const sink = new FdSink(writer, 'pipe', textRecords, l, true);
    for (let i = 0; i < 20; i++) sink.write({ key: `k${i}`, value: record(i, 100) });
    await sink.close();
    const buf = Buffer.alloc(1 << 16);
    const n = fs.readSync(reader, buf);
    fs.closeSync(reader);
    const lines = buf.subarray(0, n).toString().split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(
      lines.map((x) => JSON.parse(x).i),
      [...Array(20).keys()],
    );
    assert.equal(c.sent, 20);
  });
});
