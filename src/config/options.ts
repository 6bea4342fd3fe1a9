import { usageError } from '../errors.ts';
import type { EpisodeSpec } from '../model/episodes.ts';
import { fitJourney } from '../model/fit-journey.ts';
import type { JourneyTransitions, StartWeights } from '../model/journey.ts';
import type { ShopSpec } from '../model/shop.ts';
import { effectiveScenario, loadScenario, parseScenario, runOptionNames, scenarioHash, scenarioText, type Scenario } from './scenario.ts';
import { INVALID, type Shard } from './kinds.ts';
import { gatherKafkaSources, resolveSecurity, type KafkaSecurity } from './security.ts';
import { checkFormat, resolveRegistry, type RegistryConfig } from './registry.ts';
import {
  RUN_OPTIONS,
  type Acks,
  type Compression,
  type Format,
  type LogLevel,
  type OptionTable,
  type RecordKey,
  type RecordTimestamp,
  type OptionsOf,
  type ResolvedOptionsOf,
  type SinkKind,
} from './option-table.ts';
import type { EntityStream } from '../entities/records.ts';

export type { Acks, Compression, Format, LogLevel, RecordKey, RecordTimestamp, SinkKind };
export type { RegistryConfig };

/** In a topic name, where the event type goes: `user-events.{event_type}`. */
export const EVENT_TYPE_PLACEHOLDER = '{event_type}';

/** The topic, or with `--topic-per-type` the template `<topic>.{event_type}`. */
export function topicTemplate(topic: string, perType: boolean): string {
  return perType && !topic.includes(EVENT_TYPE_PLACEHOLDER) ? `${topic}.${EVENT_TYPE_PLACEHOLDER}` : topic;
}

/** The topic of an entity stream: `<topic>.<stream>` (with `--topic-per-type`, beside the per-type topics). */
export function entityTopic(template: string, stream: string): string {
  const base = template.endsWith(`.${EVENT_TYPE_PLACEHOLDER}`) ? template.slice(0, -EVENT_TYPE_PLACEHOLDER.length - 1) : template;
  return `${base}.${stream}`;
}

export interface KafkaConfig {
  readonly bootstrapServers: readonly string[];
  /** A topic name, or a template with `{event_type}`: one topic per event type. */
  readonly topic: string;
  readonly key: RecordKey;
  readonly recordTimestamp: RecordTimestamp;
  readonly headers: boolean;
  /** retention.ms of topics the tool creates (-1 = forever). */
  readonly retentionMs: number;
  readonly acks: Acks;
  readonly compression: Compression;
  readonly batchSizeBytes: number;
  readonly lingerMs: number;
  readonly bufferMemoryBytes: number;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly security: KafkaSecurity;
}

/** The delivery layer: faults, and the answer key. */
export interface DeliveryConfig {
  /** Share of events delivered late, 0–1. */
  readonly late: number;
  /** Median offline time of a late device, seconds of simulated time. */
  readonly lateDelaySeconds: number;
  readonly lateMaxSeconds: number;
  /** Share of events delivered twice, 0–1. */
  readonly duplicates: number;
  /** Where the answer key goes at the end of the run, or null. */
  readonly truth: string | null;
  readonly truthWindowSeconds: number;
  /** Where the per-session NDJSON goes, or null. */
  readonly truthSessions: string | null;
}

/** The resolved, frozen configuration of a run. */
export interface ProducerConfig {
  readonly sink: SinkKind;
  readonly output: string | null;
  /** Entity streams written beside the events (empty: none). */
  readonly entities: readonly EntityStream[];
  readonly kafka: KafkaConfig;
  /** How events become record values: JSON text, or a registry format. */
  readonly format: Format;
  /** The schema registry (set when a registry format asks for one, or when given). */
  readonly registry: RegistryConfig | null;
  /** Register the format's schema under `<topic>-value` at start (else look its id up). */
  readonly autoRegister: boolean;
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
  /** This process makes part `index` of `count` of the run; null = all of it. */
  readonly shard: Shard | null;
  /** Generating threads (runContinuous only). */
  readonly workers: number;
  readonly metricsJson: string | null;
  readonly metricsPort: number | null;
  readonly logLevel: LogLevel;
  readonly progress: boolean;
  readonly delivery: DeliveryConfig;
  /** Things the caller should hear about (keys of a client config file that were ignored). */
  readonly warnings: readonly string[];
  /** The scenario file's shop, journey and episodes; null without `--scenario`. */
  readonly scenario: ScenarioConfig | null;
  /** Print the effective scenario and stop (`--print-scenario`). */
  readonly printScenario: boolean;
}

export interface ScenarioConfig {
  readonly name: string;
  /** The effective scenario as YAML (`--print-scenario`), and the start of its SHA-256 (logged at start). */
  readonly text: string;
  readonly hash: string;
  readonly shop: ShopSpec;
  /** The journey fitted to the scenario's event weights (the defaults when it changes neither). */
  readonly transitions: JourneyTransitions;
  readonly startWeights: StartWeights;
  readonly episodes: readonly EpisodeSpec[];
}

/** What resolution may read from outside the options: the clock, a seed source, environment variables. */
export interface ResolveEnv {
  now: () => number;
  randomSeed: () => number;
  vars?: Readonly<Record<string, string | undefined>>;
}

/**
 * Everything a library caller may set (the rows of RUN_OPTIONS); unset options take their
 * defaults. `sessionDurationRange` is the seed's spelling of the two session bounds.
 */
export type ProducerOptions = OptionsOf<typeof RUN_OPTIONS> & { sessionDurationRange?: readonly [number, number] };

/** How the caller knows each option, for messages: the CLI passes the flags the user typed. */
export type OptionNames = Readonly<Record<string, string>>;

/** Every row's default, by option key. */
export const DEFAULTS = Object.freeze(Object.fromEntries(Object.entries(RUN_OPTIONS).map(([key, r]) => [key, r.default]))) as {
  readonly [K in keyof typeof RUN_OPTIONS]: (typeof RUN_OPTIONS)[K]['default'];
};

/**
 * Check the options of one table and fill in defaults: the one place values are read and
 * checked, whatever gave them (library values, flag texts, a file). An error names the option
 * as the caller knows it (`--rate`, `generationRate`) and echoes the value it got.
 */
export function resolveTable<T extends OptionTable>(
  table: T,
  input: Readonly<Record<string, unknown>>,
  names: OptionNames = {},
): ResolvedOptionsOf<T> {
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(table, key) && input[key] !== undefined) {
      throw usageError(`unknown option ${names[key] ?? key}; known options: ${Object.keys(table).join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, r] of Object.entries(table)) {
    const given = input[key];
    if (given === undefined || given === null) {
      out[key] = r.default;
      continue;
    }
    const value = r.kind.read(given);
    if (value === INVALID)
      throw usageError(`${names[key] ?? key} must be ${r.kind.what} (${r.secret ? 'the value is not shown' : `got ${show(given)}`})`);
    out[key] = value;
  }
  return out as ResolvedOptionsOf<T>;
}

function show(value: unknown): string {
  if (value instanceof Date) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Check every option and fill in defaults, then the rules between options. `names` maps
 * option keys to the names the caller knows them by (CLI flags), so errors say `--rate`, not
 * `generationRate`.
 */
export function resolveConfig(options: ProducerOptions, env: ResolveEnv, names: OptionNames = {}): ProducerConfig {
  const { sessionDurationRange: range, ...rest } = options;
  const input: Record<string, unknown> = { ...rest };
  const named: Record<string, string> = { ...names };
  if (range !== undefined) {
    if (!Array.isArray(range) || range.length !== 2)
      throw usageError(`sessionDurationRange must be [min, max] seconds (got ${show(range)})`);
    input.minSessionSeconds = range[0];
    input.maxSessionSeconds = range[1];
    named.minSessionSeconds ??= 'sessionDurationRange[0]';
    named.maxSessionSeconds ??= 'sessionDurationRange[1]';
  }
  const scenarioFile = input.scenario ?? null;
  if (scenarioFile !== null && typeof scenarioFile !== 'string') {
    throw usageError(`${named.scenario ?? 'scenario'} must be a file path (got ${show(scenarioFile)})`);
  }
  const scenario = scenarioFile !== null ? loadScenario(scenarioFile) : input.printScenario ? parseScenario({ name: 'default' }) : null;
  if (scenario !== null) {
    // Flags win over the file's run section.
    for (const [key, value] of Object.entries(scenario.run)) {
      if (input[key] !== undefined) continue;
      input[key] = value;
      named[key] = scenario.runNames[key]!;
    }
  }
  const sources = gatherKafkaSources(input, named, env.vars ?? {});
  const o = resolveTable(RUN_OPTIONS, sources.input, sources.names);
  const name = (key: keyof typeof RUN_OPTIONS): string => sources.names[key] ?? key;
  const security = resolveSecurity(o, sources.names);
  const registry = resolveRegistry(o, sources.names);
  checkFormat(o.format, o.sink, registry, sources.names);

  if (o.sink === 'file' && o.output === null) throw usageError(`${name('sink')} file needs ${name('output')} FILE`);
  let maxSessionSeconds = o.maxSessionSeconds;
  if (input.maxSessionSeconds === undefined && maxSessionSeconds < o.minSessionSeconds) {
    // Only a minimum was given: the default maximum rises to meet it.
    maxSessionSeconds = o.minSessionSeconds;
  }
  if (maxSessionSeconds < o.minSessionSeconds) {
    throw usageError(
      `${name('maxSessionSeconds')} (${maxSessionSeconds}) must not be below ${name('minSessionSeconds')} (${o.minSessionSeconds})`,
    );
  }
  if (o.metricsJson === '-' && o.sink === 'stdout') {
    throw usageError(`${name('metricsJson')} - writes to stdout, where this run's events go: give a file, or another sink`);
  }
  if (o.shard !== null && (o.seed === null || o.start === null)) {
    throw usageError(`${name('shard')} needs ${name('seed')} and ${name('start')}: every shard must simulate the same run`);
  }
  const faulted = o.late > 0 || o.duplicates > 0 || o.truth !== null || o.truthSessions !== null;
  if (o.workers > 1 && faulted) {
    throw usageError(
      `${name('workers')} above 1 does not combine with delivery faults or the answer key (late, duplicates, truth); use one worker per process and ${name('shard')} to spread such a run`,
    );
  }
  if (o.entities !== null) checkEntities(o, name, faulted);
  if (o.lateDelaySeconds > o.lateMaxSeconds) {
    throw usageError(
      `${name('lateDelaySeconds')} (${o.lateDelaySeconds}) must not be above ${name('lateMaxSeconds')} (${o.lateMaxSeconds})`,
    );
  }

  return Object.freeze({
    sink: o.sink,
    output: o.output,
    entities: o.entities ?? Object.freeze([]),
    kafka: Object.freeze({
      bootstrapServers: o.bootstrapServers,
      topic: topicTemplate(o.topic, o.topicPerType),
      key: o.key,
      recordTimestamp: o.recordTimestamp,
      headers: o.headers,
      retentionMs: o.retentionMs,
      acks: o.acks,
      compression: o.compression,
      batchSizeBytes: o.batchSize,
      lingerMs: o.lingerMs,
      bufferMemoryBytes: o.bufferMemory,
      partitions: o.partitions,
      replicationFactor: o.replicationFactor,
      security,
    }),
    format: o.format,
    registry,
    autoRegister: o.autoRegister,
    rate: o.generationRate,
    durationSeconds: o.durationSeconds,
    count: o.count,
    minSessionSeconds: o.minSessionSeconds,
    maxSessionSeconds,
    seed: o.seed ?? env.randomSeed(),
    seedWasRandom: o.seed === null,
    startMs: o.start ?? env.now(),
    speed: o.speed,
    timePatterns: o.timePatterns,
    userPoolSize: o.userPoolSize,
    shard: o.shard,
    workers: o.workers,
    metricsJson: o.metricsJson,
    metricsPort: o.metricsPort,
    logLevel: o.logLevel,
    progress: o.progress,
    delivery: Object.freeze({
      late: o.late,
      lateDelaySeconds: o.lateDelaySeconds,
      lateMaxSeconds: o.lateMaxSeconds,
      duplicates: o.duplicates,
      truth: o.truth,
      truthWindowSeconds: o.truthWindowSeconds,
      truthSessions: o.truthSessions,
    }),
    warnings: Object.freeze(sources.warnings),
    scenario: scenario === null ? null : scenarioConfig(scenario, input),
    printScenario: o.printScenario,
  });
}

/** The scenario made ready to run: the journey fitted to its weights, its effective text and hash. */
function scenarioConfig(s: Scenario, input: Readonly<Record<string, unknown>>): ScenarioConfig {
  const journey = s.journeyEdited
    ? fitJourney(s.shop.eventWeights, { transitions: s.transitions, startWeights: s.start, shop: s.shop })
    : { transitions: s.transitions, startWeights: s.start };
  // The run options as given (file and flags), by the names a file uses.
  const run: Record<string, unknown> = {};
  for (const [name, key] of runOptionNames()) {
    const value = input[key];
    if (value !== undefined && value !== null && key !== 'scenario' && key !== 'printScenario' && !isSecretKey(key)) run[name] = value;
  }
  const text = scenarioText(effectiveScenario(s, run, s.transitions, s.start));
  return Object.freeze({
    name: s.name,
    text,
    hash: scenarioHash(text),
    shop: s.shop,
    transitions: journey.transitions,
    startWeights: journey.startWeights,
    episodes: s.episodes,
  });
}

function isSecretKey(key: string): boolean {
  return (RUN_OPTIONS as Record<string, { secret?: boolean }>)[key]?.secret === true;
}

/** What entity streams combine with: a file or topics to go to, JSON, one thread, no delivery faults. */
function checkEntities(o: ResolvedOptionsOf<typeof RUN_OPTIONS>, name: (key: keyof typeof RUN_OPTIONS) => string, faulted: boolean): void {
  const flag = name('entities');
  if (o.sink === 'stdout') {
    throw usageError(
      `${flag} needs ${name('sink')} file or ${name('sink')} kafka (the streams go to files beside the output or to topics beside the topic), not stdout`,
    );
  }
  if (o.workers > 1) throw usageError(`${flag} needs ${name('workers')} 1; spread such a run with ${name('shard')} instead`);
  if (o.format !== 'json') throw usageError(`${flag} needs ${name('format')} json (got ${o.format})`);
  if (faulted) {
    throw usageError(
      `${flag} does not combine with delivery faults or the answer key (late, duplicates, truth): entity records are delivered before the events that use them`,
    );
  }
  const template = topicTemplate(o.topic, o.topicPerType);
  if (o.sink === 'kafka' && template.includes(EVENT_TYPE_PLACEHOLDER) && !template.endsWith(`.${EVENT_TYPE_PLACEHOLDER}`)) {
    throw usageError(
      `${flag} with a ${name('topic')} template needs it to end in .{event_type} (the entity topics are <topic>.<stream>; got ${template})`,
    );
  }
}
