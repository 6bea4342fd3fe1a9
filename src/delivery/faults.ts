import type { EventRecord } from '../model/activity.ts';
import { normal } from '../model/distributions.ts';
import { SeedSource, type Rng } from '../model/rng.ts';
import type { Session } from '../model/session.ts';

/** What may go wrong with delivery; all zero = the clean stream. */
export interface DeliveryFaults {
  /** Share of events delivered late, 0–1. */
  readonly late: number;
  /** Median time a device stays offline (seconds of simulated time). */
  readonly lateDelaySeconds: number;
  /** The longest delay. */
  readonly lateMaxSeconds: number;
  /** Share of events delivered a second time, 0–1. */
  readonly duplicates: number;
}

export const NO_FAULTS: DeliveryFaults = Object.freeze({ late: 0, lateDelaySeconds: 30, lateMaxSeconds: 3600, duplicates: 0 });

export function faultsOn(f: DeliveryFaults): boolean {
  return f.late > 0 || f.duplicates > 0;
}

/**
 * Spread of the offline time around its median (log space). 1.5 puts the 90th percentile at
 * about 7× the median and the 99th at about 33×: most devices come back soon, a few much later.
 */
const DELAY_SIGMA = 1.5;
/** A retrying upstream sends its second copy after a timeout: median 2 s, at most a minute. */
const RETRY_MEDIAN_MS = 2000;
const RETRY_SIGMA = 1;
export const RETRY_MAX_MS = 60_000;
/** Events an offline spell is expected to cover before any has been seen. */
const PRIOR_EVENTS_PER_SPELL = 2;

/**
 * Which events are delivered late or twice, and by how much: decisions only (no events are
 * changed or kept here). Its random streams are its own, forked from the run's seed, so turning
 * faults on does not shift a single draw of the model, and late and duplicate decisions do not
 * shift each other.
 *
 * Lateness follows a device going offline: an event of an online session starts an offline
 * spell with a heavy-tailed length; every event of that session until the device is back is
 * held, and all of them arrive together, in their order, when it reconnects. So a late event
 * drags the rest of its session (or the part of it inside the spell) with it, and a session
 * is never reordered by lateness. The chance of starting a spell is set from the spells seen so
 * far so that the share of late events comes out at `late`.
 */
export class FaultPlan {
  private readonly faults: DeliveryFaults;
  private readonly lateRng: Rng;
  private readonly dupRng: Rng;
  private readonly lateMaxMs: number;
  private readonly logMedianMs: number;
  /** Sessions whose device is offline, and when it is back. */
  private readonly offline = new Map<Session, number>();
  private lateEvents = 0;
  private spells = 0;

  constructor(faults: DeliveryFaults, seed: number) {
    const seeds = new SeedSource(seed);
    this.faults = faults;
    this.lateRng = seeds.fork('delivery.late');
    this.dupRng = seeds.fork('delivery.duplicates');
    this.lateMaxMs = faults.lateMaxSeconds * 1000;
    this.logMedianMs = Math.log(faults.lateDelaySeconds * 1000);
  }

  /** Sessions offline right now. */
  get offlineSessions(): number {
    return this.offline.size;
  }

  /** How long this event is held back (ms of simulated time; 0 = on time). Call once per event, in order. */
  lateness(rec: EventRecord): number {
    const f = this.faults.late;
    if (f === 0) return 0;
    const session = rec.session;
    const back = this.offline.get(session);
    if (back !== undefined) {
      if (rec.timeMs < back) {
        if (rec.last) this.offline.delete(session);
        this.lateEvents++;
        return back - rec.timeMs;
      }
      this.offline.delete(session);
    }
    // Late events L, online events 1 − L each start a spell with chance p, a spell holds m
    // events: L = (1 − L)·p·m.
    const perSpell = this.spells === 0 ? PRIOR_EVENTS_PER_SPELL : this.lateEvents / this.spells;
    const p = f >= 1 ? 1 : f / ((1 - f) * perSpell);
    if (this.lateRng.next() >= p) return 0;
    const delay = Math.max(1, Math.min(this.lateMaxMs, Math.round(Math.exp(this.logMedianMs + DELAY_SIGMA * normal(this.lateRng)))));
    this.spells++;
    this.lateEvents++;
    if (!rec.last) this.offline.set(session, rec.timeMs + delay);
    return delay;
  }

  /** How long after this event's delivery a second copy follows, or -1 for none. Call once per event, in order. */
  duplicateLag(): number {
    const f = this.faults.duplicates;
    if (f === 0 || this.dupRng.next() >= f) return -1;
    return Math.max(1, Math.min(RETRY_MAX_MS, Math.round(RETRY_MEDIAN_MS * Math.exp(RETRY_SIGMA * normal(this.dupRng)))));
  }
}
