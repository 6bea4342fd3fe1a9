import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { EventRecord } from '../model/activity.ts';
import type { Sink } from '../sinks/sink.ts';
import { dueAt, yieldToEventLoop, type Clock } from './clock.ts';

/** What the stepper needs of an event: its type and time. */
export interface Stepped {
  readonly type: number;
  readonly timeMs: number;
}

/** Where events come from: the simulation, or the merge of workers' streams. */
export interface EventSource<R extends Stepped = EventRecord> {
  /**
   * Undefined when `peekTimeMs` and `next` can answer now; otherwise a promise to wait for
   * first (the merge waiting for a worker's next batch).
   */
  ready?(): Promise<void> | undefined;
  peekTimeMs(): number;
  next(): R;
  readonly activeSessions: number;
}

export interface RunLimits {
  /** Simulated start of the run (Unix ms): the pacing origin. */
  readonly startMs: number;
  /** Stop before the first event at or after this simulated time. */
  readonly endMs: number;
  /** Stop after this many events. */
  readonly count: number;
  /** Simulated seconds per wall second; Infinity = no waiting. */
  readonly speed: number;
  readonly signal?: AbortSignal | undefined;
  /**
   * Asked once per event before it is taken, when several producers share one count
   * (workers into Kafka): false = the count is used up.
   */
  readonly claim?: (() => boolean) | undefined;
}

export type StopReason = 'duration' | 'count' | 'signal';

/**
 * What `Stepper.gate()` says: undefined = take the next event now; a StopReason = the run is
 * over; a promise = wait, then it resolves to what gate() says after the wait.
 */
export type Gate = StopReason | undefined | Promise<StopReason | undefined>;

const ACTIVE_SESSIONS_EVERY_MS = 5 * 60 * 1000;
/** How far behind schedule a paced run may fall before it says it cannot keep up. */
const LAG_WARNING_MS = 2000;

/**
 * The one run loop's rules, for every consumer of the stream (the sink runner and the
 * library's async iterator): when the run stops (count, duration, signal), when the next
 * event is due — from an absolute schedule, the event simulated at t leaves at
 * wallStart + (t − start) / speed — and what is counted and reported per event.
 * Pacing decides only when events leave, never what they are.
 */
export class Stepper<R extends Stepped = EventRecord> {
  private readonly source: EventSource<R>;
  private readonly metrics: Metrics;
  private readonly logger: Logger;
  private readonly limits: RunLimits;
  private readonly clock: Clock;
  private readonly paced: boolean;
  private readonly wallStart: number;
  private readonly reportLevel: 'info' | 'debug';
  private nextReport: number;
  private emitted = 0;
  private polls = 0;
  private warnedLag = false;

  constructor(source: EventSource<R>, metrics: Metrics, logger: Logger, limits: RunLimits, clock: Clock) {
    this.source = source;
    this.metrics = metrics;
    this.logger = logger;
    this.limits = limits;
    this.clock = clock;
    this.paced = Number.isFinite(limits.speed);
    this.wallStart = clock.now();
    this.reportLevel = this.paced ? 'info' : 'debug';
    this.nextReport = limits.startMs + ACTIVE_SESSIONS_EVERY_MS;
  }

  /** May the next event be taken? Synchronous unless the caller has to wait. */
  gate(): Gate {
    const { limits } = this;
    // A stop signal is looked for only after a wait: that is the only time one can arrive.
    if (this.emitted >= limits.count) return 'count';
    const waiting = this.source.ready?.();
    if (waiting !== undefined) return waiting.then(() => (limits.signal?.aborted ? 'signal' : this.gate()));
    const t = this.source.peekTimeMs();
    if (t >= limits.endMs) return 'duration';
    if (this.paced) {
      const wait = dueAt(this.wallStart, limits.startMs, limits.speed, t) - this.clock.now();
      if (wait > 1) return this.clock.sleep(wait, limits.signal).then(() => (limits.signal?.aborted ? 'signal' : this.gate()));
      if (!this.warnedLag && -wait > LAG_WARNING_MS) this.warnLag(-wait);
    }
    // Let signals and I/O through now and then, even when nothing makes us wait.
    if ((++this.polls & 4095) === 0) return yieldToEventLoop().then(() => (limits.signal?.aborted ? 'signal' : this.claim()));
    return this.claim();
  }

  private claim(): StopReason | undefined {
    return this.limits.claim === undefined || this.limits.claim() ? undefined : 'count';
  }

  /** The next event; call only after gate() said so. */
  take(): R {
    const rec = this.source.next();
    this.emitted++;
    this.metrics.generated(rec.type, rec.timeMs);
    while (rec.timeMs >= this.nextReport) {
      const active = this.source.activeSessions;
      this.logger[this.reportLevel](`active sessions: ${active}`, {
        activeSessions: active,
        simulatedTime: new Date(this.nextReport).toISOString(),
      });
      this.nextReport += ACTIVE_SESSIONS_EVERY_MS;
    }
    return rec;
  }

  private warnLag(behindMs: number): void {
    this.warnedLag = true;
    const achieved = this.emitted / Math.max(0.001, (this.clock.now() - this.wallStart) / 1000);
    this.logger.warn(
      `cannot achieve target rate: running ${Math.round(behindMs)} ms behind schedule, achieved ${Math.round(achieved)} events/s`,
      {
        achievedEventsPerSecond: Math.round(achieved),
      },
    );
  }
}

/**
 * Hand events to the sink as the stepper allows, waiting for the sink when it is full. The
 * other run loops are this one with a sink in front that writes more than the event.
 */
export async function runToSink<R extends Stepped>(
  stepper: Stepper<R>,
  sink: Pick<Sink<R>, 'write' | 'ready'>,
  signal?: AbortSignal,
): Promise<StopReason> {
  if (signal?.aborted) return 'signal';
  for (;;) {
    let gate = stepper.gate();
    if (gate !== undefined) {
      if (typeof gate !== 'string') gate = await gate;
      if (gate !== undefined) return gate;
    }
    if (!sink.write(stepper.take())) {
      await sink.ready();
      if (signal?.aborted) return 'signal';
    }
  }
}

/** What the run loop needs of the entity tracker (src/entities/tracker.ts). */
export interface EntitySource<R, X> {
  /** The records to deliver before `rec`. */
  observe(rec: R): readonly X[];
  /** The records due by `endMs`, at the end of the run. */
  finish(endMs: number): readonly X[];
  readonly lastEventMs: number;
}

/**
 * `runToSink` with entity records: before each event, the records it is the first to need.
 * At the end, those due by the end of the run (the duration's end, or the last event when the
 * run stopped otherwise); later ones are never sent.
 */
export async function runWithEntities<R extends Stepped, X>(
  stepper: Stepper<R>,
  entities: EntitySource<R, X>,
  sink: Sink<R | X>,
  endMs: number,
  signal?: AbortSignal,
): Promise<StopReason> {
  const withEntities = {
    write: (rec: R): boolean => {
      let more = true;
      for (const x of entities.observe(rec)) more = sink.write(x) && more;
      return sink.write(rec) && more;
    },
    ready: () => sink.ready(),
  };
  const reason = await runToSink(stepper, withEntities, signal);
  // A duration covers [start, end): a step at the end itself belongs to the next run.
  const end = reason === 'duration' ? endMs - 1 : entities.lastEventMs;
  for (const x of entities.finish(end)) sink.write(x);
  return reason;
}
