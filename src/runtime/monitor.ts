import type { Metrics } from '../metrics/metrics.ts';
import type { RunStatus } from '../metrics/status.ts';

export type { RunStatus };
import type { Clock } from './clock.ts';

export interface Observed {
  readonly metrics: Pick<Metrics, 'eventsGenerated' | 'messagesSent' | 'lastEventMs'>;
  readonly activeSessions: number;
  peekTimeMs(): number;
  effectiveRatePerHour(utcMs: number): number;
  readonly ratePerHour: number;
}

export interface Bounds {
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  readonly speed: number;
}

/** Samples a running run once a second to turn counters into rates, lag and ETA. */
export class Monitor {
  private readonly source: Observed;
  private readonly clock: Clock;
  private readonly bounds: Bounds;
  private readonly wallStart: number;
  private readonly startCount: number;
  private readonly samples: Array<{ wall: number; sent: number }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(source: Observed, clock: Clock, bounds: Bounds) {
    this.source = source;
    this.clock = clock;
    this.bounds = bounds;
    this.wallStart = clock.now();
    this.startCount = source.metrics.eventsGenerated;
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  status(): RunStatus {
    const m = this.source.metrics;
    const now = this.clock.now();
    const simNow = m.lastEventMs;
    const next = this.source.peekTimeMs();
    const paced = Number.isFinite(this.bounds.speed);
    const ratePerHour = this.source.effectiveRatePerHour(Number.isNaN(simNow) ? this.bounds.startMs : simNow);
    const first = this.samples[0]!;
    const wallSpan = (now - first.wall) / 1000;
    const achievedRate = wallSpan > 0.2 ? (m.messagesSent - first.sent) / wallSpan : 0;
    const expectedSim = this.bounds.startMs + (now - this.wallStart) * this.bounds.speed;
    let done: number | null = null;
    let etaSeconds: number | null = null;
    const generated = m.eventsGenerated - this.startCount;
    const elapsed = (now - this.wallStart) / 1000;
    if (Number.isFinite(this.bounds.count)) {
      done = Math.min(1, generated / this.bounds.count);
    }
    if (Number.isFinite(this.bounds.endMs) && !Number.isNaN(simNow)) {
      const byTime = Math.min(1, (simNow - this.bounds.startMs) / (this.bounds.endMs - this.bounds.startMs));
      done = done === null ? byTime : Math.max(done, byTime);
    }
    if (done !== null && done > 0) {
      // A paced run bounded by time ends on schedule; anything else, at the pace so far.
      const onSchedule = paced && Number.isFinite(this.bounds.endMs) && !Number.isFinite(this.bounds.count);
      etaSeconds = onSchedule ? Math.max(0, (this.bounds.endMs - expectedSim) / this.bounds.speed / 1000) : (elapsed * (1 - done)) / done;
    }
    return {
      eventsGenerated: m.eventsGenerated,
      messagesSent: m.messagesSent,
      activeSessions: this.source.activeSessions,
      simulatedTimeMs: simNow,
      achievedRate,
      targetRate: paced ? (ratePerHour / 3600) * this.bounds.speed : Infinity,
      multiplier: ratePerHour / this.source.ratePerHour,
      lagSeconds: paced ? Math.max(0, expectedSim - next) / 1000 : 0,
      done,
      etaSeconds,
    };
  }

  private sample(): void {
    this.samples.push({ wall: this.clock.now(), sent: this.source.metrics.messagesSent });
    // Rates over the last five seconds or so.
    if (this.samples.length > 6) this.samples.shift();
  }
}
