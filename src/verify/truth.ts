import fs from 'node:fs';
import type { TruthDocument, TruthWindow } from '../delivery/truth.ts';
import { UBPError } from '../errors.ts';

/** What the answer key needs from each record read back. */
export interface KeyedEvent {
  event_id?: unknown;
  event_type?: unknown;
  timestamp?: unknown;
  session_id?: unknown;
  user_id?: unknown;
  event_data?: { order_value?: unknown };
}

interface WindowSeen {
  events: Map<string, number>;
  sessions: Set<string>;
  users: Set<string>;
  purchases: number;
  revenueCents: number;
}

const MAX_EXAMPLES = 5;

/** Read and shape-check an answer key (`--truth FILE` of a run). */
export function loadTruth(file: string): TruthDocument {
  let doc: TruthDocument;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as TruthDocument;
  } catch (err) {
    throw new UBPError('USAGE', `verify: --truth ${file} is not a readable answer key (${(err as Error).message.split('\n')[0]})`);
  }
  if (
    typeof doc?.window_seconds !== 'number' ||
    !Array.isArray(doc.windows) ||
    !Array.isArray(doc.faults?.late) ||
    !Array.isArray(doc.faults?.duplicates)
  ) {
    throw new UBPError('USAGE', `verify: --truth ${file} is not an answer key (it needs window_seconds, windows and faults)`);
  }
  return doc;
}

/**
 * Holds a run read back against its answer key: the distinct events per window, the repeated
 * event ids, and the events seen arriving after later ones. A fault the key lists is expected;
 * only one it does not list (or one it lists that did not happen) is a failure.
 */
export class TruthCheck {
  readonly doc: TruthDocument;
  private readonly windowMs: number;
  private readonly windows = new Map<number, WindowSeen>();
  private readonly listedDuplicates: Map<string, number>;
  private readonly listedLate: Set<string>;
  private readonly repeats = new Map<string, number>();
  /** Latest timestamp read so far per partition (or the file), to see events arrive late. */
  private readonly latestByPartition = new Map<number, number>();
  private lateSeen = 0;
  readonly unlistedLate: string[] = [];
  private unlistedLateCount = 0;

  constructor(doc: TruthDocument) {
    this.doc = doc;
    this.windowMs = doc.window_seconds * 1000;
    this.listedDuplicates = new Map();
    for (const id of doc.faults.duplicates) this.listedDuplicates.set(id, (this.listedDuplicates.get(id) ?? 0) + 1);
    this.listedLate = new Set(doc.faults.late.map((l) => l.event_id));
  }

  /** Is a repeat of this id one the key lists? Counts it either way. */
  repeat(id: string): boolean {
    const n = (this.repeats.get(id) ?? 0) + 1;
    this.repeats.set(id, n);
    return n <= (this.listedDuplicates.get(id) ?? 0);
  }

  /** The first copy of an event, read from `partition` (0 for a file). */
  add(event: KeyedEvent, partition: number, timeMs: number, where: string): void {
    const latest = this.latestByPartition.get(partition);
    if (latest !== undefined && timeMs < latest) {
      this.lateSeen++;
      if (!this.listedLate.has(String(event.event_id))) {
        this.unlistedLateCount++;
        if (this.unlistedLate.length < MAX_EXAMPLES) {
          this.unlistedLate.push(
            `${where}: ${String(event.event_id)} (${String(event.timestamp)}) arrives after ${new Date(latest).toISOString()} and is not listed late`,
          );
        }
      }
    } else this.latestByPartition.set(partition, timeMs);
    const index = Math.floor(timeMs / this.windowMs);
    let w = this.windows.get(index);
    if (w === undefined)
      this.windows.set(index, (w = { events: new Map(), sessions: new Set(), users: new Set(), purchases: 0, revenueCents: 0 }));
    const type = String(event.event_type);
    w.events.set(type, (w.events.get(type) ?? 0) + 1);
    w.sessions.add(String(event.session_id));
    w.users.add(String(event.user_id));
    if (type === 'complete_checkout') {
      w.purchases++;
      w.revenueCents += Math.round(Number(event.event_data?.order_value) * 100);
    }
  }

  /** Listed duplicates that were not delivered twice. */
  missingDuplicates(): string[] {
    const out: string[] = [];
    for (const [id, n] of this.listedDuplicates) if ((this.repeats.get(id) ?? 0) < n) out.push(id);
    return out;
  }

  get lateStats(): { listed: number; seen: number; unlisted: number } {
    return { listed: this.listedLate.size, seen: this.lateSeen, unlisted: this.unlistedLateCount };
  }

  /** Windows whose distinct events differ from the key, described. */
  windowMismatches(): { count: number; examples: string[] } {
    const key = new Map<number, TruthWindow>();
    for (const w of this.doc.windows) key.set(Math.floor(Date.parse(w.start) / this.windowMs), w);
    let count = 0;
    const examples: string[] = [];
    for (const index of new Set([...key.keys(), ...this.windows.keys()])) {
      const want = key.get(index);
      const got = this.windows.get(index);
      const diff = describe(want, got);
      if (diff === null) continue;
      count++;
      if (examples.length < MAX_EXAMPLES) examples.push(`window ${new Date(index * this.windowMs).toISOString()}: ${diff}`);
    }
    return { count, examples };
  }
}

function describe(want: TruthWindow | undefined, got: WindowSeen | undefined): string | null {
  if (want === undefined) return `not in the key, ${sum(got!.events)} events read`;
  if (got === undefined) return `${sum(new Map(Object.entries(want.events)))} events in the key, none read`;
  const diffs: string[] = [];
  for (const type of new Set([...Object.keys(want.events), ...got.events.keys()])) {
    const a = want.events[type] ?? 0;
    const b = got.events.get(type) ?? 0;
    if (a !== b) diffs.push(`${type} ${a} in the key, ${b} read`);
  }
  if (want.sessions !== got.sessions.size) diffs.push(`sessions ${want.sessions} in the key, ${got.sessions.size} read`);
  if (want.users !== got.users.size) diffs.push(`users ${want.users} in the key, ${got.users.size} read`);
  if (want.purchases !== got.purchases) diffs.push(`purchases ${want.purchases} in the key, ${got.purchases} read`);
  if (Math.round(want.revenue * 100) !== got.revenueCents) diffs.push(`revenue ${want.revenue} in the key, ${got.revenueCents / 100} read`);
  return diffs.length === 0 ? null : diffs.join('; ');
}

function sum(m: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}
