import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/**
 * A new directory under the system's temp dir, removed with everything in it when the test
 * file's process exits (each test file runs in a process of its own): a run's output can be
 * hundreds of megabytes, and CI runs again and again on the same machine.
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (made.length === 0) {
    process.on('exit', () => {
      for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  made.push(dir);
  return dir;
}
