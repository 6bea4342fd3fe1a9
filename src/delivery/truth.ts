import type { EventRecord } from '../model/activity.ts';
import { EVENT_TYPES, T, TYPE_COUNT } from '../model/event-types.ts';
import type { Session } from '../model/session.ts';

export interface TruthWindow {
  /** Start of the tumbling event-time window, ISO 8601 UTC. */
  start: string;
  events: Record<string, number>;
  sessions: number;
  users: number;
  purchases: number;
  revenue: number;
}

export interface TruthDocument {
  window_seconds: number;
  /** Windows that hold at least one event, in time order. */
  windows: TruthWindow[];
  /** `bots`: sessions of a bot wave's crawlers (scenario episodes), which the events do not mark. */
  faults: { late: { event_id: string; delay_ms: number }[]; duplicates: string[]; bots: string[] };
  totals: {
    /** Distinct events. */
    events: number;
    /** Records delivered: the events plus their second copies. */
    records: number;
    events_by_type: Record<string, number>;
    sessions: number;
    users: number;
    purchases: number;
    revenue: number;
    late: number;
    duplicates: number;
    bot_sessions: number;
    first_event: string | null;
    last_event: string | null;
  };
}

/** One line of `--truth-sessions`: a session as delivered. */
export interface TruthSession {
  session_id: string;
  user_id: string;
  start: string;
  end: string;
  events: number;
  converted: boolean;
  revenue: number;
  /** False when the run stopped before the session's last event. */
  ended: boolean;
  /** A crawler of a bot wave, not a shopper. */
  bot: boolean;
}

interface OpenWindow {
  index: number;
  events: number[];
  sessions: Set<Session>;
  users: Set<string>;
  purchases: number;
  revenueCents: number;
}

interface OpenSession {
  events: number;
  endMs: number;
  purchases: number;
  revenueCents: number;
}

/**
 * The answer key: what a correct consumer of the run computes. Fed every distinct event once,
 * in generation order (which is event-time order, so only one window is open at a time), and
 * the faults as they are decided. Pure bookkeeping: the caller writes the document.
 */
export class TruthRecorder {
  private readonly windowMs: number;
  private readonly windows: TruthWindow[] = [];
  private open: OpenWindow | null = null;
  private readonly users = new Set<string>();
  private readonly byType = new Array<number>(TYPE_COUNT).fill(0);
  private readonly late: { event_id: string; delay_ms: number }[] = [];
  private readonly duplicates: string[] = [];
  private readonly bots: string[] = [];
  private readonly onSession: ((line: TruthSession) => void) | null;
  private readonly openSessions = new Map<Session, OpenSession>();
  private events = 0;
  private sessions = 0;
  private readonly openAtStart = new WeakSet<Session>();
  private purchases = 0;
  private revenueCents = 0;
  private firstMs = NaN;
  private lastMs = NaN;

  /** `onSession` hears of each session when its last event is recorded (and of open ones at `endSessions`). */
  constructor(windowSeconds: number, onSession: ((line: TruthSession) => void) | null = null) {
    this.windowMs = windowSeconds * 1000;
    this.onSession = onSession;
  }

  /** One distinct event, before the next one is made. */
  add(rec: EventRecord): void {
    const t = rec.timeMs;
    const index = Math.floor(t / this.windowMs);
    let w = this.open;
    if (w === null || w.index !== index) {
      if (w !== null) this.close(w);
      w = this.open = {
        index,
        events: new Array<number>(TYPE_COUNT).fill(0),
        sessions: new Set(),
        users: new Set(),
        purchases: 0,
        revenueCents: 0,
      };
    }
    const session = rec.session;
    const userId = session.user.id;
    w.events[rec.type]!++;
    w.sessions.add(session);
    w.users.add(userId);
    this.byType[rec.type]!++;
    this.users.add(userId);
    this.events++;
    if (Number.isNaN(this.firstMs)) this.firstMs = t;
    if (rec.index === 1) this.newSession(session);
    else if (rec.session.startMs < this.firstMs && !this.openAtStart.has(rec.session)) {
      // A session already open when the run began (the warm start): counted at its first event here.
      this.openAtStart.add(rec.session);
      this.newSession(session);
    }
    this.lastMs = t;
    const purchase = rec.type === T.COMPLETE_CHECKOUT;
    const revenueCents = rec.type === T.COMPLETE_CHECKOUT ? rec.orderValueCents : 0;
    if (purchase) {
      w.purchases++;
      w.revenueCents += revenueCents;
      this.purchases++;
      this.revenueCents += revenueCents;
    }
    if (this.onSession !== null) this.trackSession(rec);
  }

  private newSession(session: Session): void {
    this.sessions++;
    if (session.bot) this.bots.push(session.id);
  }

  lateDelivery(eventId: string, delayMs: number): void {
    this.late.push({ event_id: eventId, delay_ms: delayMs });
  }

  duplicate(eventId: string): void {
    this.duplicates.push(eventId);
  }

  /** Report the sessions still open (the run stopped in the middle of them). */
  endSessions(): void {
    for (const [session, s] of this.openSessions) this.emitSession(session, s, false);
    this.openSessions.clear();
  }

  document(): TruthDocument {
    const windows = this.open === null ? this.windows : [...this.windows, windowOf(this.open, this.windowMs)];
    const iso = (ms: number): string | null => (Number.isNaN(ms) ? null : new Date(ms).toISOString());
    return {
      window_seconds: this.windowMs / 1000,
      windows,
      faults: { late: this.late, duplicates: this.duplicates, bots: this.bots },
      totals: {
        events: this.events,
        records: this.events + this.duplicates.length,
        events_by_type: countsByType(this.byType),
        sessions: this.sessions,
        users: this.users.size,
        purchases: this.purchases,
        revenue: this.revenueCents / 100,
        late: this.late.length,
        duplicates: this.duplicates.length,
        bot_sessions: this.bots.length,
        first_event: iso(this.firstMs),
        last_event: iso(this.lastMs),
      },
    };
  }

  private close(w: OpenWindow): void {
    this.windows.push(windowOf(w, this.windowMs));
  }

  private trackSession(rec: EventRecord): void {
    const session = rec.session;
    let s = this.openSessions.get(session);
    if (s === undefined) this.openSessions.set(session, (s = { events: 0, endMs: 0, purchases: 0, revenueCents: 0 }));
    s.events++;
    s.endMs = rec.timeMs;
    if (rec.type === T.COMPLETE_CHECKOUT) {
      s.purchases++;
      s.revenueCents += rec.orderValueCents;
    }
    if (rec.last) {
      this.openSessions.delete(session);
      this.emitSession(session, s, true);
    }
  }

  private emitSession(session: Session, s: OpenSession, ended: boolean): void {
    this.onSession!({
      session_id: session.id,
      user_id: session.user.id,
      start: new Date(session.startMs).toISOString(),
      end: new Date(s.endMs).toISOString(),
      events: s.events,
      converted: s.purchases > 0,
      revenue: s.revenueCents / 100,
      ended,
      bot: session.bot,
    });
  }
}

function countsByType(counts: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let t = 0; t < TYPE_COUNT; t++) if (counts[t]! > 0) out[EVENT_TYPES[t]!] = counts[t]!;
  return out;
}

function windowOf(w: OpenWindow, windowMs: number): TruthWindow {
  return {
    start: new Date(w.index * windowMs).toISOString(),
    events: countsByType(w.events),
    sessions: w.sessions.size,
    users: w.users.size,
    purchases: w.purchases,
    revenue: w.revenueCents / 100,
  };
}
