import { spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunResult {
  code: number;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  error?: NodeJS.ErrnoException;
}

/** Runs a command to its end and keeps its output for an error message; never rejects. */
export function run(cmd: string, args: readonly string[], options: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: -1, output, error }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function fileTail(file: string, lines: number): string {
  try {
    return tail(readFileSync(file, 'utf8'), lines);
  } catch {
    return '';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Probes a starting server every `pollMs` until it answers ok, its process dies (`deadReason`
 * says why) or `timeoutMs` passes; the last probe's reason goes into the timeout's.
 */
export async function waitReady<R extends { ok: boolean; reason?: string }>(
  probe: () => Promise<R>,
  timeoutMs: number,
  deadReason: () => string | undefined,
  pollMs = 250,
): Promise<R | { ok: false; reason: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not started';
  while (Date.now() < deadline) {
    const dead = deadReason();
    if (dead !== undefined) return { ok: false, reason: dead };
    const result = await probe();
    if (result.ok) return result;
    last = result.reason ?? last;
    await sleep(pollMs);
  }
  return { ok: false, reason: `not ready after ${Math.round(timeoutMs / 1000)} s (${last})` };
}
