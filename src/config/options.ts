import { usageError } from '../errors.ts';

export type SinkKind = 'kafka' | 'stdout' | 'file';
export type Acks = 'all' | 1 | 0;
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface KafkaConfig {
  readonly bootstrapServers: readonly string[];
  readonly topic: string;
  readonly acks: Acks;
  readonly compression: Compression;
  readonly batchSizeBytes: number;
  readonly lingerMs: number;
  readonly bufferMemoryBytes: number;
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** The resolved, frozen configuration of a run. */
export interface ProducerConfig {
  readonly sink: SinkKind;
  readonly output: string | null;
  readonly kafka: KafkaConfig;
  /** Events per hour at time multiplier 1.0. */
  readonly rate: number;
  /** Simulated seconds to run; null = until stopped (or `count`). */
  readonly durationSeconds: number | null;
  readonly count: number | null;
  readonly minSessionSeconds: number;
  readonly maxSessionSeconds: number;
  readonly seed: number;
  /** True when the seed was drawn at random (it is logged so the run can be repeated). */
  readonly seedWasRandom: boolean;
  readonly startMs: number;
  /** Simulated seconds per wall second; Infinity = as fast as possible. */
  readonly speed: number;
  readonly timePatterns: boolean;
  readonly userPoolSize: number;
  readonly metricsJson: string | null;
  readonly metricsPort: number | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly progress: boolean;
}

export const DEFAULTS = {
  sink: 'kafka' as SinkKind,
  bootstrapServers: 'localhost:9092',
  topic: 'user-events',
  rate: 5000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  speed: 1,
  acks: 'all' as Acks,
  compression: 'lz4' as Compression,
  batchSizeBytes: 32 * 1024,
  lingerMs: 20,
  bufferMemoryBytes: 64 * 1024 * 1024,
  partitions: 12,
  replicationFactor: 3,
} as const;

/** Everything a caller may set; unset fields take DEFAULTS. Values are checked by `resolveConfig`. */
export interface ProducerOptions {
  sink?: SinkKind;
  output?: string | null;
  bootstrapServers?: string | readonly string[];
  topic?: string;
  generationRate?: number;
  durationSeconds?: number | null;
  count?: number | null;
  sessionDurationRange?: readonly [number, number];
  seed?: number;
  start?: string | Date | number;
  speed?: number | 'max';
  timePatterns?: boolean;
  userPoolSize?: number;
  acks?: Acks | '1' | '0' | -1;
  compression?: Compression;
  batchSize?: number;
  lingerMs?: number;
  bufferMemory?: number;
  partitions?: number;
  replicationFactor?: number;
  metricsJson?: string | null;
  metricsPort?: number | null;
  logLevel?: ProducerConfig['logLevel'];
  progress?: boolean;
}

const SINKS: readonly SinkKind[] = ['kafka', 'stdout', 'file'];
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

function positive(name: string, value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw usageError(`${name} must be a positive number ${what} (got ${JSON.stringify(value)})`);
  }
  return value;
}

function integer(name: string, value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw usageError(`${name} must be an integer from ${min} to ${max}${what ? ' ' + what : ''} (got ${JSON.stringify(value)})`);
  }
  return value;
}

export function parseStart(value: string | Date | number, name = 'start'): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    throw usageError(`${name} must be an ISO 8601 date-time such as 2024-03-04T00:00:00Z (got ${JSON.stringify(value)})`);
  }
  if (!Number.isFinite(ms)) throw usageError(`${name} must be an ISO 8601 date-time such as 2024-03-04T00:00:00Z (got ${JSON.stringify(value)})`);
  return ms;
}

/**
 * Check every option and fill in defaults. `names` maps option keys to the names the caller
 * knows them by (CLI flags), so errors say `--rate`, not `generationRate`.
 */
export function resolveConfig(
  options: ProducerOptions,
  env: { now: () => number; randomSeed: () => number },
  names: Partial<Record<keyof ProducerOptions, string>> = {},
): ProducerConfig {
  const n = (k: keyof ProducerOptions): string => names[k] ?? k;
  const sink = options.sink ?? DEFAULTS.sink;
  if (!SINKS.includes(sink)) throw usageError(`${n('sink')} must be one of ${SINKS.join(', ')} (got ${JSON.stringify(sink)})`);
  const output = options.output ?? null;
  if (sink === 'file' && !output) throw usageError(`${n('sink')} file needs ${n('output')} FILE`);

  const rate = positive(n('generationRate'), options.generationRate ?? DEFAULTS.rate, 'of events per hour');
  const [minS, maxS] = options.sessionDurationRange ?? [DEFAULTS.minSessionSeconds, DEFAULTS.maxSessionSeconds];
  positive(names.sessionDurationRange ? '--min-session-duration' : 'sessionDurationRange[0]', minS, 'of seconds');
  positive(names.sessionDurationRange ? '--max-session-duration' : 'sessionDurationRange[1]', maxS, 'of seconds');
  if (maxS < minS) {
    throw usageError(`the maximum session duration (${maxS}) must not be below the minimum (${minS})`);
  }
  const duration = options.durationSeconds ?? null;
  if (duration !== null) positive(n('durationSeconds'), duration, 'of simulated seconds');
  const count = options.count ?? null;
  if (count !== null) integer(n('count'), count, 1, Number.MAX_SAFE_INTEGER, 'of events');

  let seed: number;
  let seedWasRandom = false;
  if (options.seed === undefined) {
    seed = env.randomSeed();
    seedWasRandom = true;
  } else seed = integer(n('seed'), options.seed, 0, Number.MAX_SAFE_INTEGER, '');
  const startMs = options.start === undefined ? env.now() : parseStart(options.start, n('start'));

  const speedIn = options.speed ?? DEFAULTS.speed;
  const speed = speedIn === 'max' ? Infinity : positive(n('speed'), speedIn, 'or "max"');

  const acksIn = options.acks ?? DEFAULTS.acks;
  const acks: Acks = acksIn === 'all' || acksIn === -1 ? 'all' : acksIn === 1 || acksIn === '1' ? 1 : acksIn === 0 || acksIn === '0' ? 0 : (undefined as never);
  if (acks === undefined) throw usageError(`${n('acks')} must be one of all, 1, 0 (got ${JSON.stringify(acksIn)})`);
  const compression = options.compression ?? DEFAULTS.compression;
  if (!COMPRESSIONS.includes(compression)) throw usageError(`${n('compression')} must be one of ${COMPRESSIONS.join(', ')} (got ${JSON.stringify(compression)})`);

  const servers = options.bootstrapServers ?? DEFAULTS.bootstrapServers;
  const bootstrapServers = (typeof servers === 'string' ? servers.split(',') : [...servers]).map((s) => s.trim()).filter((s) => s !== '');
  if (bootstrapServers.length === 0 || !bootstrapServers.every((s) => /^[^\s:]+:\d{1,5}$/.test(s))) {
    throw usageError(`${n('bootstrapServers')} must be a comma-separated list of host:port (got ${JSON.stringify(servers)})`);
  }
  const topic = options.topic ?? DEFAULTS.topic;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    throw usageError(`${n('topic')} must be 1–249 characters of letters, digits, '.', '_' or '-' (got ${JSON.stringify(topic)})`);
  }
  const metricsPort = options.metricsPort ?? null;
  if (metricsPort !== null) integer(n('metricsPort'), metricsPort, 0, 65535, '(a TCP port)');

  return Object.freeze({
    sink,
    output,
    kafka: Object.freeze({
      bootstrapServers,
      topic,
      acks,
      compression,
      batchSizeBytes: integer(n('batchSize'), options.batchSize ?? DEFAULTS.batchSizeBytes, 1, 64 * 1024 * 1024, 'of bytes'),
      lingerMs: integer(n('lingerMs'), options.lingerMs ?? DEFAULTS.lingerMs, 0, 60_000, 'of milliseconds'),
      bufferMemoryBytes: integer(n('bufferMemory'), options.bufferMemory ?? DEFAULTS.bufferMemoryBytes, 1024, 2 ** 40, 'of bytes'),
      partitions: integer(n('partitions'), options.partitions ?? DEFAULTS.partitions, 1, 10_000, ''),
      replicationFactor: integer(n('replicationFactor'), options.replicationFactor ?? DEFAULTS.replicationFactor, 1, 100, ''),
    }),
    rate,
    durationSeconds: duration,
    count,
    minSessionSeconds: minS,
    maxSessionSeconds: maxS,
    seed,
    seedWasRandom,
    startMs,
    speed,
    timePatterns: options.timePatterns ?? true,
    userPoolSize: integer(n('userPoolSize'), options.userPoolSize ?? 0, 0, 100_000_000, '(0 = sized from the rate)'),
    metricsJson: options.metricsJson ?? null,
    metricsPort,
    logLevel: options.logLevel ?? 'info',
    progress: options.progress ?? false,
  });
}
