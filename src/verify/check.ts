import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { TruthCheck } from './truth.ts';
import type { EntityCheck } from './entities.ts';
import { CONTENT_TYPES } from '../sinks/kafka/event-routing.ts';

/** One record as read back: from a topic (with partition and key) or a line of a file. */
export interface ReadBack {
  value: string;
  key?: string | null;
  /** Which of the topics read (0 for a file or a single topic). */
  topic?: number;
  partition?: number;
  /** The record's timestamp (Unix ms) and headers, from a topic. */
  timestampMs?: number;
  headers?: ReadonlyMap<string, string>;
  /** Offset in the partition, or line number in a file. */
  position: bigint | number;
  /** The value came in the Confluent wire format (a registry format), decoded to `value`. */
  wire?: boolean;
}

export type CheckName =
  | 'count'
  | 'duplicates'
  | 'split_sessions'
  | 'order'
  | 'gaps'
  | 'schema'
  | 'keys'
  | 'timestamps'
  | 'headers'
  | 'truth_windows'
  | 'late'
  | 'users'
  | 'products'
  | 'orders';

/** What the run was told to do, so the checks expect it. */
export interface Expectations {
  /** The field records are keyed by (default session_id). */
  key?: 'session_id' | 'user_id' | 'none';
  /** Records stamped with their events' times (default true; false: send time, not checked). */
  eventTimestamps?: boolean;
  /** Records carry the event_type, schema and content-type headers. */
  headers?: boolean;
  /** The run's answer key: the faults it lists are expected, and its windows must match. */
  truth?: TruthCheck;
  /** The run's entity streams, already read: the events' references are checked against them. */
  entities?: EntityCheck;
}

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
  /** Topic × partition of the first record seen, as one number. */
  partition: number;
  /** Highest events_in_session seen, and its timestamp. */
  index: number;
  timeMs: number;
  /** Distinct events seen: fewer than `index` at the end means the session skips some. */
  seen: number;
  split: boolean;
  /** Lowest events_in_session seen, and when the session started (session_start). */
  first: number;
  startMs: number;
}

const MAX_EXAMPLES = 5;

/**
 * Checks a run read back record by record, in the order of each partition (or file). Keeps a
 * set of event ids and one small entry per session, so millions of records fit in memory.
 */
export class RunVerifier {
  private readonly validate: ValidateFunction;
  private readonly expect: Required<Omit<Expectations, 'truth' | 'entities'>>;
  private readonly truth: TruthCheck | null;
  private readonly entities: EntityCheck | null;
  private expectedRepeats = 0;
  private readonly eventIds = new Set<string>();
  private readonly sessions = new Map<string, SessionSeen>();
  private records = 0;
  private firstEventMs = Infinity;
  private readFromTopic = false;
  private readonly found: Record<CheckName, { count: number; examples: string[] }> = {
    count: { count: 0, examples: [] },
    duplicates: { count: 0, examples: [] },
    split_sessions: { count: 0, examples: [] },
    order: { count: 0, examples: [] },
    gaps: { count: 0, examples: [] },
    schema: { count: 0, examples: [] },
    keys: { count: 0, examples: [] },
    timestamps: { count: 0, examples: [] },
    headers: { count: 0, examples: [] },
    truth_windows: { count: 0, examples: [] },
    late: { count: 0, examples: [] },
    // The entity checks keep their own counts (EntityCheck).
    users: { count: 0, examples: [] },
    products: { count: 0, examples: [] },
    orders: { count: 0, examples: [] },
  };

  constructor(expect: Expectations = {}, validate: ValidateFunction = loadValidator()) {
    this.validate = validate;
    this.expect = { key: expect.key ?? 'session_id', eventTimestamps: expect.eventTimestamps ?? true, headers: expect.headers ?? false };
    this.truth = expect.truth ?? null;
    this.entities = expect.entities ?? null;
  }

  private problem(check: CheckName, example: string): void {
    const f = this.found[check];
    f.count++;
    if (f.examples.length < MAX_EXAMPLES) f.examples.push(example);
  }

  add(record: ReadBack): void {
    this.records++;
    if (record.partition !== undefined) this.readFromTopic = true;
    const where = record.partition === undefined ? `line ${record.position}` : `partition ${record.partition} offset ${record.position}`;
    let event: {
      event_id?: unknown;
      event_type?: unknown;
      session_id?: unknown;
      user_id?: unknown;
      timestamp?: unknown;
      session_info?: { events_in_session?: unknown; session_start?: unknown };
      page_info?: { product_id?: unknown };
      event_data?: { order_value?: unknown; product_id?: unknown; price?: unknown; in_stock?: unknown; order_id?: unknown };
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
      if (this.truth?.repeat(id)) {
        this.expectedRepeats++;
        return;
      }
      // A repeat is one problem, not also an ordering one.
      this.problem('duplicates', `${where}: event_id ${id} seen before`);
      return;
    }
    this.eventIds.add(id);

    const sessionId = event.session_id as string;
    const timeMs = Date.parse(String(event.timestamp));
    this.checkRecord(record, event, sessionId, timeMs, where);
    const index = Number(event.session_info?.events_in_session);
    // With one topic per event type, a session's order holds within each topic only: partition
    // and order are checked among the records in the topic of the first one seen.
    const partition = (record.topic ?? 0) * 1_000_000 + (record.partition ?? 0);
    if (timeMs < this.firstEventMs) this.firstEventMs = timeMs;
    this.truth?.add(event, partition, timeMs, where);
    this.entities?.addEvent(event, where);
    const seen = this.sessions.get(sessionId);
    if (seen === undefined) {
      const startMs = Date.parse(String(event.session_info?.session_start));
      this.sessions.set(sessionId, { partition, index, timeMs, seen: 1, split: false, first: index, startMs });
      return;
    }
    seen.seen++;
    if (index < seen.first) seen.first = index;
    // Without a key records spread over partitions on purpose: nothing to check but gaps.
    if (this.expect.key === 'none' || record.partition === undefined) {
      if (record.partition === undefined && (index <= seen.index || timeMs < seen.timeMs)) {
        this.problem('order', `${where}: session ${sessionId} event ${index} (${event.timestamp}) after event ${seen.index}`);
      }
    } else if (Math.floor(seen.partition / 1_000_000) !== (record.topic ?? 0)) {
      // Another topic: partition and order are only comparable within one.
    } else if (seen.partition !== partition) {
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

  /** The record's key, timestamp and headers against what the run was told. */
  private checkRecord(
    record: ReadBack,
    event: { event_type?: unknown; user_id?: unknown; timestamp?: unknown },
    sessionId: string,
    timeMs: number,
    where: string,
  ): void {
    if (record.key !== undefined) {
      const { key } = this.expect;
      const want = key === 'session_id' ? sessionId : key === 'user_id' ? String(event.user_id) : null;
      if (record.key !== want)
        this.problem('keys', `${where}: key ${record.key} is not the ${key === 'none' ? 'absent key' : `${key} ${want}`}`);
    }
    if (record.timestampMs !== undefined && this.expect.eventTimestamps && record.timestampMs !== timeMs) {
      this.problem(
        'timestamps',
        `${where}: record timestamp ${new Date(record.timestampMs).toISOString()} is not the event's ${String(event.timestamp)}`,
      );
    }
    if (record.partition !== undefined && this.expect.headers) {
      const h = record.headers;
      // A registry format's content type names its payload (Avro, Protobuf or JSON behind the wire header).
      const contentType = h?.get('content-type');
      const typeFits =
        record.wire === true
          ? contentType !== undefined && Object.values(CONTENT_TYPES).includes(contentType)
          : contentType === CONTENT_TYPES.json;
      if (h?.get('event_type') !== event.event_type || !typeFits || !h?.get('schema')) {
        this.problem(
          'headers',
          `${where}: headers ${h === undefined ? 'missing' : JSON.stringify(Object.fromEntries(h))} do not match the event`,
        );
      }
    }
  }

  report(source: string, expectedCount: number | null): VerifyReport {
    let expected = expectedCount;
    for (const [id, s] of this.sessions) {
      // A session already open when the run began (it started before the run's first event)
      // was delivered from part-way: its events count from the first one seen.
      const from = s.startMs < this.firstEventMs ? s.first : 1;
      if (s.seen < s.index - from + 1) this.problem('gaps', `session ${id} has ${s.seen} of events ${from}–${s.index}`);
    }
    const unique = this.eventIds.size;
    const truth = this.truth;
    if (expected === null && truth !== null) expected = truth.doc.totals.events;
    if (truth !== null) {
      const missing = truth.missingDuplicates();
      for (const id of missing) this.problem('duplicates', `event_id ${id} is listed as duplicated but was delivered once`);
      const windows = truth.windowMismatches();
      this.found.truth_windows = windows;
      this.found.late = { count: truth.lateStats.unlisted, examples: truth.unlistedLate };
    }
    if (expected !== null && unique !== expected) {
      this.found.count.count = Math.abs(expected - unique);
      this.found.count.examples = [
        unique < expected ? `${expected - unique} events missing` : `${unique - expected} events more than expected`,
      ];
    }
    const f = this.found;
    const unkeyed = this.expect.key === 'none' && this.sessions.size > 0 && this.records > 0 && this.readFromTopic;
    const checks: CheckResult[] = [
      {
        check: 'count',
        ok: f.count.count === 0,
        count: f.count.count,
        examples: f.count.examples,
        detail:
          expected === null
            ? `${unique} distinct events (no expected count given; pass --metrics-json)`
            : `${unique} distinct events, ${expected} expected`,
      },
      {
        check: 'duplicates',
        ok: f.duplicates.count === 0,
        count: f.duplicates.count,
        examples: f.duplicates.examples,
        detail:
          truth === null
            ? `${f.duplicates.count} records repeat an event_id`
            : `${this.expectedRepeats} repeats, as the answer key lists (${truth.doc.faults.duplicates.length}); ${f.duplicates.count} not as listed`,
      },
      {
        check: 'split_sessions',
        ok: f.split_sessions.count === 0,
        count: f.split_sessions.count,
        examples: f.split_sessions.examples,
        detail: unkeyed
          ? 'not checked: records without a key spread over partitions'
          : `${f.split_sessions.count} sessions are in more than one partition`,
      },
      {
        check: 'order',
        ok: f.order.count === 0,
        count: f.order.count,
        examples: f.order.examples,
        detail: unkeyed
          ? 'not checked: records without a key spread over partitions'
          : `${f.order.count} events come before an earlier event of their session`,
      },
      {
        check: 'gaps',
        ok: f.gaps.count === 0,
        count: f.gaps.count,
        examples: f.gaps.examples,
        detail: `${f.gaps.count} sessions skip events (events_in_session jumps)`,
      },
      {
        check: 'schema',
        ok: f.schema.count === 0,
        count: f.schema.count,
        examples: f.schema.examples,
        detail: `${f.schema.count} records fail the event JSON Schema`,
      },
      {
        check: 'keys',
        ok: f.keys.count === 0,
        count: f.keys.count,
        examples: f.keys.examples,
        detail:
          this.expect.key === 'none'
            ? `${f.keys.count} records have a key (none expected)`
            : `${f.keys.count} records are not keyed by their ${this.expect.key}`,
      },
      {
        check: 'timestamps',
        ok: f.timestamps.count === 0,
        count: f.timestamps.count,
        examples: f.timestamps.examples,
        detail: this.expect.eventTimestamps
          ? `${f.timestamps.count} records are not stamped with their event's time`
          : 'send times (not checked)',
      },
      ...(this.expect.headers
        ? [
            {
              check: 'headers' as const,
              ok: f.headers.count === 0,
              count: f.headers.count,
              examples: f.headers.examples,
              detail: `${f.headers.count} records lack the event_type, schema or content-type header`,
            },
          ]
        : []),
      ...(truth === null
        ? []
        : [
            {
              check: 'truth_windows' as const,
              ok: f.truth_windows.count === 0,
              count: f.truth_windows.count,
              examples: f.truth_windows.examples,
              detail: `${truth.doc.windows.length} windows of ${truth.doc.window_seconds} s in the answer key; ${f.truth_windows.count} differ from the distinct events read`,
            },
            {
              check: 'late' as const,
              ok: f.late.count === 0,
              count: f.late.count,
              examples: f.late.examples,
              detail: `${truth.lateStats.listed} late events in the answer key, ${truth.lateStats.seen} seen arriving after later events, ${f.late.count} of those not listed`,
            },
          ]),
      ...(this.entities?.results() ?? []),
    ];
    return {
      source,
      records: this.records,
      uniqueEvents: unique,
      sessions: this.sessions.size,
      expected,
      ok: checks.every((c) => c.ok),
      checks,
    };
  }
}
