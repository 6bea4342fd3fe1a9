import type { EventSerializer } from '../events/serialize.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { EventRecord } from '../model/activity.ts';
import type { Sink } from '../sinks/sink.ts';
import { dueAt, yieldToEventLoop, type Clock } from './clock.ts';

/** Where events come from: the simulation (or anything with the same two methods). */
export interface EventSource {
  peekTimeMs(): number;
  next(): EventRecord;
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
}

export type StopReason = 'duration' | 'count' | 'signal';

const ACTIVE_SESSIONS_EVERY_MS = 5 * 60 * 1000;
/** How far behind schedule a paced run may fall before it says it cannot keep up. */
const LAG_WARNING_MS = 2000;

/**
 * Pull events from the model, serialize them and hand them to the sink, paced from an
 * absolute schedule: the event simulated at time t is due at wallStart + (t − start) / speed.
 * Pacing decides only when events leave, never what they are.
 */
export async function runToSink(
  source: EventSource,
  sink: Sink,
  serializer: EventSerializer,
  metrics: Metrics,
  logger: Logger,
  limits: RunLimits,
  clock: Clock,
): Promise<StopReason> {
  const paced = Number.isFinite(limits.speed);
  const wallStart = clock.now();
  let nextReport = limits.startMs + ACTIVE_SESSIONS_EVERY_MS;
  let emitted = 0;
  let warnedLag = false;
  const reportLevel = paced ? 'info' : 'debug';
  const signal = limits.signal;
  const usesKeys = sink.usesKeys !== false;
  if (signal?.aborted) return 'signal';
  for (let i = 1; ; i++) {
    if (emitted >= limits.count) return 'count';
    const t = source.peekTimeMs();
    if (t >= limits.endMs) return 'duration';
    if (paced) {
      const due = dueAt(wallStart, limits.startMs, limits.speed, t);
      const wait = due - clock.now();
      if (wait > 1) {
        await clock.sleep(wait, signal);
        if (signal?.aborted) return 'signal';
        continue;
      }
      if (!warnedLag && -wait > LAG_WARNING_MS) {
        warnedLag = true;
        const achieved = emitted / Math.max(0.001, (clock.now() - wallStart) / 1000);
        logger.warn(`cannot achieve target rate: running ${Math.round(-wait)} ms behind schedule, achieved ${Math.round(achieved)} events/s`, {
          achievedEventsPerSecond: Math.round(achieved),
        });
      }
    }
    // Let signals and I/O through now and then, even when nothing makes us wait.
    // (A signal can only arrive while we wait, so that is when to look.)
    if ((i & 4095) === 0) {
      await yieldToEventLoop();
      if (signal?.aborted) return 'signal';
    }
    const rec = source.next();
    emitted++;
    metrics.generated(rec.type, rec.timeMs);
    const more = sink.writeWith ? sink.writeWith(serializer, rec, rec.type) : sink.write(usesKeys ? rec.session.id : '', serializer.serialize(rec), rec.type);
    if (!more) {
      await sink.ready();
      if (signal?.aborted) return 'signal';
    }
    while (rec.timeMs >= nextReport) {
      logger[reportLevel](`active sessions: ${source.activeSessions}`, { activeSessions: source.activeSessions, simulatedTime: new Date(nextReport).toISOString() });
      nextReport += ACTIVE_SESSIONS_EVERY_MS;
    }
  }
}
