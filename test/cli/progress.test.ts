import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { progressLine } from '../../src/cli/progress.ts';
import { CLI, runCli } from '../helpers/cli.ts';

test('the status line shows events, rate, sessions, simulated time and an ETA for bounded runs', () => {
  const line = progressLine({
    eventsGenerated: 1500, messagesSent: 1234567, activeSessions: 4321, simulatedTimeMs: Date.parse('2024-03-04T10:20:30Z'),
    achievedRate: 45210.4, targetRate: 50000, multiplier: 1.2, lagSeconds: 0, done: 0.42, etaSeconds: 80,
  });
  assert.equal(line, 'events 1,234,567 | 45,210/s | sessions 4,321 | sim 2024-03-04 10:20:30 | 42% ETA 1m20s');
  assert.doesNotMatch(progressLine({ eventsGenerated: 0, messagesSent: 0, activeSessions: 0, simulatedTimeMs: NaN, achievedRate: 0, targetRate: Infinity, multiplier: 1, lagSeconds: 0, done: null, etaSeconds: null }), /ETA/);
});

test('without a terminal, progress is a JSON log line every 10 s; --quiet turns it off', async () => {
  const args = ['--sink', 'stdout', '--seed', '3', '--speed', '1', '--duration', '11', '--rate', '72000'];
  const [loud, quiet] = await Promise.all([runCli(args), runCli([...args, '--quiet'])]);
  assert.equal(loud.code, 0, loud.stderr);
  const progress = loud.stderr.split('\n').filter((l) => l.includes('"msg":"progress:'));
  assert.equal(progress.length, 1, loud.stderr);
  const entry = JSON.parse(progress[0]!) as { messagesSent: number; done: number; etaSeconds: number; activeSessions: number };
  assert.ok(entry.messagesSent > 0 && entry.done > 0.7 && entry.done < 1 && entry.etaSeconds >= 0 && entry.activeSessions > 0, progress[0]);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, '');
});

test('on a terminal, one status line is redrawn in place on stderr', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-tty-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cmd = [process.execPath, CLI, '--sink', 'file', '--output', path.join(dir, 'out.ndjson'), '--seed', '3', '--speed', '1', '--duration', '3', '--rate', '72000'].join(' ');
  // `script` runs the command on a pseudo-terminal and copies what it prints.
  const { stdout } = await promisify(execFile)('script', ['-qefc', cmd, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
  assert.match(stdout, /\r\x1b\[2Kevents [\d,]+ \| [\d,]+\/s \| sessions [\d,]+ \| sim \d{4}-\d\d-\d\d [\d:]+ \| \d+% ETA/);
  assert.ok((stdout.match(/\x1b\[2Kevents /g) ?? []).length >= 3, 'redrawn several times');
  assert.match(stdout, /INFO  messages sent \d+/, 'logs are human-readable on a terminal');
  assert.doesNotMatch(stdout, /"level":/);
});
