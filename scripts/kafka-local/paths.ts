import path from 'node:path';
import { KafkaLocalError } from './errors.ts';

/** The broker listens on loopback only: it is for this machine's tests and tools. */
export const HOST = '127.0.0.1';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** kafka/: the Maven project that fetches the jars, and the broker's config templates. */
export const KAFKA_DIR = path.join(REPO_ROOT, 'kafka');

export function defaultDir(): string {
  return path.resolve(process.env.KAFKA_LOCAL_DIR || path.join(REPO_ROOT, '.kafka'));
}

export function defaultLibDir(): string {
  return path.join(defaultDir(), 'lib');
}

/** Where one broker keeps its files. */
export interface Layout {
  dir: string;
  dataDir: string;
  logsDir: string;
  configDir: string;
  /** Rendered from kafka/server.properties; its path in the JVM's command line marks the process as ours. */
  serverProps: string;
  stateFile: string;
  stdoutLog: string;
  serverLog: string;
  /** TLS material, the secure listeners' user and the client config files (`--secure`). */
  secureDir: string;
}

export function layout(dir: string): Layout {
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    logsDir: path.join(dir, 'logs'),
    configDir: path.join(dir, 'config'),
    serverProps: path.join(dir, 'config', 'server.properties'),
    stateFile: path.join(dir, 'broker.json'),
    stdoutLog: path.join(dir, 'logs', 'stdout.log'),
    serverLog: path.join(dir, 'logs', 'server.log'),
    secureDir: path.join(dir, 'secure'),
  };
}

export function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new KafkaLocalError(`${name} must be a port number 0-65535, got "${raw}"`);
  }
  return n;
}
