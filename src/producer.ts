import { randomInt } from 'node:crypto';
import { resolveConfig, type ProducerConfig, type ProducerOptions } from './config/options.ts';
import { UBPError, usageError } from './errors.ts';
import { toEvent, type UserEvent } from './events/event.ts';
import { EventSerializer } from './events/serialize.ts';
import { silentLogger, type Logger } from './logger.ts';
import { Metrics, type MetricsSnapshot } from './metrics/metrics.ts';
import { EVENT_TYPES, type EventType } from './model/event-types.ts';
import type { JourneyTransitions } from './model/journey.ts';
import { Simulation } from './model/simulation.ts';
import { dueAt, realClock, yieldToEventLoop, type Clock } from './runtime/clock.ts';
import { runToSink, type StopReason } from './runtime/runner.ts';
import { Monitor, type RunStatus } from './runtime/monitor.ts';
import { FdSink } from './sinks/fd.ts';
import type { Sink } from './sinks/sink.ts';

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
  optionNames?: Partial<Record<keyof ProducerOptions, string>>;
  /** Use this sink instead of the configured one. */
  sinkFactory?: (listener: Metrics) => Promise<Sink> | Sink;
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
  private readonly transitionsView: JourneyTransitions;
  private sink: Sink | null = null;
  private monitor: Monitor | null = null;
  private metricsServer: { port: number; close(): Promise<void> } | null = null;
  private closed = false;

  constructor(options: ProducerOptions = {}, extras: ProducerExtras = {}) {
    this.config = resolveConfig(options, { now: () => Date.now(), randomSeed: () => randomInt(0, 2 ** 31) }, extras.optionNames);
    this.logger = extras.logger ?? silentLogger;
    this.clock = extras.clock ?? realClock;
    this.sinkFactory = extras.sinkFactory;
    const c = this.config;
    this.sim = new Simulation({
      seed: c.seed,
      startMs: c.startMs,
      ratePerHour: c.rate,
      minSessionSeconds: c.minSessionSeconds,
      maxSessionSeconds: c.maxSessionSeconds,
      timePatterns: c.timePatterns,
      userPoolSize: c.userPoolSize,
    });
    this.serializer = new EventSerializer(this.sim.instanceTag);
    this.metrics = new Metrics(this.logger);
    this.transitionsView = this.watchTransitions();
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
    const rec = this.sim.next();
    this.metrics.generated(rec.type, rec.timeMs);
    return toEvent(rec, this.sim.instanceTag);
  }

  /** The next event as its JSON text: the same bytes the sinks receive. */
  generateJson(): string {
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
    const duration = options.durationSeconds === undefined ? this.config.durationSeconds : options.durationSeconds;
    if (duration !== null && !(duration > 0)) throw usageError(`durationSeconds must be a positive number of simulated seconds (got ${duration})`);
    const count = options.count === undefined ? this.config.count : options.count;
    if (this.config.metricsPort !== null) await this.serveMetrics(this.config.metricsPort);
    const sink = await this.openSink();
    const from = this.sim.peekTimeMs();
    const limits = {
      startMs: from,
      endMs: duration === null ? Infinity : this.runStartMs(from) + duration * 1000,
      count: count === null ? Infinity : count,
      speed: this.config.speed,
      signal: options.signal,
    };
    this.monitor?.stop();
    const sim = this.sim;
    this.monitor = new Monitor(
      {
        metrics: this.metrics,
        get activeSessions() {
          return sim.activeSessions;
        },
        peekTimeMs: () => sim.peekTimeMs(),
        effectiveRatePerHour: (t) => sim.effectiveRatePerHour(t),
        ratePerHour: this.config.rate,
      },
      this.clock,
      limits,
    );
    try {
      const stopReason = await runToSink(this.sim, sink, this.serializer, this.metrics, this.logger, limits, this.clock);
      await sink.flush();
      return { ...this.getMetrics(), stopReason };
    } finally {
      this.monitor.stop();
    }
  }

  /**
   * The events as an async iterable, paced by `speed` (no sink involved).
   * `for await (const event of producer.events({ count: 100 })) …`
   */
  async *events(options: RunOptions = {}): AsyncGenerator<UserEvent, void, undefined> {
    const duration = options.durationSeconds === undefined ? this.config.durationSeconds : options.durationSeconds;
    const count = options.count === undefined ? this.config.count : options.count;
    const first = this.sim.peekTimeMs();
    const endMs = duration === null ? Infinity : this.runStartMs(first) + duration * 1000;
    const wallStart = this.clock.now();
    for (let n = 0; count === null || n < count; n++) {
      if (options.signal?.aborted) return;
      const t = this.sim.peekTimeMs();
      if (t >= endMs) return;
      if (Number.isFinite(this.config.speed)) {
        const wait = dueAt(wallStart, first, this.config.speed, t) - this.clock.now();
        if (wait > 1) await this.clock.sleep(wait, options.signal);
      } else if ((n & 4095) === 4095) await yieldToEventLoop();
      if (options.signal?.aborted) return;
      yield this.generateMessage();
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<UserEvent, void, undefined> {
    return this.events();
  }

  getMetrics(): MetricsSnapshot {
    return this.metrics.snapshot({
      activeSessions: this.sim.activeSessions,
      sessionsStarted: this.sim.sessionCount,
      usersCreated: this.sim.pool.usersCreated,
      usersInPool: this.sim.pool.size,
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
    return this.sim.effectiveRatePerHour(this.sim.peekTimeMs());
  }

  /** Flush and close the sink. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.monitor?.stop();
    try {
      if (this.sink) await this.sink.close();
    } finally {
      await this.metricsServer?.close();
    }
  }

  /** A bounded run covers [start, start + duration) of simulated time from where it begins. */
  private runStartMs(firstEventMs: number): number {
    return this.sim.eventsEmitted === 0 ? this.config.startMs : firstEventMs;
  }

  private async openSink(): Promise<Sink> {
    this.sink ??= await this.createSink();
    return this.sink;
  }

  private async createSink(): Promise<Sink> {
    if (this.sinkFactory) return this.sinkFactory(this.metrics);
    if (this.config.sink === 'stdout') return FdSink.stdout(this.metrics);
    if (this.config.sink === 'file') return FdSink.file(this.config.output!, this.metrics);
    // Loaded only for Kafka runs: stdout and file runs never pay for the client.
    const { createKafkaSink } = await import('./sinks/kafka.ts');
    const k = this.config.kafka;
    return createKafkaSink(
      {
        bootstrapServers: [...k.bootstrapServers],
        topic: k.topic,
        clientId: 'user-behavior-producer',
        acks: k.acks,
        idempotent: k.acks === 'all',
        compression: k.compression,
        batchSizeBytes: k.batchSizeBytes,
        lingerMs: k.lingerMs,
        bufferMemoryBytes: k.bufferMemoryBytes,
        partitions: k.partitions,
        replicationFactor: k.replicationFactor,
      },
      this.metrics,
      this.logger,
    );
  }

  /** Proxies that validate edits and rebuild the model's sampling tables at once. */
  private watchTransitions(): JourneyTransitions {
    const sim = this.sim;
    const logger = this.logger;
    const rows = new Map<string, object>();
    const isType = (k: string | symbol): k is EventType => typeof k === 'string' && (EVENT_TYPES as readonly string[]).includes(k);
    const rowProxy = (from: EventType): object =>
      new Proxy(sim.journeyTransitions[from], {
        set(row, to, value) {
          if (!isType(to)) throw usageError(`journeyTransitions.${from}: unknown event type ${String(to)}; use one of ${EVENT_TYPES.join(', ')}`);
          if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
            throw usageError(`journeyTransitions.${from}.${to} must be a probability from 0 to 1 (got ${JSON.stringify(value)})`);
          }
          row[to] = value;
          const compiled = sim.journeyChanged();
          if (compiled.normalizedRows.includes(from)) logger.warn(`journeyTransitions.${from} sums above 1; its probabilities are scaled down to fit`);
          return true;
        },
        deleteProperty(row, to) {
          delete row[to as EventType];
          sim.journeyChanged();
          return true;
        },
      });
    return new Proxy(sim.journeyTransitions, {
      get(target, from) {
        if (!isType(from)) return Reflect.get(target, from);
        let row = rows.get(from);
        if (!row) rows.set(from, (row = rowProxy(from)));
        return row;
      },
      set(_target, from) {
        throw usageError(`journeyTransitions.${String(from)} cannot be replaced; set its entries instead`);
      },
    });
  }
}
