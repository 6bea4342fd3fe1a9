import { EVENT_TYPES, type EventType } from '../model/event-types.ts';
import type { DeliveryListener } from '../sinks/sink.ts';

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
  lastEventMs = Number.NaN;
  /** Listeners for Kafka request durations (the Prometheus histogram). */
  readonly requestObservers: Array<(seconds: number) => void> = [];
  private readonly startedAt = performance.now();

  generated(type: number, timeMs: number): void {
    this.eventsGenerated++;
    this.byType[type]!++;
    this.lastEventMs = timeMs;
  }

  delivered(count: number, bytes: number, byTag?: ArrayLike<number>): void {
    this.messagesSent += count;
    this.bytesSent += bytes;
    if (byTag) for (let t = 0; t < EVENT_TYPES.length; t++) this.sentByType[t]! += byTag[t]!;
  }

  /** Counted only: the sink that failed says why (a Kafka sink logs each kind of failure once, a file sink throws). */
  failed(count: number, _error: Error, byTag?: ArrayLike<number>): void {
    this.messagesFailed += count;
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
      simulatedTime: Number.isNaN(this.lastEventMs) ? null : new Date(this.lastEventMs).toISOString(),
      elapsedSeconds: Math.round(elapsed * 1000) / 1000,
      eventsPerSecond: elapsed > 0 ? Math.round(this.messagesSent / elapsed) : 0,
      seed: extra.seed,
    };
  }
}
