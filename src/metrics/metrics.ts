import { EVENT_TYPES, type EventType } from '../model/event-types.ts';
import type { DeliveryListener } from '../sinks/sink.ts';
import { ENTITY_STREAMS, ENTITY_TAG, type EntityStream } from '../entities/records.ts';

/** The in-process view of a run's numbers (`getMetrics()`, `--metrics-json`). */
export interface MetricsSnapshot {
  messagesSent: number;
  messagesFailed: number;
  bytesSent: number;
  /** Percent of finished deliveries that succeeded (100 when nothing finished yet). */
  successRate: number;
  activeSessions: number;
  eventsGenerated: number;
  eventsByType: Record<EventType, number>;
  sentByType: Record<EventType, number>;
  failedByType: Record<EventType, number>;
  sessionsStarted: number;
  usersCreated: number;
  usersInPool: number;
  /** Entity records delivered and lost, per stream (`--entities`; not in the message counts above). */
  entitiesSent: Record<EntityStream, number>;
  entitiesFailed: Record<EntityStream, number>;
  /** Simulated time of the latest event, ISO 8601 (null before the first). */
  simulatedTime: string | null;
  elapsedSeconds: number;
  /** Delivered events per wall second over the whole run. */
  eventsPerSecond: number;
  seed: number;
}

/** Counters of a run. It is the sinks' DeliveryListener: only real deliveries count as sent. */
export class Metrics implements DeliveryListener {
  messagesSent = 0;
  messagesFailed = 0;
  bytesSent = 0;
  eventsGenerated = 0;
  readonly byType = new Float64Array(EVENT_TYPES.length);
  readonly sentByType = new Float64Array(EVENT_TYPES.length);
  readonly failedByType = new Float64Array(EVENT_TYPES.length);
  readonly entitiesSent = new Float64Array(ENTITY_STREAMS.length);
  readonly entitiesFailed = new Float64Array(ENTITY_STREAMS.length);
  lastEventMs = Number.NaN;
  /** Listeners for Kafka request durations (the Prometheus histogram). */
  readonly requestObservers: Array<(seconds: number) => void> = [];
  private readonly startedAt = performance.now();

  generated(type: number, timeMs: number): void {
    this.eventsGenerated++;
    this.byType[type]!++;
    this.lastEventMs = timeMs;
  }

  /** `count` events generated at once, their types in `types[at, at + count)`, the last at `lastTimeMs`. */
  generatedRun(count: number, types: Uint8Array, at: number, lastTimeMs: number): void {
    this.eventsGenerated += count;
    for (let i = at, end = at + count; i < end; i++) this.byType[types[i]!]!++;
    this.lastEventMs = lastTimeMs;
  }

  /** bytesSent counts every record's value bytes, entity records included; messagesSent counts events only. */
  delivered(count: number, bytes: number, byTag?: ArrayLike<number>): void {
    this.messagesSent += count - entityCount(byTag, this.entitiesSent);
    this.bytesSent += bytes;
    if (byTag) for (let t = 0; t < EVENT_TYPES.length; t++) this.sentByType[t]! += byTag[t]!;
  }

  /** Counted only: the sink that failed says why (a Kafka sink logs each kind of failure once, a file sink throws). */
  failed(count: number, _error: Error, byTag?: ArrayLike<number>): void {
    this.messagesFailed += count - entityCount(byTag, this.entitiesFailed);
    if (byTag) for (let t = 0; t < EVENT_TYPES.length; t++) this.failedByType[t]! += byTag[t]!;
  }

  requestCompleted(seconds: number): void {
    for (const observe of this.requestObservers) observe(seconds);
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  snapshot(extra: {
    activeSessions: number;
    sessionsStarted: number;
    usersCreated: number;
    usersInPool: number;
    seed: number;
  }): MetricsSnapshot {
    const finished = this.messagesSent + this.messagesFailed;
    const elapsed = this.elapsedSeconds;
    const byName = (counts: Float64Array): Record<EventType, number> => {
      const out = {} as Record<EventType, number>;
      EVENT_TYPES.forEach((t, i) => {
        out[t] = counts[i]!;
      });
      return out;
    };
    return {
      messagesSent: this.messagesSent,
      messagesFailed: this.messagesFailed,
      bytesSent: this.bytesSent,
      successRate: finished === 0 ? 100 : (100 * this.messagesSent) / finished,
      activeSessions: extra.activeSessions,
      eventsGenerated: this.eventsGenerated,
      eventsByType: byName(this.byType),
      sentByType: byName(this.sentByType),
      failedByType: byName(this.failedByType),
      sessionsStarted: extra.sessionsStarted,
      usersCreated: extra.usersCreated,
      usersInPool: extra.usersInPool,
      entitiesSent: byStream(this.entitiesSent),
      entitiesFailed: byStream(this.entitiesFailed),
      simulatedTime: Number.isNaN(this.lastEventMs) ? null : new Date(this.lastEventMs).toISOString(),
      elapsedSeconds: Math.round(elapsed * 1000) / 1000,
      eventsPerSecond: elapsed > 0 ? Math.round(this.messagesSent / elapsed) : 0,
      seed: extra.seed,
    };
  }
}

/** The figures of several producers (the workers of one run) as one: counts added, the latest time. */
export function addSnapshots(parts: readonly MetricsSnapshot[], elapsedSeconds: number, seed: number): MetricsSnapshot {
  const sum = (f: (m: MetricsSnapshot) => number): number => parts.reduce((n, m) => n + f(m), 0);
  const byType = (f: (m: MetricsSnapshot) => Record<EventType, number>): Record<EventType, number> => {
    const out = {} as Record<EventType, number>;
    for (const t of EVENT_TYPES) out[t] = sum((m) => f(m)[t]);
    return out;
  };
  const sent = sum((m) => m.messagesSent);
  const failed = sum((m) => m.messagesFailed);
  const times = parts.map((m) => m.simulatedTime).filter((t): t is string => t !== null);
  return {
    messagesSent: sent,
    messagesFailed: failed,
    bytesSent: sum((m) => m.bytesSent),
    successRate: sent + failed === 0 ? 100 : (100 * sent) / (sent + failed),
    activeSessions: sum((m) => m.activeSessions),
    eventsGenerated: sum((m) => m.eventsGenerated),
    eventsByType: byType((m) => m.eventsByType),
    sentByType: byType((m) => m.sentByType),
    failedByType: byType((m) => m.failedByType),
    sessionsStarted: sum((m) => m.sessionsStarted),
    usersCreated: sum((m) => m.usersCreated),
    usersInPool: sum((m) => m.usersInPool),
    entitiesSent: byStream(ENTITY_STREAMS.map((s) => sum((m) => m.entitiesSent[s]))),
    entitiesFailed: byStream(ENTITY_STREAMS.map((s) => sum((m) => m.entitiesFailed[s]))),
    simulatedTime: times.sort().at(-1) ?? null,
    elapsedSeconds: Math.round(elapsedSeconds * 1000) / 1000,
    eventsPerSecond: elapsedSeconds > 0 ? Math.round(sent / elapsedSeconds) : 0,
    seed,
  };
}

/** Adds the entity records among `byTag` to `into` (by stream) and returns how many there were. */
function entityCount(byTag: ArrayLike<number> | undefined, into: Float64Array): number {
  if (byTag === undefined || byTag.length <= ENTITY_TAG) return 0;
  let n = 0;
  for (let s = 0; s < ENTITY_STREAMS.length; s++) {
    const c = byTag[ENTITY_TAG + s]!;
    into[s]! += c;
    n += c;
  }
  return n;
}

function byStream(counts: ArrayLike<number>): Record<EntityStream, number> {
  const out = {} as Record<EntityStream, number>;
  ENTITY_STREAMS.forEach((s, i) => {
    out[s] = counts[i]!;
  });
  return out;
}
