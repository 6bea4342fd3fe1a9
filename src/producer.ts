import fs from 'node:fs';
import { resolveConfig, resolveTable, type OptionNames, type ProducerConfig, type ProducerOptions } from './config/options.ts';
import { RUN_OPTIONS } from './config/option-table.ts';
import { UBPError } from './errors.ts';
import { toEvent, type UserEvent } from './events/event.ts';
import { encodedEventRouting, eventRouting, topicsOf } from './sinks/kafka/event-routing.ts';
import { eventEncoder, eventSchema } from './events/formats.ts';
import { encodedEvents, type EncodedEvent } from './events/encoded.ts';
import { FaultPlan, faultsOn } from './delivery/faults.ts';
import { DeliveryStage, runWithFaults } from './delivery/stage.ts';
import { TruthRecorder, type TruthDocument, type TruthSession } from './delivery/truth.ts';
import { EventSerializer } from './events/serialize.ts';
import { silentLogger, type Logger } from './logger.ts';
import { addSnapshots, Metrics, type MetricsSnapshot } from './metrics/metrics.ts';
import { lineRecords } from './runtime/channel.ts';
import type { KafkaWorkers, LineMerge } from './runtime/workers.ts';
import { editableTransitions, type JourneyTransitions } from './model/journey.ts';
import { LANE_COUNT, shardLanes, Simulation } from './model/simulation.ts';
import { realClock, type Clock } from './runtime/clock.ts';
import { runToSink, runWithEntities, Stepper, type RunLimits, type StopReason } from './runtime/runner.ts';
import { EntityTracker } from './entities/tracker.ts';
import { withEntities, type EntityRecord } from './entities/records.ts';
import { Monitor, type Observed, type RunStatus } from './runtime/monitor.ts';
import { FdSink } from './sinks/fd.ts';
import type { DeliveryListener, RecordEncoder, Sink } from './sinks/sink.ts';
import type { EventRecord } from './model/activity.ts';

const RUN_BOUNDS = { durationSeconds: RUN_OPTIONS.durationSeconds, count: RUN_OPTIONS.count } as const;

export interface RunOptions {
  /** Simulated seconds to run (default: the configured duration, else until stopped). */
  durationSeconds?: number | null;
  /** Stop after this many events. */
  count?: number | null;
  /** Abort to stop early; everything generated is still flushed. */
  signal?: AbortSignal;
}

export interface ProducerExtras {
  logger?: Logger;
  clock?: Clock;
  /** How to name options in error messages (the CLI passes its flags). */
  optionNames?: OptionNames;
  /** Use this sink instead of the configured one; it is handed the event encoder and the listener to report deliveries to. */
  /** Run only these lanes (a worker's share; see `shardLanes`), instead of the configured shard's. */
  lanes?: readonly number[];
  /** Shares one count with other producers (workers into Kafka); see RunLimits.claim. */
  claim?: () => boolean;
  sinkFactory?: (encoder: RecordEncoder<EventRecord>, listener: DeliveryListener) => Promise<Sink<EventRecord>> | Sink<EventRecord>;
}

/**
 * A seeded generator of e-commerce user-behaviour events. One instance is one simulation:
 * `generateMessage()`, `runContinuous()` and `events()` all continue the same stream.
 */
export class UserBehaviorProducer {
  readonly config: ProducerConfig;
  private readonly sim: Simulation;
  private readonly serializer: EventSerializer;
  private readonly metrics: Metrics;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly sinkFactory: ProducerExtras['sinkFactory'];
  private readonly claim: ProducerExtras['claim'];
  /** The options as given, for workers to build their own producers from. */
  private readonly given: ProducerOptions;
  /** The lanes this producer runs (its shard's, or a worker's share). */
  readonly lanes: readonly number[];
  /** The workers of the run, when it has more than one. */
  private workers: { kind: 'lines'; merge: LineMerge } | { kind: 'kafka'; producers: KafkaWorkers } | null = null;
  private readonly transitionsView: JourneyTransitions;
  private sink: Sink<EventRecord> | null = null;
  /** With delivery faults or an answer key, events reach the sink through this stage instead. */
  private delivery: { stage: DeliveryStage; truth: TruthRecorder | null; sessionLines: string[] | null } | null = null;
  private encodedSink: Sink<EncodedEvent> | null = null;
  /** The delivery layer's encoder when a registry format is in use (set with the encoded sink). */
  private deliveryEncoder: RecordEncoder<EventRecord> | null = null;
  /** With entity streams: the sink of events and entity records, and the tracker that makes the records. */
  private entitySink: Sink<EventRecord | EntityRecord> | null = null;
  private entityTracker: EntityTracker | null = null;
  private monitor: Monitor | null = null;
  private metricsServer: { port: number; close(): Promise<void> } | null = null;
  private closed = false;

  constructor(options: ProducerOptions = {}, extras: ProducerExtras = {}) {
    this.config = resolveConfig(
      options,
      { now: () => Date.now(), randomSeed: () => Math.floor(Math.random() * 2 ** 31), vars: process.env },
      extras.optionNames,
    );
    this.logger = extras.logger ?? silentLogger;
    this.clock = extras.clock ?? realClock;
    this.sinkFactory = extras.sinkFactory;
    this.claim = extras.claim;
    this.given = options;
    for (const warning of this.config.warnings) this.logger.warn(warning);
    const c = this.config;
    this.lanes = extras.lanes ?? (c.shard === null ? shardLanes(0, 1) : shardLanes(c.shard.index, c.shard.count));
    this.sim = new Simulation({
      seed: c.seed,
      startMs: c.startMs,
      ratePerHour: c.rate,
      minSessionSeconds: c.minSessionSeconds,
      maxSessionSeconds: c.maxSessionSeconds,
      timePatterns: c.timePatterns,
      userPoolSize: c.userPoolSize,
      ...(c.scenario === null
        ? {}
        : {
            shop: c.scenario.shop,
            journeyTransitions: structuredClone(c.scenario.transitions),
            startWeights: { ...c.scenario.startWeights },
            episodes: c.scenario.episodes,
          }),
      // With workers, the lanes run in them: this simulation only answers questions about the shop.
      lanes: c.workers > 1 ? [] : this.lanes,
    });
    this.serializer = new EventSerializer(this.sim.instanceTag, this.sim.model);
    this.metrics = new Metrics();
    this.transitionsView = editableTransitions(
      this.sim.journeyTransitions,
      () => this.sim.journeyChanged(),
      (row) => this.logger.warn(`journeyTransitions.${row} sums above 1; its probabilities are scaled down to fit`),
    );
  }

  /** The seed of this run (drawn at random when none was given). */
  get seed(): number {
    return this.config.seed;
  }

  /** Sessions in progress. */
  get activeSessions(): number {
    return this.sim.activeSessions;
  }

  /** The model, for inspection (rates, pool, compiled journey). */
  get simulation(): Simulation {
    return this.sim;
  }

  /**
   * journeyTransitions[current][next]: probability of the next event type; the rest of a row
   * is the chance the session ends. Editing a cell changes the events generated after it.
   */
  get journeyTransitions(): JourneyTransitions {
    return this.transitionsView;
  }

  /** The next event of the simulation, as an object (does not touch the sink). */
  generateMessage(): UserEvent {
    this.oneThread('generateMessage()');
    const rec = this.sim.next();
    this.metrics.generated(rec.type, rec.timeMs);
    return toEvent(rec, this.sim.instanceTag, this.sim.model);
  }

  /** The next event as its JSON text: the same bytes the sinks receive. */
  generateJson(): string {
    this.oneThread('generateJson()');
    const rec = this.sim.next();
    this.metrics.generated(rec.type, rec.timeMs);
    return this.serializer.serialize(rec);
  }

  /**
   * Generate and deliver events to the sink, paced by `speed`, until the duration or count
   * is reached or the signal aborts; then flush. Resolves with the metrics.
   */
  async runContinuous(options: RunOptions = {}): Promise<MetricsSnapshot & { stopReason: StopReason }> {
    if (this.closed) throw new UBPError('CONFIG', 'this producer is closed');
    const limits = this.limits(options);
    if (this.config.metricsPort !== null) await this.serveMetrics(this.config.metricsPort);
    if (this.config.workers > 1) return this.runWorkers(limits, options.signal);
    const sink = this.config.entities.length > 0 ? await this.openEntitySink() : await this.openSink();
    this.monitor?.stop();
    const sim = this.sim;
    this.monitor = new Monitor(
      {
        metrics: this.metrics,
        get activeSessions() {
          return sim.activeSessions;
        },
        peekTimeMs: () => sim.peekTimeMs(),
        effectiveRatePerHour: (t) => this.rateAt(t),
        ratePerHour: this.config.rate,
      },
      this.clock,
      limits,
    );
    try {
      const stepper = new Stepper(sim, this.metrics, this.logger, limits, this.clock);
      let stopReason: StopReason;
      if (sink.kind === 'plain') {
        stopReason = await runToSink(stepper, sink.sink, options.signal);
        await sink.sink.flush();
      } else if (sink.kind === 'entities') {
        this.entityTracker ??= new EntityTracker(this.config.entities, this.config.seed, this.config.startMs);
        stopReason = await runWithEntities(stepper, this.entityTracker, sink.sink, limits.endMs, options.signal);
        await sink.sink.flush();
      } else {
        const delivery = this.deliveryStage();
        stopReason = await runWithFaults(stepper, delivery.stage, sink.sink, options.signal);
        await sink.sink.flush();
        this.writeTruth(delivery.truth, delivery.sessionLines);
      }
      return { ...this.getMetrics(), stopReason };
    } finally {
      this.monitor.stop();
    }
  }

  /**
   * The run on `config.workers` threads (see runtime/workers.ts): one run per producer, as the
   * workers start their lanes from the beginning.
   */
  private async runWorkers(limits: RunLimits, signal: AbortSignal | undefined): Promise<MetricsSnapshot & { stopReason: StopReason }> {
    if (this.workers !== null || this.sim.eventsEmitted > 0) {
      throw new UBPError('CONFIG', 'a producer with workers runs once, from its start; make a new one for another run');
    }
    if (this.sinkFactory) throw new UBPError('CONFIG', 'workers write to the built-in sinks (stdout, file, kafka), not to a sinkFactory');
    const c = this.config;
    const lanes = this.lanes;
    const { KafkaWorkers, LineMerge, runLinesUnpaced } = await import('./runtime/workers.ts');
    if (c.sink === 'kafka') {
      const options: ProducerOptions = {
        ...this.given,
        seed: c.seed,
        start: c.startMs,
        workers: 1,
        shard: null,
        metricsPort: null,
        metricsJson: null,
        progress: false,
      };
      const duration = Number.isFinite(limits.endMs) ? (limits.endMs - c.startMs) / 1000 : null;
      const count = Number.isFinite(limits.count) ? limits.count : null;
      const producers = new KafkaWorkers(options, lanes, c.workers, duration, count, this.logger);
      this.workers = { kind: 'kafka', producers };
      // Progress and --metrics-port read the workers' figures, added up (this thread counts nothing itself).
      const snapshot = (): MetricsSnapshot => this.getMetrics();
      this.monitor = this.startMonitor(limits, {
        activeSessions: () => snapshot().activeSessions,
        peekTimeMs: () => producers.peekTimeMs(),
        counts: {
          get eventsGenerated() {
            return snapshot().eventsGenerated;
          },
          get messagesSent() {
            return snapshot().messagesSent;
          },
          get lastEventMs() {
            const t = snapshot().simulatedTime;
            return t === null ? Number.NaN : Date.parse(t);
          },
        },
      });
      try {
        await producers.finished(limits.signal ?? signal);
      } finally {
        this.monitor.stop();
        await producers.close();
      }
      const stopReason: StopReason = signal?.aborted
        ? 'signal'
        : count !== null && this.getMetrics().eventsGenerated >= count
          ? 'count'
          : 'duration';
      return { ...this.getMetrics(), stopReason };
    }
    const model = {
      ...this.sim.options,
      journeyTransitions: this.sim.journeyTransitions,
      startWeights: this.sim.startWeights,
      lanes,
      built: this.sim.built,
    };
    const merge = new LineMerge(model, c.workers, limits.endMs, this.logger);
    this.workers = { kind: 'lines', merge };
    const sink = c.sink === 'stdout' ? FdSink.stdout(lineRecords, this.metrics) : FdSink.file(c.output!, lineRecords, this.metrics);
    this.monitor = this.startMonitor(limits, { activeSessions: () => merge.activeSessions, peekTimeMs: () => merge.peekTimeMs() });
    try {
      const stopReason = Number.isFinite(limits.speed)
        ? await runToSink(new Stepper(merge, this.metrics, this.logger, limits, this.clock), sink, signal)
        : await runLinesUnpaced(merge, sink, limits, this.metrics);
      await sink.flush();
      return { ...this.getMetrics(), stopReason };
    } finally {
      this.monitor.stop();
      await merge.close();
      await sink.close();
    }
  }

  private oneThread(what: string): void {
    if (this.config.workers > 1)
      throw new UBPError('CONFIG', `${what} runs on one thread: make the producer with workers: 1 (workers serve runContinuous)`);
  }

  private startMonitor(
    limits: RunLimits,
    source: { activeSessions(): number; peekTimeMs(): number; counts?: Observed['metrics'] },
  ): Monitor {
    this.monitor?.stop();
    return new Monitor(
      {
        metrics: source.counts ?? this.metrics,
        get activeSessions() {
          return source.activeSessions();
        },
        peekTimeMs: () => source.peekTimeMs(),
        effectiveRatePerHour: (t) => this.rateAt(t),
        ratePerHour: this.config.rate,
      },
      this.clock,
      limits,
    );
  }

  /**
   * The events as an async iterable, paced by `speed` (no sink involved).
   * `for await (const event of producer.events({ count: 100 })) …`
   */
  async *events(options: RunOptions = {}): AsyncGenerator<UserEvent, void, undefined> {
    this.oneThread('events()');
    const stepper = new Stepper(this.sim, this.metrics, this.logger, this.limits(options), this.clock);
    for (;;) {
      let gate = stepper.gate();
      if (gate !== undefined) {
        if (typeof gate !== 'string') gate = await gate;
        if (gate !== undefined) return;
      }
      yield toEvent(stepper.take(), this.sim.instanceTag, this.sim.model);
      // The consumer ran between events: it may have aborted.
      if (options.signal?.aborted) return;
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<UserEvent, void, undefined> {
    return this.events();
  }

  getMetrics(): MetricsSnapshot {
    const w = this.workers;
    if (w?.kind === 'kafka') return addSnapshots(w.producers.snapshots(), this.metrics.elapsedSeconds, this.config.seed);
    if (w?.kind === 'lines') {
      return this.metrics.snapshot({
        activeSessions: w.merge.activeSessions,
        sessionsStarted: w.merge.sessionsStarted,
        usersCreated: w.merge.usersCreated,
        usersInPool: w.merge.usersInPool,
        seed: this.config.seed,
      });
    }
    return this.metrics.snapshot({
      activeSessions: this.sim.activeSessions,
      sessionsStarted: this.sim.sessionCount,
      usersCreated: this.sim.usersCreated,
      usersInPool: this.sim.usersInPool,
      seed: this.config.seed,
    });
  }

  /** Rates, lag and progress of the run in progress (or the last one); null before any run. */
  status(): RunStatus | null {
    return this.monitor?.status() ?? null;
  }

  /** The port of the Prometheus endpoint, once it is serving. */
  get metricsPort(): number | null {
    return this.metricsServer?.port ?? null;
  }

  /** Serve Prometheus metrics on 127.0.0.1:port (0 = any free port). Idempotent. */
  async serveMetrics(port: number): Promise<number> {
    if (this.metricsServer) return this.metricsServer.port;
    // Loaded on demand: prom-client is the heaviest module, and most runs do not serve metrics.
    const { createRegistry, serveMetrics } = await import('./metrics/prometheus.ts');
    const registry = createRegistry({
      snapshot: () => this.getMetrics(),
      status: () => this.status(),
      onRequest: (observe) => this.metrics.requestObservers.push(observe),
    });
    this.metricsServer = await serveMetrics(registry, port);
    this.logger.info(`Prometheus metrics on http://127.0.0.1:${this.metricsServer.port}/metrics`, { metricsPort: this.metricsServer.port });
    return this.metricsServer.port;
  }

  /** Effective event rate (per hour) at the simulation's current time, time patterns included. */
  effectiveRatePerHour(): number {
    return this.rateAt(this.sim.eventsEmitted === 0 ? this.config.startMs : this.sim.peekTimeMs());
  }

  /** This producer's expected rate at a simulated time: its lanes' share of the shop's. */
  private rateAt(utcMs: number): number {
    return (this.sim.shopRatePerHour(utcMs) * this.lanes.length) / LANE_COUNT;
  }

  /** Flush and close the sink. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.monitor?.stop();
    try {
      if (this.sink) await this.sink.close();
      if (this.encodedSink) await this.encodedSink.close();
      if (this.entitySink) await this.entitySink.close();
    } finally {
      await this.metricsServer?.close();
    }
  }

  /** A bounded run covers [start, start + duration) of simulated time from where it begins. */
  private limits(options: RunOptions): RunLimits {
    // Checked by the same rows as the producer's own options.
    const given = resolveTable(RUN_BOUNDS, { durationSeconds: options.durationSeconds, count: options.count });
    const duration = options.durationSeconds === undefined ? this.config.durationSeconds : given.durationSeconds;
    const count = options.count === undefined ? this.config.count : given.count;
    const first = this.sim.eventsEmitted === 0 ? this.config.startMs : this.sim.peekTimeMs();
    const runStart = this.sim.eventsEmitted === 0 ? this.config.startMs : first;
    return {
      startMs: first,
      endMs: duration === null ? Infinity : runStart + duration * 1000,
      count: count === null ? Infinity : count,
      speed: this.config.speed,
      signal: options.signal,
      claim: this.claim,
    };
  }

  /** Whether events go through the delivery layer: only when a fault or an answer key asks for it. */
  private get delivered(): boolean {
    const d = this.config.delivery;
    return faultsOn(d) || d.truth !== null || d.truthSessions !== null;
  }

  private async openSink(): Promise<{ kind: 'plain'; sink: Sink<EventRecord> } | { kind: 'encoded'; sink: Sink<EncodedEvent> }> {
    if (!this.delivered) {
      this.sink ??= await this.createSink();
      return { kind: 'plain', sink: this.sink };
    }
    this.encodedSink ??= await this.createEncodedSink();
    return { kind: 'encoded', sink: this.encodedSink };
  }

  /** The sink of a run with entity streams: the events and the entity records, to files or topics. */
  private async openEntitySink(): Promise<{ kind: 'entities'; sink: Sink<EventRecord | EntityRecord> }> {
    if (this.entitySink === null) {
      if (this.sinkFactory) throw new UBPError('CONFIG', 'entity streams need one of the built-in sinks (file, kafka), not a sinkFactory');
      const c = this.config;
      if (c.sink === 'file') {
        const { EntityFilesSink } = await import('./sinks/entity-files.ts');
        this.entitySink = new EntityFilesSink(c.output!, this.serializer, c.entities, this.metrics);
      } else if (c.sink === 'kafka') {
        const { createKafkaSink } = await import('./sinks/kafka/sink.ts');
        const { withEntityTopics } = await import('./sinks/kafka/event-routing.ts');
        const routing = withEntityTopics(eventRouting(c.kafka, c.format), c.kafka, c.entities);
        const sink = await createKafkaSink(c.kafka, withEntities(this.serializer), routing, this.metrics, this.logger);
        if (c.kafka.recordTimestamp === 'event') {
          this.warnAboutRetention(sink.retentionMs);
          this.warnAboutDeduplication(sink.producerIdExpirationMs);
        }
        this.entitySink = sink;
      } else {
        throw new UBPError('CONFIG', 'entity streams go to files or topics: use the file or kafka sink');
      }
    }
    return { kind: 'entities', sink: this.entitySink };
  }

  private deliveryStage(): NonNullable<UserBehaviorProducer['delivery']> {
    if (this.delivery) return this.delivery;
    const d = this.config.delivery;
    const sessionLines: string[] | null = d.truthSessions === null ? null : [];
    const onSession = sessionLines === null ? null : (s: TruthSession) => void sessionLines.push(JSON.stringify(s));
    const truth = d.truth !== null || d.truthSessions !== null ? new TruthRecorder(d.truthWindowSeconds, onSession) : null;
    const stage = new DeliveryStage(
      new FaultPlan(d, this.config.seed),
      this.deliveryEncoder ?? this.serializer,
      this.sim.instanceTag,
      truth,
    );
    this.delivery = { stage, truth, sessionLines };
    return this.delivery;
  }

  /** The answer key of what has been delivered so far (null unless --truth or --truth-sessions is set). */
  truth(): TruthDocument | null {
    return this.delivery?.truth?.document() ?? null;
  }

  /** Events held back by the delivery layer now, and the most held at once. */
  deliveryStats(): { held: number; maxHeld: number } {
    return { held: this.delivery?.stage.heldCount ?? 0, maxHeld: this.delivery?.stage.maxHeld ?? 0 };
  }

  private writeTruth(truth: TruthRecorder | null, sessionLines: string[] | null): void {
    if (truth === null) return;
    const d = this.config.delivery;
    const write = (file: string, text: string, flag: string): void => {
      try {
        fs.writeFileSync(file, text, { flag });
      } catch (err) {
        throw new UBPError('SINK_WRITE', `cannot write ${file}: ${(err as Error).message}`, { cause: err });
      }
    };
    if (d.truthSessions !== null && sessionLines !== null) {
      truth.endSessions();
      write(d.truthSessions, sessionLines.map((l) => l + '\n').join(''), 'w');
    }
    if (d.truth !== null) write(d.truth, JSON.stringify(truth.document()) + '\n', 'w');
  }

  private async createEncodedSink(): Promise<Sink<EncodedEvent>> {
    if (this.sinkFactory)
      throw new UBPError(
        'CONFIG',
        'delivery faults and the answer key need one of the built-in sinks (stdout, file, kafka), not a sinkFactory',
      );
    if (this.config.sink === 'stdout') return FdSink.stdout(encodedEvents, this.metrics);
    if (this.config.sink === 'file') return FdSink.file(this.config.output!, encodedEvents, this.metrics);
    const { createKafkaSink } = await import('./sinks/kafka/sink.ts');
    const kafka = this.config.kafka;
    // A registry format: events are kept as their wire bytes while held (schemas registered first).
    this.deliveryEncoder = await this.registryEncoder();
    const sink = await createKafkaSink(kafka, encodedEvents, encodedEventRouting(kafka, this.config.format), this.metrics, this.logger);
    if (kafka.recordTimestamp === 'event') {
      this.warnAboutRetention(sink.retentionMs);
      this.warnAboutDeduplication(sink.producerIdExpirationMs);
    }
    return sink;
  }

  /**
   * The encoder of a registry format: its schema registered (or, with --no-auto-register, looked
   * up) under each topic's `<topic>-value` subject first, so a registry that is down or refuses
   * the schema stops the run before anything is sent.
   */
  private async registryEncoder(): Promise<RecordEncoder<EventRecord>> {
    const { format, registry, autoRegister, kafka } = this.config;
    if (format === 'json' || registry === null) return this.serializer;
    const { SchemaRegistryClient, valueSubject } = await import('./sinks/kafka/schema-registry.ts');
    const client = new SchemaRegistryClient(registry);
    const schema = eventSchema(format);
    const topics = topicsOf(kafka.topic);
    const ids: number[] = [];
    for (const topic of topics) {
      const subject = valueSubject(topic);
      const id = autoRegister ? await client.register(subject, schema) : await client.lookup(subject, schema);
      ids.push(id);
      this.logger.info(`${format}: ${schema.file} is schema id ${id} of subject ${subject} at ${registry.url}`, { subject, schemaId: id });
    }
    return eventEncoder(format, this.sim.instanceTag, ids.length > 1 ? (rec) => ids[rec.type]! : () => ids[0]!, this.sim.model);
  }

  private async createSink(): Promise<Sink<EventRecord>> {
    const encoder = await this.registryEncoder();
    if (this.sinkFactory) return this.sinkFactory(encoder, this.metrics);
    if (this.config.sink === 'stdout') return FdSink.stdout(encoder, this.metrics);
    if (this.config.sink === 'file') return FdSink.file(this.config.output!, encoder, this.metrics);
    // Loaded only for Kafka runs: stdout and file runs never pay for the client.
    const { createKafkaSink } = await import('./sinks/kafka/sink.ts');
    const kafka = this.config.kafka;
    const sink = await createKafkaSink(kafka, encoder, eventRouting(kafka, this.config.format), this.metrics, this.logger);
    if (kafka.recordTimestamp === 'event') {
      this.warnAboutRetention(sink.retentionMs);
      this.warnAboutDeduplication(sink.producerIdExpirationMs);
    }
    return sink;
  }

  /**
   * A broker keeps a producer's de-duplication state for producer.id.expiration.ms, measured
   * against record timestamps, and rebuilds it after a restart: records with event times
   * older than that lose idempotence's protection against a re-sent batch (seen as duplicates
   * in a backfill through a broker restart).
   */
  private warnAboutDeduplication(expirationMs: number): void {
    if (this.config.kafka.acks !== 'all') return;
    const ageMs = Date.now() - this.sim.peekTimeMs();
    if (ageMs <= expirationMs) return;
    this.logger.warn(
      `the run's events are older than the cluster keeps producer state (producer.id.expiration.ms ${expirationMs}) and records carry their events' times: ` +
        'if a broker restarts or a leader moves mid-run, a re-sent batch can be written twice. For an exactly-once backfill use --record-timestamp send',
      { producerIdExpirationMs: expirationMs },
    );
  }

  /**
   * Records carry their events' times: a topic deletes those older than its retention.ms
   * within minutes, so a backfill that starts further back than that would vanish.
   */
  private warnAboutRetention(retention: ReadonlyMap<string, number | null>): void {
    const ageMs = Date.now() - this.sim.peekTimeMs();
    const short = [...retention].filter(([, ms]) => ms !== null && ms >= 0 && ageMs > ms) as [string, number][];
    if (short.length === 0) return;
    const days = (n: number): string => `${(n / 86_400_000).toFixed(1)} days`;
    const keep = Math.min(...short.map(([, ms]) => ms));
    const topics = short.length === 1 ? `topic ${short[0]![0]} keeps` : `${short.length} topics (${short.map(([t]) => t).join(', ')}) keep`;
    this.logger.warn(
      `the run starts ${days(ageMs)} ago, but ${topics} records for ${days(keep)} (retention.ms ${keep}) and records carry their events' times: ` +
        'the broker will delete the older ones within minutes. Use a topic with a longer retention (--retention-ms for one the tool creates, -1 = forever), ' +
        'a later --start, or --record-timestamp send',
      { topics: short.map(([t]) => t), retentionMs: keep },
    );
  }
}
