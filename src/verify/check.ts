import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';

/** One record as read back: from a topic (with partition and key) or a line of a file. */
export interface ReadBack {
  value: string;
  key?: string | null;
  partition?: number;
  /** Offset in the partition, or line number in a file. */
  position: bigint | number;
}

export type CheckName = 'count' | 'duplicates' | 'split_sessions' | 'order' | 'gaps' | 'schema' | 'keys';

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  count: number;
  /** One sentence with the numbers. */
  detail: string;
  examples: string[];
}

export interface VerifyReport {
  source: string;
  records: number;
  uniqueEvents: number;
  sessions: number;
  expected: number | null;
  ok: boolean;
  checks: CheckResult[];
}

/** Schema of the events, as shipped with the package. */
export function loadValidator(): ValidateFunction {
  for (const up of ['../../schema/event.schema.json', '../../../schema/event.schema.json']) {
    const url = new URL(up, import.meta.url);
    if (fs.existsSync(url)) return new Ajv2020({ strict: true, allErrors: false }).compile(JSON.parse(fs.readFileSync(url, 'utf8')));
  }
  throw new Error('schema/event.schema.json not found next to the package');
}

interface SessionSeen {
  partition: number;
  /** Highest events_in_session seen, and its timestamp. */
  index: number;
  timeMs: number;
  /** Distinct events seen: fewer than `index` at the end means the session skips some. */
  seen: number;
  split: boolean;
}

const MAX_EXAMPLES = 5;

/**
 * Checks a run read back record by record, in the order of each partition (or file). Keeps a
 * set of event ids and one small entry per session, so millions of records fit in memory.
 */
export class RunVerifier {
  private readonly validate: ValidateFunction;
  private readonly eventIds = new Set<string>();
  private readonly sessions = new Map<string, SessionSeen>();
  private records = 0;
  private readonly found: Record<CheckName, { count: number; examples: string[] }> = {
    count: { count: 0, examples: [] },
    duplicates: { count: 0, examples: [] },
    split_sessions: { count: 0, examples: [] },
    order: { count: 0, examples: [] },
    gaps: { count: 0, examples: [] },
    schema: { count: 0, examples: [] },
    keys: { count: 0, examples: [] },
  };

  constructor(validate: ValidateFunction = loadValidator()) {
    this.validate = validate;
  }

  private problem(check: CheckName, example: string): void {
    const f = this.found[check];
    f.count++;
    if (f.examples.length < MAX_EXAMPLES) f.examples.push(example);
  }

  add(record: ReadBack): void {
    this.records++;
    const where = record.partition === undefined ? `line ${record.position}` : `partition ${record.partition} offset ${record.position}`;
    let event: {
      event_id?: unknown; session_id?: unknown; timestamp?: unknown;
      session_info?: { events_in_session?: unknown };
    };
    try {
      event = JSON.parse(record.value);
    } catch {
      this.problem('schema', `${where}: not JSON`);
      return;
    }
    const valid: boolean = this.validate(event);
    if (!valid) {
      const e = this.validate.errors?.[0];
      this.problem('schema', `${where}: ${e ? `${e.instancePath || '/'} ${e.message}` : 'invalid'}`);
      if (typeof event !== 'object' || event === null || typeof event.event_id !== 'string' || typeof event.session_id !== 'string') return;
    }
    const id = event.event_id as string;
    if (this.eventIds.has(id)) {
      // A repeat is one problem, not also an ordering one.
      this.problem('duplicates', `${where}: event_id ${id} seen before`);
      return;
    }
    this.eventIds.add(id);

    const sessionId = event.session_id as string;
    if (record.key !== undefined && record.key !== sessionId) this.problem('keys', `${where}: key ${record.key} is not the session_id ${sessionId}`);
    const index = Number(event.session_info?.events_in_session);
    const timeMs = Date.parse(String(event.timestamp));
    const partition = record.partition ?? 0;
    const seen = this.sessions.get(sessionId);
    if (seen === undefined) {
      this.sessions.set(sessionId, { partition, index, timeMs, seen: 1, split: false });
      return;
    }
    seen.seen++;
    if (seen.partition !== partition) {
      if (!seen.split) this.problem('split_sessions', `session ${sessionId} is in partitions ${seen.partition} and ${partition}`);
      seen.split = true;
    } else if (index <= seen.index || timeMs < seen.timeMs) {
      this.problem('order', `${where}: session ${sessionId} event ${index} (${event.timestamp}) after event ${seen.index}`);
    }
    if (index > seen.index) {
      seen.index = index;
      seen.timeMs = Math.max(seen.timeMs, timeMs);
    }
  }

  report(source: string, expected: number | null): VerifyReport {
    for (const [id, s] of this.sessions) {
      if (s.seen < s.index) this.problem('gaps', `session ${id} has ${s.seen} of events 1–${s.index}`);
    }
    const unique = this.eventIds.size;
    if (expected !== null && unique !== expected) {
      this.found.count.count = Math.abs(expected - unique);
      this.found.count.examples = [unique < expected ? `${expected - unique} events missing` : `${unique - expected} events more than expected`];
    }
    const f = this.found;
    const checks: CheckResult[] = [
      {
        check: 'count', ok: f.count.count === 0, count: f.count.count, examples: f.count.examples,
        detail: expected === null ? `${unique} distinct events (no expected count given; pass --metrics-json)` : `${unique} distinct events, ${expected} expected`,
      },
      { check: 'duplicates', ok: f.duplicates.count === 0, count: f.duplicates.count, examples: f.duplicates.examples, detail: `${f.duplicates.count} records repeat an event_id` },
      { check: 'split_sessions', ok: f.split_sessions.count === 0, count: f.split_sessions.count, examples: f.split_sessions.examples, detail: `${f.split_sessions.count} sessions are in more than one partition` },
      { check: 'order', ok: f.order.count === 0, count: f.order.count, examples: f.order.examples, detail: `${f.order.count} events come before an earlier event of their session` },
      { check: 'gaps', ok: f.gaps.count === 0, count: f.gaps.count, examples: f.gaps.examples, detail: `${f.gaps.count} sessions skip events (events_in_session jumps)` },
      { check: 'schema', ok: f.schema.count === 0, count: f.schema.count, examples: f.schema.examples, detail: `${f.schema.count} records fail the event JSON Schema` },
      { check: 'keys', ok: f.keys.count === 0, count: f.keys.count, examples: f.keys.examples, detail: `${f.keys.count} records are not keyed by their session_id` },
    ];
    return { source, records: this.records, uniqueEvents: unique, sessions: this.sessions.size, expected, ok: checks.every((c) => c.ok), checks };
  }
}
