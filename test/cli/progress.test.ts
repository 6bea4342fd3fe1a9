import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { progressLine, startProgress } from '../../src/cli/progress.ts';
import { silentLogger, type Logger } from '../../src/logger.ts';
import type { RunStatus } from '../../src/metrics/status.ts';
import { CLI, runCli } from '../helpers/cli.ts';

test('the status line shows events, rate, sessions, simulated time and an ETA for bounded runs', () => {
  const line = progressLine({
    eventsGenerated: 1500,
    messagesSent: 1234567,
    activeSessions: 4321,
    simulatedTimeMs: Date.parse('2024-03-04T10:20:30Z'),
    achievedRate: 45210.4,
    targetRate: 50000,
    multiplier: 1.2,
    lagSeconds: 0,
    done: 0.42,
    etaSeconds: 80,
  });
  assert.equal(line, 'events 1,234,567 | 45,210/s | sessions 4,321 | sim 2024-03-04 10:20:30 | 42% ETA 1m20s');
  assert.doesNotMatch(
    progressLine({
      eventsGenerated: 0,
      messagesSent: 0,
      activeSessions: 0,
      simulatedTimeMs: NaN,
      achievedRate: 0,
      targetRate: Infinity,
      multiplier: 1,
      lagSeconds: 0,
      done: null,
      etaSeconds: null,
    }),
    /ETA/,
  );
});

test('without a terminal, progress is a log line with the status fields at every interval', async () => {
  const logged: Array<{ msg: string; fields: Record<string, unknown> | undefined }> = [];
  const logger: Logger = { ...silentLogger, info: (msg, fields) => logged.push({ msg, fields }) };
  const status: RunStatus = {
    eventsGenerated: 10,
    messagesSent: 9,
    activeSessions: 3,
    simulatedTimeMs: Date.parse('2024-03-04T00:00:10Z'),
    achievedRate: 4.4,
    targetRate: 5,
    multiplier: 1,
    lagSeconds: 0,
    done: 0.5,
    etaSeconds: 12.3,
  };
  const progress = startProgress(() => status, logger, false, 20);
  await new Promise((r) => setTimeout(r, 110));
  progress.stop();
  const count = logged.length;
  assert.ok(count >= 3, `several lines in 110 ms at 20 ms intervals, got ${count}`);
  assert.equal(logged[0]!.msg, `progress: ${progressLine(status)}`);
  assert.deepEqual(logged[0]!.fields, {
    messagesSent: 9,
    achievedRate: 4,
    activeSessions: 3,
    simulatedTime: '2024-03-04T00:00:10.000Z',
    done: 0.5,
    etaSeconds: 12,
  });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(logged.length, count, 'nothing after stop()');
});

test('--quiet turns progress and info logs off', async () => {
  const quiet = await runCli([
    '--sink',
    'stdout',
    '--seed',
    '3',
    '--speed',
    '1',
    '--duration',
    '1',
    '--rate',
    '72000',
    '--quiet',
    '--progress',
  ]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
});

test('on a terminal, one status line is redrawn in place on stderr', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ubp-tty-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cmd = [
    process.execPath,
    CLI,
    '--sink',
    'file',
    '--output',
    path.join(dir, 'out.ndjson'),
    '--seed',
    '3',
    '--speed',
    '1',
    '--duration',
    '3',
    '--rate',
    '72000',
  ].join(' ');
  // `script` runs the command on a pseudo-terminal and copies what it prints.
  const { stdout } = await promisify(execFile)('script', ['-qefc', cmd, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's escape sequences are what is tested
  assert.match(stdout, /\r\x1b\[2Kevents [\d,]+ \| [\d,]+\/s \| sessions [\d,]+ \| sim \d{4}-\d\d-\d\d [\d:]+ \| \d+% ETA/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's escape sequences are what is tested
  assert.ok((stdout.match(/\x1b\[2Kevents /g) ?? []).length >= 3, 'redrawn several times');
  assert.match(stdout, /INFO {2}messages sent \d+/, 'logs are human-readable on a terminal');
  assert.doesNotMatch(stdout, /"level":/);
});
