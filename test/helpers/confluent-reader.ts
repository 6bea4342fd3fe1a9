import { spawn } from 'node:child_process';
import path from 'node:path';
import { READER_SCRIPT } from '../../scripts/confluent-reader/venv.ts';
import type { RegistryFormat } from '../../src/events/formats.ts';
import { ROOT } from './cli.ts';

export interface PythonRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: Record<string, unknown>;
}

export interface ReadOptions {
  bootstrap: string;
  topic: string;
  registry: string;
  format: RegistryFormat;
  /** `user:password` for a registry with basic auth (Confluent's basic.auth.user.info). */
  userInfo?: string;
}

/** A whole topic as Confluent's Python client decodes it (scripts/confluent-reader/read_topic.py). */
export function readWithConfluentPython(python: string, o: ReadOptions): Promise<PythonRecord[]> {
  return new Promise((resolve, reject) => {
    const args = [READER_SCRIPT, '--bootstrap', o.bootstrap, '--topic', o.topic, '--registry', o.registry, '--format', o.format];
    const child = spawn(python, [...args, '--proto', path.join(ROOT, 'schema', 'event.proto')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(o.userInfo === undefined ? {} : { SCHEMA_REGISTRY_USER_INFO: o.userInfo }) },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`read_topic.py exited ${code}: ${err}`));
      else
        resolve(
          out
            .trimEnd()
            .split('\n')
            .map((line) => JSON.parse(line) as PythonRecord),
        );
    });
  });
}
