import { SASL_MECHANISMS, SECURITY_PROTOCOLS } from './client-config.ts';
import os from 'node:os';
import { LANE_COUNT } from '../model/simulation.ts';
import { ENTITY_STREAMS } from '../entities/records.ts';
import {
  booleanKind,
  choiceKind,
  instantKind,
  listKind,
  numberKind,
  serverListKind,
  shardKind,
  speedKind,
  textKind,
  workersKind,
  type Kind,
} from './kinds.ts';

/**
 * THE option table: one row per option, for the library, the command line and its help, and
 * the README's flag table (a test keeps that in step). Validation, messages, defaults and the
 * library's option types are all derived from these rows; nothing else declares an option.
 */

export type Group =
  | 'Output'
  | 'Security'
  | 'Schema registry'
  | 'Simulation'
  | 'Faults and answer key'
  | 'Kafka producer'
  | 'Reporting'
  | 'Verify'
  | 'Report';

/** A flag that sets its option to a fixed value (`--no-time-patterns`, `--verbose`). */
export interface Switch<Out> {
  readonly flag: string;
  readonly short?: string;
  readonly value: Out;
  readonly help: string;
}

export interface OptionRow<In, Out, D extends Out | null = Out | null> {
  readonly kind: Kind<In, Out>;
  /** Used when the option is not given; null = off / none. */
  readonly default: D;
  /** How the default reads in help and the README, when not the value itself. */
  readonly defaultText?: string;
  /** The long flag that takes a value (`--rate N`), its other spellings, its one-letter form. */
  readonly flag?: string;
  readonly aliases?: readonly string[];
  readonly short?: string;
  /** The value's placeholder in help: `N`, `FILE`. */
  readonly valueName?: string;
  readonly switches?: readonly Switch<NoInfer<Out>>[];
  readonly help: string;
  readonly group: Group;
  /** Never echoed in messages (passwords, tokens). Secret rows have no flag: files and the environment only. */
  readonly secret?: boolean;
  /** The environment variable that may give it (after the client config file, before flags). */
  readonly env?: string;
}

export function row<In, Out, const D extends Out | null>(r: OptionRow<In, Out, D>): OptionRow<In, Out, D> {
  return r;
}

const SINKS = ['kafka', 'stdout', 'file'] as const;
const FORMATS = ['json', 'avro', 'protobuf', 'json-schema'] as const;
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const RECORD_KEYS = ['session_id', 'user_id', 'none'] as const;
const RECORD_TIMESTAMPS = ['event', 'send'] as const;
/** A topic name, or a template with `{event_type}` in it (one topic per event type). */
const TOPIC = /^(?!\.{1,2}$)(?:[A-Za-z0-9._-]|\{event_type\}){1,249}$/;

export type SinkKind = (typeof SINKS)[number];
export type Format = (typeof FORMATS)[number];
export type Compression = (typeof COMPRESSIONS)[number];
export type Acks = 'all' | 1 | 0;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type RecordKey = (typeof RECORD_KEYS)[number];
export type RecordTimestamp = (typeof RECORD_TIMESTAMPS)[number];

export const bootstrapServersRow = row({
  kind: serverListKind(),
  default: ['localhost:9092'],
  defaultText: 'localhost:9092',
  flag: 'bootstrap-servers',
  valueName: 'LIST',
  help: 'Kafka brokers, `host:port[,host:port]`',
  group: 'Output',
});

export const topicRow = row({
  kind: textKind("1–249 characters of letters, digits, '.', '_' or '-', optionally with {event_type} in it", TOPIC),
  default: 'user-events',
  flag: 'topic',
  valueName: 'NAME',
  help: 'Kafka topic; a name with `{event_type}` in it (`user-events.{event_type}`) routes each event type to its own topic',
  group: 'Output',
});

export const topicPerTypeRow = row({
  kind: booleanKind(),
  default: false,
  switches: [
    {
      flag: 'topic-per-type',
      value: true,
      help: 'each event type to its own topic, `<topic>.<event_type>` (as `--topic <topic>.{event_type}`)',
    },
  ],
  help: 'one topic per event type',
  group: 'Output',
});

export const recordTimestampRow = row({
  kind: choiceKind(RECORD_TIMESTAMPS),
  default: 'event',
  flag: 'record-timestamp',
  help: "each record's timestamp (CreateTime): the event's `timestamp`, or the time it was sent",
  group: 'Kafka producer',
});

export const headersRow = row({
  kind: booleanKind(),
  default: false,
  switches: [
    {
      flag: 'headers',
      value: true,
      help: "record headers `event_type`, `schema` and `content-type` (`application/json`, or the registry format's)",
    },
  ],
  help: 'record headers',
  group: 'Kafka producer',
});

export const keyRow = row({
  kind: choiceKind(RECORD_KEYS),
  default: 'session_id',
  flag: 'key',
  help: 'record key: a session stays in one partition, in order (`session_id`), or a user (`user_id`); `none` spreads records as the Java client does without keys',
  group: 'Kafka producer',
});

const file = (help: string) => ({ kind: textKind('a file path'), default: null, valueName: 'FILE', help, group: 'Security' }) as const;

/** Reaching a secured cluster: flags for the common settings, the rest from a client properties file. */
export const SECURITY_OPTIONS = {
  clientConfig: row({
    ...file('Kafka client properties file, Java or librdkafka names (bootstrap.servers, security.protocol, sasl.*, ssl.*)'),
    flag: 'client-config',
  }),
  securityProtocol: row({
    kind: choiceKind(SECURITY_PROTOCOLS),
    default: null,
    defaultText: 'PLAINTEXT',
    flag: 'security-protocol',
    help: 'how to reach the brokers',
    group: 'Security',
  }),
  saslMechanism: row({
    kind: choiceKind(SASL_MECHANISMS),
    default: null,
    flag: 'sasl-mechanism',
    help: 'SASL login mechanism',
    group: 'Security',
  }),
  saslUsername: row({
    kind: textKind('a user name'),
    default: null,
    flag: 'sasl-username',
    valueName: 'NAME',
    help: 'SASL user (the password comes from the client config file or UBP_SASL_PASSWORD)',
    group: 'Security',
  }),
  saslPassword: row({
    kind: textKind('a password'),
    default: null,
    secret: true,
    env: 'UBP_SASL_PASSWORD',
    help: 'SASL password',
    group: 'Security',
  }),
  saslToken: row({
    kind: textKind('a token'),
    default: null,
    secret: true,
    env: 'UBP_SASL_TOKEN',
    help: 'OAUTHBEARER token',
    group: 'Security',
  }),
  saslTokenFile: row({
    ...file('OAUTHBEARER token file, read again at every login (so a refreshed token is picked up)'),
    flag: 'sasl-token-file',
  }),
  sslCaLocation: row({ ...file('CA certificates (PEM) to trust instead of the system ones'), flag: 'ssl-ca-location' }),
  sslCertificateLocation: row({ ...file('client certificate (PEM) for mutual TLS'), flag: 'ssl-certificate-location' }),
  sslKeyLocation: row({ ...file('private key (PEM) of the client certificate'), flag: 'ssl-key-location' }),
  sslKeyPassword: row({
    kind: textKind('a password'),
    default: null,
    secret: true,
    env: 'UBP_SSL_KEY_PASSWORD',
    help: 'password of an encrypted private key',
    group: 'Security',
  }),
  sslVerifyHostname: row({
    kind: booleanKind(),
    default: true,
    help: "check that the broker's certificate names the host",
    group: 'Security',
  }),
  sslVerifyCertificate: row({
    kind: booleanKind(),
    default: true,
    help: "check the broker's certificate against the CAs",
    group: 'Security',
  }),
} as const;

const REGISTRY = 'Schema registry';
/** http(s)://host[:port][/path], without a trailing slash (the Confluent API's base URL). */
const REGISTRY_URL = /^https?:\/\/[^\s/]+(\/[^\s]*[^\s/])?\/?$/;

/**
 * Reaching a Confluent-API schema registry (for --format avro|protobuf|json-schema and for reading
 * such runs back): the URL and user by flag, file or environment; the password from the client
 * config file or the environment only.
 */
export const REGISTRY_OPTIONS = {
  schemaRegistry: row({
    kind: textKind('an http:// or https:// URL, e.g. http://localhost:8081', REGISTRY_URL),
    default: null,
    flag: 'schema-registry',
    valueName: 'URL',
    help: 'Confluent-API schema registry (Apicurio: `http://host:port/apis/ccompat/v7`); needed by the registry formats',
    group: REGISTRY,
  }),
  schemaRegistryUser: row({
    kind: textKind('a user name'),
    default: null,
    flag: 'schema-registry-user',
    valueName: 'NAME',
    help: 'basic-auth user of the registry (the password comes from `basic.auth.user.info` in the client config file or UBP_SCHEMA_REGISTRY_PASSWORD)',
    group: REGISTRY,
  }),
  schemaRegistryPassword: row({
    kind: textKind('a password'),
    default: null,
    secret: true,
    env: 'UBP_SCHEMA_REGISTRY_PASSWORD',
    help: 'basic-auth password of the registry',
    group: REGISTRY,
  }),
  schemaRegistryCaLocation: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'schema-registry-ca-location',
    valueName: 'FILE',
    help: 'CA certificates (PEM) to trust for an https registry instead of the system ones',
    group: REGISTRY,
  }),
  schemaRegistryCertificateLocation: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'schema-registry-certificate-location',
    valueName: 'FILE',
    help: 'client certificate (PEM) for a registry that asks for one',
    group: REGISTRY,
  }),
  schemaRegistryKeyLocation: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'schema-registry-key-location',
    valueName: 'FILE',
    help: 'private key (PEM) of that certificate',
    group: REGISTRY,
  }),
} as const;

const FRACTION = numberKind({ min: 0, max: 1, unit: '(a share of events)' });
const FAULTS = 'Faults and answer key';

/** Delivery faults and the answer key: all off by default, and off gives the plain stream's bytes. */
export const FAULT_OPTIONS = {
  late: row({
    kind: FRACTION,
    default: 0,
    flag: 'late',
    valueName: 'FRACTION',
    help: 'share of events delivered late: a device goes offline and the rest of its session arrives when it is back',
    group: FAULTS,
  }),
  lateDelaySeconds: row({
    kind: numberKind({ min: 0, above: true, unit: 'of seconds' }),
    default: 30,
    flag: 'late-delay',
    valueName: 'SECONDS',
    help: 'median offline time of a late device (heavy-tailed)',
    group: FAULTS,
  }),
  lateMaxSeconds: row({
    kind: numberKind({ min: 0, above: true, unit: 'of seconds' }),
    default: 3600,
    flag: 'late-max',
    valueName: 'SECONDS',
    help: 'longest delay; held-back events are bounded by this × the event rate',
    group: FAULTS,
  }),
  duplicates: row({
    kind: FRACTION,
    default: 0,
    flag: 'duplicates',
    valueName: 'FRACTION',
    help: 'share of events delivered a second time (same event_id, same bytes), seconds later, as a retrying upstream does',
    group: FAULTS,
  }),
  truth: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'truth',
    valueName: 'FILE',
    help: 'write the answer key at the end of the run: counts, sessions, users and revenue per event-time window, and every injected fault',
    group: FAULTS,
  }),
  truthWindowSeconds: row({
    kind: numberKind({ min: 1, integer: true, unit: 'of seconds' }),
    default: 60,
    flag: 'truth-window',
    valueName: 'SECONDS',
    help: "the answer key's tumbling event-time window",
    group: FAULTS,
  }),
  truthSessions: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'truth-sessions',
    valueName: 'FILE',
    help: 'write one NDJSON line per session (id, user, start, end, events, converted, revenue)',
    group: FAULTS,
  }),
} as const;

export const RUN_OPTIONS = {
  sink: row({ kind: choiceKind(SINKS), default: 'kafka', flag: 'sink', help: 'where events go', group: 'Output' }),
  output: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'output',
    short: 'o',
    valueName: 'FILE',
    help: 'file for `--sink file` (appended to; whole lines only)',
    group: 'Output',
  }),
  entities: row({
    kind: listKind(ENTITY_STREAMS),
    default: null,
    defaultText: 'off',
    flag: 'entities',
    valueName: 'LIST',
    help: 'also write keyed entity streams the events join with (`users,products,orders`): files `<output stem>.<stream>.ndjson`, or topics `<topic>.<stream>`',
    group: 'Output',
  }),
  bootstrapServers: bootstrapServersRow,
  topic: topicRow,
  topicPerType: topicPerTypeRow,
  ...SECURITY_OPTIONS,
  format: row({
    kind: choiceKind(FORMATS),
    default: 'json',
    flag: 'format',
    help: 'record values: JSON text, or Avro, Protobuf or JSON in the Confluent wire format (schema id from `--schema-registry`; Kafka only)',
    group: REGISTRY,
  }),
  ...REGISTRY_OPTIONS,
  autoRegister: row({
    kind: booleanKind(),
    default: true,
    defaultText: '—',
    switches: [
      {
        flag: 'no-auto-register',
        value: false,
        help: 'do not register the schema: it must already be registered under `<topic>-value` (the run looks its id up)',
      },
    ],
    help: 'register the schema under `<topic>-value` at start',
    group: REGISTRY,
  }),
  scenario: row({
    kind: textKind('a scenario file (YAML or JSON)'),
    default: null,
    flag: 'scenario',
    valueName: 'FILE',
    help: 'the shop, its episodes and run options from a file (see scenarios/; flags win over its run section)',
    group: 'Simulation',
  }),
  printScenario: row({
    kind: booleanKind(),
    default: false,
    defaultText: '—',
    switches: [
      { flag: 'print-scenario', value: true, help: 'print the effective scenario (YAML: defaults, file and flags merged) and exit' },
    ],
    help: 'print the effective scenario',
    group: 'Simulation',
  }),
  generationRate: row({
    kind: numberKind({ min: 0, above: true, unit: 'of events per hour' }),
    default: 5000,
    flag: 'rate',
    valueName: 'N',
    help: 'events per hour at time multiplier 1.0',
    group: 'Simulation',
  }),
  durationSeconds: row({
    kind: numberKind({ min: 0, above: true, unit: 'of simulated seconds' }),
    default: null,
    defaultText: 'until stopped',
    flag: 'duration',
    valueName: 'SECONDS',
    help: 'simulated seconds to run',
    group: 'Simulation',
  }),
  count: row({
    kind: numberKind({ min: 1, integer: true, unit: 'of events' }),
    default: null,
    flag: 'count',
    valueName: 'N',
    help: 'stop after N events',
    group: 'Simulation',
  }),
  minSessionSeconds: row({
    kind: numberKind({ min: 0, above: true, unit: 'of seconds' }),
    default: 60,
    flag: 'min-session-duration',
    aliases: ['min-session'],
    valueName: 'S',
    help: 'shortest session time budget',
    group: 'Simulation',
  }),
  maxSessionSeconds: row({
    kind: numberKind({ min: 0, above: true, unit: 'of seconds' }),
    default: 1800,
    flag: 'max-session-duration',
    aliases: ['max-session'],
    valueName: 'S',
    help: 'longest session time budget',
    group: 'Simulation',
  }),
  seed: row({
    kind: numberKind({ min: 0, integer: true }),
    default: null,
    defaultText: 'random, logged',
    flag: 'seed',
    valueName: 'N',
    help: 'same seed + start + flags → same bytes',
    group: 'Simulation',
  }),
  start: row({
    kind: instantKind(),
    default: null,
    defaultText: 'now',
    flag: 'start',
    valueName: 'ISO',
    help: 'simulated start, e.g. `2024-03-04T00:00:00Z`',
    group: 'Simulation',
  }),
  speed: row({
    kind: speedKind(),
    default: 1,
    flag: 'speed',
    valueName: 'N|max',
    help: '1 = real time, N = N× faster, max = no waiting',
    group: 'Simulation',
  }),
  timePatterns: row({
    kind: booleanKind(),
    default: true,
    defaultText: '—',
    switches: [{ flag: 'no-time-patterns', value: false, help: 'every multiplier is 1' }],
    help: 'daily and weekly rhythm',
    group: 'Simulation',
  }),
  userPoolSize: row({
    kind: numberKind({ min: 0, max: 100_000_000, integer: true, unit: 'of users (0 = sized from the rate)' }),
    default: 0,
    defaultText: 'from the rate',
    flag: 'user-pool-size',
    valueName: 'N',
    help: 'known users kept for return visits',
    group: 'Simulation',
  }),
  shard: row({
    kind: shardKind(LANE_COUNT),
    default: null,
    defaultText: 'the whole run',
    flag: 'shard',
    valueName: 'I/N',
    help: `make only part I of N of the run (N ≤ ${LANE_COUNT}): N processes with the same seed, start and flags make the whole run's events between them`,
    group: 'Simulation',
  }),
  workers: row({
    kind: workersKind(LANE_COUNT, () => os.availableParallelism()),
    default: 1,
    flag: 'workers',
    valueName: 'K|auto',
    help: 'threads generating (auto = one per core); the same events as one',
    group: 'Simulation',
  }),
  ...FAULT_OPTIONS,
  acks: row({
    kind: choiceKind<Acks>(
      ['all', 1, 0],
      new Map<unknown, Acks>([
        [-1, 'all'],
        ['-1', 'all'],
      ]),
    ),
    default: 'all',
    flag: 'acks',
    help: '`all` = idempotent, no loss, no duplicates; `1` = leader only (faster)',
    group: 'Kafka producer',
  }),
  compression: row({
    kind: choiceKind(COMPRESSIONS),
    default: 'lz4',
    flag: 'compression',
    help: 'producer compression',
    group: 'Kafka producer',
  }),
  key: keyRow,
  recordTimestamp: recordTimestampRow,
  headers: headersRow,
  batchSize: row({
    kind: numberKind({ min: 1, max: 64 * 1024 * 1024, integer: true, unit: 'of bytes' }),
    default: 32 * 1024,
    flag: 'batch-size',
    valueName: 'BYTES',
    help: 'records gathered per request',
    group: 'Kafka producer',
  }),
  lingerMs: row({
    kind: numberKind({ min: 0, max: 60_000, integer: true, unit: 'of milliseconds' }),
    default: 20,
    flag: 'linger-ms',
    valueName: 'MS',
    help: 'longest wait to fill a batch',
    group: 'Kafka producer',
  }),
  bufferMemory: row({
    kind: numberKind({ min: 1024, max: 2 ** 40, integer: true, unit: 'of bytes' }),
    default: 64 * 1024 * 1024,
    flag: 'buffer-memory',
    valueName: 'BYTES',
    help: 'most bytes queued or in flight; generation waits beyond it',
    group: 'Kafka producer',
  }),
  partitions: row({
    kind: numberKind({ min: 1, max: 10_000, integer: true }),
    default: 12,
    flag: 'partitions',
    valueName: 'N',
    help: 'partitions of a topic the tool creates',
    group: 'Kafka producer',
  }),
  replicationFactor: row({
    kind: numberKind({ min: 1, max: 100, integer: true }),
    default: 3,
    flag: 'replication-factor',
    valueName: 'N',
    help: 'of a topic the tool creates; capped at the broker count (with a warning)',
    group: 'Kafka producer',
  }),
  retentionMs: row({
    kind: numberKind({ min: -1, integer: true, unit: 'of milliseconds (-1 = keep forever)' }),
    default: 3 * 24 * 3600 * 1000,
    flag: 'retention-ms',
    valueName: 'MS',
    help: '`retention.ms` of a topic the tool creates (3 days; -1 = forever)',
    group: 'Kafka producer',
  }),
  metricsJson: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'metrics-json',
    valueName: 'FILE',
    help: 'final metrics as JSON at exit (`-` = stdout)',
    group: 'Reporting',
  }),
  metricsPort: row({
    kind: numberKind({ min: 0, max: 65535, integer: true, unit: '(a TCP port)' }),
    default: null,
    defaultText: 'off',
    flag: 'metrics-port',
    valueName: 'PORT',
    help: 'serve Prometheus metrics on `127.0.0.1:PORT/metrics` (0 = a free port, logged)',
    group: 'Reporting',
  }),
  progress: row({
    kind: booleanKind(),
    default: false,
    defaultText: 'on a terminal',
    switches: [
      { flag: 'progress', value: true, help: 'a status line on stderr (default when stderr is a terminal), else a log line every 10 s' },
      { flag: 'no-progress', value: false, help: 'no progress line / progress logs' },
    ],
    help: 'progress line',
    group: 'Reporting',
  }),
  logLevel: row({
    kind: choiceKind(LOG_LEVELS),
    default: 'info',
    defaultText: '—',
    switches: [
      { flag: 'verbose', short: 'v', value: 'debug', help: 'debug logs' },
      { flag: 'quiet', short: 'q', value: 'warn', help: 'warnings and errors only (no progress)' },
    ],
    help: 'log level',
    group: 'Reporting',
  }),
} as const;

export const VERIFY_OPTIONS = {
  bootstrapServers: bootstrapServersRow,
  topic: { ...topicRow, help: 'topic to read, from the beginning to its current end (a `{event_type}` template: all of them)' },
  topicPerType: topicPerTypeRow,
  key: { ...keyRow, help: 'the key the records should have' },
  recordTimestamp: { ...recordTimestampRow, help: 'record timestamps the run used; `event` ones are checked against the events' },
  headers: { ...headersRow, switches: [{ flag: 'headers', value: true, help: 'check the headers a `--headers` run adds' }] },
  ...SECURITY_OPTIONS,
  ...REGISTRY_OPTIONS,
  input: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'input',
    valueName: 'FILE',
    help: 'read an NDJSON file instead of a topic',
    group: 'Verify',
  }),
  metricsJson: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'metrics-json',
    valueName: 'FILE',
    help: "the run's --metrics-json (shards of one run: FILE,FILE,…): its messagesSent is the expected count",
    group: 'Verify',
  }),
  expected: row({
    kind: numberKind({ min: 0, integer: true, unit: 'of events' }),
    default: null,
    flag: 'expected',
    valueName: 'N',
    help: 'the expected count, given directly',
    group: 'Verify',
  }),
  truth: row({
    kind: textKind('a file path'),
    default: null,
    flag: 'truth',
    valueName: 'FILE',
    help: "the run's answer key (`--truth`): the faults it lists are expected; windows, duplicates and late events must match it",
    group: 'Verify',
  }),
  json: row({
    kind: booleanKind(),
    default: false,
    switches: [{ flag: 'json', value: true, help: 'print the report as JSON' }],
    help: 'JSON report',
    group: 'Verify',
  }),
  timeoutSeconds: row({
    kind: numberKind({ min: 1, integer: true, unit: 'of seconds' }),
    default: 600,
    flag: 'timeout',
    valueName: 'SECONDS',
    help: 'give up reading after this long',
    group: 'Verify',
  }),
} as const;

/** `report`: reads a run as `verify` does (the same source rows) and writes the realism report. */
export const REPORT_OPTIONS = {
  bootstrapServers: VERIFY_OPTIONS.bootstrapServers,
  topic: VERIFY_OPTIONS.topic,
  topicPerType: VERIFY_OPTIONS.topicPerType,
  ...SECURITY_OPTIONS,
  ...REGISTRY_OPTIONS,
  input: { ...VERIFY_OPTIONS.input, group: 'Report' },
  output: row({
    kind: textKind('a file path'),
    default: 'report.html',
    flag: 'output',
    short: 'o',
    valueName: 'FILE',
    help: 'the HTML report to write (replaced if it exists)',
    group: 'Report',
  }),
  json: row({
    kind: booleanKind(),
    default: false,
    switches: [{ flag: 'json', value: true, help: 'also print the scorecard as JSON on stdout' }],
    help: 'JSON scorecard',
    group: 'Report',
  }),
  timeoutSeconds: { ...VERIFY_OPTIONS.timeoutSeconds, group: 'Report' },
} as const;

// biome-ignore lint/suspicious/noExplicitAny: any row, whatever its value types
export type AnyRow = OptionRow<any, any>;
export type OptionTable = Readonly<Record<string, AnyRow>>;

type InOf<R> = R extends OptionRow<infer In, infer _Out> ? In : never;
type ResolvedOf<R> = R extends OptionRow<infer _In, infer Out, infer D> ? (null extends D ? Out | null : Out) : never;

/** What a caller may give for a table: every option optional, in the types the rows accept. */
export type OptionsOf<T extends OptionTable> = { -readonly [K in keyof T]?: InOf<T[K]> | (null extends T[K]['default'] ? null : never) };
/** A table's options after validation: every option present, normalised, defaults filled in. */
export type ResolvedOptionsOf<T extends OptionTable> = { readonly [K in keyof T]: ResolvedOf<T[K]> };

/** The names a flag table knows a row by: its long flag, its aliases, its switches. */
export function flagsOf(r: AnyRow): string[] {
  return [...(r.flag ? [r.flag, ...(r.aliases ?? [])] : []), ...(r.switches ?? []).map((s) => s.flag)];
}
