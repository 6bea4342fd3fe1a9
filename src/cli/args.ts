import { parseArgs } from 'node:util';
import type { ProducerOptions } from '../config/options.ts';
import { usageError } from '../errors.ts';

/** Flag table: the one place the CLI's flags are declared (the README's table mirrors it). */
const FLAGS = {
  'bootstrap-servers': { type: 'string' },
  topic: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  count: { type: 'string' },
  'min-session-duration': { type: 'string' },
  'min-session': { type: 'string' },
  'max-session-duration': { type: 'string' },
  'max-session': { type: 'string' },
  sink: { type: 'string' },
  output: { type: 'string', short: 'o' },
  seed: { type: 'string' },
  start: { type: 'string' },
  speed: { type: 'string' },
  'no-time-patterns': { type: 'boolean' },
  'user-pool-size': { type: 'string' },
  'metrics-json': { type: 'string' },
  'metrics-port': { type: 'string' },
  acks: { type: 'string' },
  compression: { type: 'string' },
  'batch-size': { type: 'string' },
  'linger-ms': { type: 'string' },
  'buffer-memory': { type: 'string' },
  partitions: { type: 'string' },
  'replication-factor': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'low-memory': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export interface CliRequest {
  options: ProducerOptions;
  /** Option key → the flag a user typed, for error messages. */
  names: Partial<Record<keyof ProducerOptions, string>>;
  help: boolean;
  version: boolean;
  verbose: boolean;
  quiet: boolean;
  progress: boolean | undefined;
  lowMemory: boolean;
}

function number(flag: string, text: string | undefined, what: string, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const pattern = integer ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
  const value = Number(text);
  if (!pattern.test(text.trim()) || !Number.isFinite(value)) throw usageError(`--${flag} must be ${what} (got ${JSON.stringify(text)})`);
  return value;
}

/**
 * `--rate -5`: parseArgs would take "-5" for a flag and report an ambiguity. Glue a value that
 * looks like a negative number to its string flag (`--rate=-5`) so the range check names it.
 */
function glueNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  const takesValue = (arg: string): boolean => {
    if (arg.startsWith('--')) return (FLAGS as Record<string, { type: string }>)[arg.slice(2)]?.type === 'string';
    return /^-[a-z]$/i.test(arg) && Object.values(FLAGS).some((f) => 'short' in f && f.short === arg[1] && f.type === 'string');
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (next !== undefined && /^-[\d.]/.test(next) && takesValue(arg)) {
      out.push(`${arg}=${next}`.replace(/^(-[a-z])=/i, '$1'));
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Turn argv into producer options. Throws a USAGE error naming the flag on any bad input. */
export function parseCli(argv: readonly string[]): CliRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: glueNegativeValues(argv), options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usageError(describeParseError(err as Error & { code?: string }));
  }
  const v = values as Record<string, string | undefined> & Record<string, boolean | undefined>;
  const str = (k: string): string | undefined => v[k] as string | undefined;
  if (str('min-session') !== undefined && str('min-session-duration') !== undefined) throw usageError('give --min-session-duration or --min-session, not both');
  if (str('max-session') !== undefined && str('max-session-duration') !== undefined) throw usageError('give --max-session-duration or --max-session, not both');
  if (v.verbose && v.quiet) throw usageError('give --verbose or --quiet, not both');

  const options: ProducerOptions = {};
  const set = <K extends keyof ProducerOptions>(key: K, value: ProducerOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('bootstrapServers', str('bootstrap-servers'));
  set('topic', str('topic'));
  set('generationRate', number('rate', str('rate'), 'a positive number of events per hour'));
  set('durationSeconds', number('duration', str('duration'), 'a positive number of simulated seconds'));
  set('count', number('count', str('count'), 'a positive whole number of events', true));
  const minFlag = str('min-session') !== undefined ? 'min-session' : 'min-session-duration';
  const maxFlag = str('max-session') !== undefined ? 'max-session' : 'max-session-duration';
  const min = number(minFlag, str(minFlag), 'a positive number of seconds');
  const max = number(maxFlag, str(maxFlag), 'a positive number of seconds');
  if (min !== undefined || max !== undefined) {
    const lo = min ?? 60;
    const hi = max ?? Math.max(1800, lo);
    if (!(lo > 0)) throw usageError(`--${minFlag} must be a positive number of seconds (got ${JSON.stringify(str(minFlag))})`);
    if (!(hi > 0)) throw usageError(`--${maxFlag} must be a positive number of seconds (got ${JSON.stringify(str(maxFlag))})`);
    if (hi < lo) throw usageError(`--${maxFlag} (${hi}) must not be below --${minFlag} (${lo})`);
    options.sessionDurationRange = [lo, hi];
  }
  const sink = str('sink');
  if (sink !== undefined) options.sink = sink as ProducerOptions['sink'];
  set('output', str('output'));
  set('seed', number('seed', str('seed'), 'a non-negative whole number', true));
  set('start', str('start'));
  const speed = str('speed');
  if (speed !== undefined) options.speed = speed === 'max' ? 'max' : number('speed', speed, 'a positive number or "max"');
  if (v['no-time-patterns']) options.timePatterns = false;
  set('userPoolSize', number('user-pool-size', str('user-pool-size'), 'a whole number of users (0 = sized from the rate)', true));
  set('metricsJson', str('metrics-json'));
  set('metricsPort', number('metrics-port', str('metrics-port'), 'a TCP port number', true));
  const acks = str('acks');
  if (acks !== undefined) {
    if (!['all', '-1', '1', '0'].includes(acks)) throw usageError(`--acks must be one of all, 1, 0 (got ${JSON.stringify(acks)})`);
    options.acks = acks === 'all' || acks === '-1' ? 'all' : acks === '1' ? 1 : 0;
  }
  const compression = str('compression');
  if (compression !== undefined) options.compression = compression as ProducerOptions['compression'];
  set('batchSize', number('batch-size', str('batch-size'), 'a positive whole number of bytes', true));
  set('lingerMs', number('linger-ms', str('linger-ms'), 'a whole number of milliseconds', true));
  set('bufferMemory', number('buffer-memory', str('buffer-memory'), 'a positive whole number of bytes', true));
  set('partitions', number('partitions', str('partitions'), 'a positive whole number', true));
  set('replicationFactor', number('replication-factor', str('replication-factor'), 'a positive whole number', true));
  if (v.verbose) options.logLevel = 'debug';
  if (v.quiet) options.logLevel = 'warn';

  const names: CliRequest['names'] = {
    sink: '--sink', output: '--output', bootstrapServers: '--bootstrap-servers', topic: '--topic', generationRate: '--rate',
    durationSeconds: '--duration', count: '--count', seed: '--seed', start: '--start', speed: '--speed', userPoolSize: '--user-pool-size',
    acks: '--acks', compression: '--compression', batchSize: '--batch-size', lingerMs: '--linger-ms', bufferMemory: '--buffer-memory',
    partitions: '--partitions', replicationFactor: '--replication-factor', metricsPort: '--metrics-port', sessionDurationRange: '--min-session-duration',
  };
  return {
    options,
    names,
    help: Boolean(v.help),
    version: Boolean(v.version),
    verbose: Boolean(v.verbose),
    quiet: Boolean(v.quiet),
    progress: v['no-progress'] ? false : v.progress ? true : undefined,
    lowMemory: Boolean(v['low-memory']),
  };
}

function describeParseError(err: Error & { code?: string }): string {
  // "Option '-o, --output <value>' argument missing": name the long flag.
  const quoted = /'(-[^']*)'/.exec(err.message)?.[1];
  const flag = quoted?.split(/[\s,]+/).filter((w) => w.startsWith('-')).pop();
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? ''}; run with --help to see the flags`.replace('  ', ' ');
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (!flag) return err.message.split('\n')[0]!;
      return `${flag} ${/argument missing|ambiguous/.test(err.message) ? 'needs a value' : 'does not take a value'}; run with --help to see the flags`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(err.message)?.[1] ?? ''}; flags start with --`;
    default:
      return err.message.split('\n')[0]!;
  }
}

export const HELP = `Usage: user-behavior-producer [flags]
       user-behavior-producer verify [flags]   (read a topic or file back and check it)

Generates realistic e-commerce user sessions and streams their events.

Output
  --sink kafka|stdout|file      where events go (default kafka)
  --output, -o FILE             file for --sink file (appended to)
  --bootstrap-servers LIST      Kafka brokers, host:port[,host:port] (default localhost:9092)
  --topic NAME                  Kafka topic (default user-events)

Simulation
  --rate N                      events per hour at time multiplier 1.0 (default 5000)
  --duration SECONDS            simulated seconds to run (default: until stopped)
  --count N                     stop after N events
  --min-session-duration S      shortest session time budget, seconds (default 60; alias --min-session)
  --max-session-duration S      longest session time budget, seconds (default 1800; alias --max-session)
  --seed N                      seed; same seed, start and flags give the same bytes (default: random, logged)
  --start ISO                   simulated start time (default: now)
  --speed N|max                 1 = real time, N = N times faster, max = no waiting (default 1)
  --no-time-patterns            no daily or weekly rhythm: every multiplier is 1
  --user-pool-size N            known users kept for return visits (default: sized from the rate)
  --low-memory                  V8 optimize-for-size: a little less memory, much slower with many sessions

Kafka producer
  --acks all|1|0                all = idempotent and safe (default); 1 = leader only
  --compression none|gzip|snappy|lz4|zstd   (default lz4)
  --batch-size BYTES            (default 32768)
  --linger-ms MS                (default 20)
  --buffer-memory BYTES         most bytes queued or in flight (default 67108864)
  --partitions N                partitions of a topic we create (default 12)
  --replication-factor N        of a topic we create; capped at the broker count (default 3)

Reporting
  --metrics-json FILE           write the final metrics as JSON at exit
  --metrics-port PORT           serve Prometheus metrics on 127.0.0.1:PORT/metrics
  --progress / --no-progress    status line on stderr (default: on when stderr is a terminal)
  --verbose, -v                 debug logs
  --quiet, -q                   warnings and errors only
  --help, -h                    this text
  --version                     the version

Exit codes: 0 done or stopped by SIGINT/SIGTERM after a clean flush; 1 runtime failure; 2 bad usage.
`;
