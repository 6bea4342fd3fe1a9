import type { Latin1Buffer } from '../events/bytes.ts';
import { MAX_EVENT_BYTES, type EventSerializer } from '../events/serialize.ts';
import type { EventRecord } from '../model/activity.ts';
import type { EncodedLines } from '../sinks/fd.ts';
import type { RecordEncoder } from '../sinks/sink.ts';

/**
 * A one-way channel of encoded events from a worker thread to the main thread, in shared
 * memory: a ring of batches (regions). The worker fills a free region with lines (their JSON and
 * the newline, written 64 KB at a time from a stage of its own: see STAGE_BYTES) and, per line,
 * its merge key, type and end; then marks the region full.
 * The main thread reads a full region line by line and marks it free again (or, when the sink
 * writes the lines from where they are, once it has written them: `keepRead`). Only the region
 * states are synchronised (Atomics), once per batch. The worker waits for a free region with
 * Atomics.wait; the main thread, which must not block, asks to be woken when it has read all
 * there is (`armWake`), and the worker's next batch then comes with a message (`wake`). A
 * message per batch cost a worker 5% of its time.
 */
const REGION_BYTES = 512 * 1024;
const REGION_LINES = 4096;

/** All channels of a run together, from 17 threads on (see `channelRegions`). */
const CHANNELS_BYTES = 256 * 1024 * 1024;

/**
 * Batches in a channel of a run on `threads` threads: 32 (16 MB, about 12,000 events, 40 ms
 * of a thread's output), and fewer from 17 threads on, so that all channels together stay
 * within CHANNELS_BYTES (but never fewer than 4): with that many threads, the main thread's
 * merging sets the pace, and room before it does not help.
 *
 * The merge holds the threads to the same simulated time, so whenever one of them stalls (a
 * garbage collection, the OS running something else on its core) the other can go on only as
 * far as the channels between them reach; with too little room both wait in turn. With 4
 * regions (2 MB) a two-thread run spent ~600 ms of 4.5 s waiting, the worker for room and the
 * main thread for lines; with 32, ~250 ms, and the run was 7% faster (3M events, 8
 * interleaved rounds; 64 regions waited less still, but was no faster). The room also lets
 * the main thread make its own lines ahead while a worker starts up.
 */
export function channelRegions(threads: number): number {
  return Math.max(4, Math.min(32, Math.floor(CHANNELS_BYTES / REGION_BYTES / threads)));
}

/** Control words: two flags, then per region its state (0 free, 1 full), then per region its line count. */
const DONE = 0;
/** 1 while the reader waits for this channel: the writer's next batch (or its end) must wake it. */
const WAITING = 1;
const STATE = 2;

/** Figures the worker's simulation publishes with each batch. */
export const STAT_ACTIVE = 0;
export const STAT_SESSIONS = 1;
export const STAT_USERS = 2;
export const STAT_POOL = 3;
const STATS = 4;

/** The shared memory of one channel; structured-cloneable, so it can go to a worker as workerData. */
export interface ChannelMemory {
  readonly control: SharedArrayBuffer;
  /** Not shared for the main thread's own lines (`newChannelMemory`). */
  readonly data: SharedArrayBuffer | ArrayBuffer;
  readonly keys: SharedArrayBuffer;
  readonly ends: SharedArrayBuffer;
  readonly types: SharedArrayBuffer;
  readonly stats: SharedArrayBuffer;
}

/**
 * A channel of `regions` batches (see `channelRegions`). `shared` false: one the writing
 * thread reads itself (the main thread's own lanes, `LocalLines`), whose lines are written
 * into memory of the thread's own, with no stage between (see STAGE_BYTES).
 */
export function newChannelMemory(regions: number, shared = true): ChannelMemory {
  return {
    control: new SharedArrayBuffer((STATE + 2 * regions) * 4),
    data: shared ? new SharedArrayBuffer(regions * REGION_BYTES) : new ArrayBuffer(regions * REGION_BYTES),
    keys: new SharedArrayBuffer(regions * REGION_LINES * 8),
    ends: new SharedArrayBuffer(regions * REGION_LINES * 4),
    types: new SharedArrayBuffer(regions * REGION_LINES),
    stats: new SharedArrayBuffer(STATS * 8),
  };
}

class Views {
  /** Batches in the ring. */
  readonly size: number;
  /** Where the regions' line counts start among the control words. */
  readonly countAt: number;
  readonly control: Int32Array;
  readonly regions: Latin1Buffer[];
  readonly keys: Float64Array;
  readonly ends: Int32Array;
  readonly types: Uint8Array;
  readonly stats: Float64Array;
  constructor(m: ChannelMemory) {
    this.size = m.data.byteLength / REGION_BYTES;
    this.countAt = STATE + this.size;
    this.control = new Int32Array(m.control);
    this.regions = Array.from({ length: this.size }, (_, r) => Buffer.from(m.data, r * REGION_BYTES, REGION_BYTES) as Latin1Buffer);
    this.keys = new Float64Array(m.keys);
    this.ends = new Int32Array(m.ends);
    this.types = new Uint8Array(m.types);
    this.stats = new Float64Array(m.stats);
  }
}

/**
 * Bytes a writer into shared memory gathers in memory of its own before it copies them into
 * the region in one call. V8 writes into shared memory on a slower path: a fixed key copied
 * with a TypedArray `set` took 18.8 against 11.5 ns (a dozen keys an event), and a whole
 * event's 1.1 KB 188 ns, but Node's `Buffer.copy` moves 64 KB into it at the speed of memory
 * of its own (24 ns an event's worth, measured).
 */
const STAGE_BYTES = 64 * 1024;

/** The worker's end: `add` events, `publish` full batches, `finish` at the end. Blocks while the ring is full. */
export class ChannelWriter {
  private readonly v: Views;
  private region = 0;
  private lines = 0;
  private waited = false;
  /**
   * Where lines are encoded: the region itself in memory of the thread's own, or in shared
   * memory a stage copied into the region (at `base`) whenever it holds `flushAt` bytes.
   */
  private readonly stage: Latin1Buffer | null;
  private readonly flushAt: number;
  private out: Latin1Buffer;
  private base = 0;
  private pos = 0;

  /** Tells a waiting reader a batch (or the end) is there: a message, as waking an async waiter through Atomics is slow. */
  private readonly wake: () => void;

  constructor(memory: ChannelMemory, wake: () => void) {
    this.v = new Views(memory);
    this.wake = wake;
    const shared = memory.data instanceof SharedArrayBuffer;
    this.stage = shared ? (Buffer.allocUnsafeSlow(STAGE_BYTES + MAX_EVENT_BYTES + 1) as Latin1Buffer) : null;
    this.flushAt = shared ? STAGE_BYTES : Number.POSITIVE_INFINITY;
    this.out = this.stage ?? this.v.regions[0]!;
  }

  /** Whether another event fits the current batch. */
  get hasRoom(): boolean {
    return this.base + this.pos + MAX_EVENT_BYTES + 1 <= REGION_BYTES && this.lines < REGION_LINES;
  }

  get pending(): number {
    return this.lines;
  }

  /** Whether the current batch can be filled without waiting for the reader. */
  get writable(): boolean {
    return this.waited || Atomics.load(this.v.control, STATE + this.region) === 0;
  }

  add(rec: EventRecord, key: number, serializer: EventSerializer): void {
    if (!this.waited) this.waitForFree();
    const v = this.v;
    const at = this.region * REGION_LINES + this.lines;
    const out = this.out;
    let pos = serializer.encodeInto(rec, out, this.pos);
    out[pos++] = 10;
    this.pos = pos;
    v.keys[at] = key;
    v.ends[at] = this.base + pos;
    v.types[at] = rec.type;
    this.lines++;
    if (pos >= this.flushAt) this.flush();
  }

  /** Copy the stage into the region. */
  private flush(): void {
    this.base += this.stage!.copy(this.v.regions[this.region]!, this.base, 0, this.pos);
    this.pos = 0;
  }

  /** Hand the current batch to the reader (with the simulation's figures), and move on. */
  publish(stats: readonly number[]): void {
    const v = this.v;
    if (this.stage !== null && this.pos > 0) this.flush();
    for (let s = 0; s < STATS; s++) v.stats[s] = stats[s]!;
    v.control[v.countAt + this.region] = this.lines;
    Atomics.store(v.control, STATE + this.region, 1);
    this.wakeIfWaiting();
    this.region = (this.region + 1) % v.size;
    if (this.stage === null) this.out = v.regions[this.region]!;
    this.base = 0;
    this.pos = 0;
    this.lines = 0;
    this.waited = false;
  }

  /** No more batches (after publishing the last). */
  finish(): void {
    Atomics.store(this.v.control, DONE, 1);
    this.wakeIfWaiting();
  }

  private wakeIfWaiting(): void {
    if (Atomics.exchange(this.v.control, WAITING, 0) === 1) this.wake();
  }

  private waitForFree(): void {
    while (Atomics.load(this.v.control, STATE + this.region) !== 0) Atomics.wait(this.v.control, STATE + this.region, 1);
    this.waited = true;
  }
}

/** One line read from a channel: valid until the reader moves on. */
export interface LineRef {
  type: number;
  timeMs: number;
  key: number;
  buf: Latin1Buffer;
  start: number;
  end: number;
}

/**
 * A run of lines read from a channel at once (see `ChannelReader.takeRun`), with the last
 * line's merge key; valid until the reader moves on.
 */
export interface LineRun extends EncodedLines {
  buf: Latin1Buffer;
  start: number;
  end: number;
  count: number;
  types: Uint8Array;
  typesAt: number;
  key: number;
}

/** An empty line, to be filled by `take`. */
export function newLineRef(): LineRef {
  return { type: 0, timeMs: 0, key: 0, buf: Buffer.alloc(0) as Latin1Buffer, start: 0, end: 0 };
}

/** An empty run, to be filled by `takeRun`. */
export function newLineRun(): LineRun {
  return { buf: Buffer.alloc(0) as Latin1Buffer, start: 0, end: 0, count: 0, types: new Uint8Array(0), typesAt: 0, key: 0 };
}

/** The main thread's end of one channel. */
export class ChannelReader {
  private readonly v: Views;
  private region = 0;
  private index = 0;
  private count = 0;
  /** The current region was taken and must be given back when read. */
  private holding = false;
  /** Regions read but not yet given back (the ones before `region`), with `keepRead`. */
  private kept = 0;
  /** Keep the regions read from the writer until `release`: their lines are still to be written from there. */
  keepRead = false;
  finished = false;

  constructor(memory: ChannelMemory) {
    this.v = new Views(memory);
  }

  /** Whether a line is ready to read (false: wait with `waitForData`, or the channel is finished). */
  hasLine(): boolean {
    if (this.index < this.count) return true;
    if (this.finished) return false;
    const v = this.v;
    if (this.holding) {
      if (this.keepRead) this.kept++;
      else this.giveBack(this.region);
      this.region = (this.region + 1) % v.size;
      this.holding = false;
      this.count = 0;
      this.index = 0;
    }
    // Every region is kept: the next one is the oldest of them, read already.
    if (this.kept === v.size) return false;
    // The worker publishes its last batch before it sets DONE: once DONE is seen, a state not full stays so.
    const done = Atomics.load(v.control, DONE) === 1;
    if (Atomics.load(v.control, STATE + this.region) === 1) {
      this.count = v.control[v.countAt + this.region]!;
      this.index = 0;
      this.holding = true;
      return this.count > 0 || this.hasLine();
    }
    if (done) this.finished = true;
    return false;
  }

  /** Whether regions read are kept from the writer (see `release`). */
  get keeps(): boolean {
    return this.kept > 0;
  }

  /** Give the writer back the regions read and kept (their lines are written out). */
  release(): void {
    const size = this.v.size;
    for (; this.kept > 0; this.kept--) this.giveBack((this.region - this.kept + size) % size);
  }

  private giveBack(region: number): void {
    Atomics.store(this.v.control, STATE + region, 0);
    Atomics.notify(this.v.control, STATE + region);
  }

  /**
   * Ask the writer to wake this reader at its next batch or its end; false if there is no
   * need, as a line (or the end) came in the meantime. Call with the wake's listener in place.
   */
  armWake(): boolean {
    Atomics.store(this.v.control, WAITING, 1);
    return !this.hasLine() && !this.finished;
  }

  /** Merge key of the next line (call only when `hasLine`). */
  headKey(): number {
    return this.v.keys[this.region * REGION_LINES + this.index]!;
  }

  /**
   * Take the lines from here whose merge keys are below `bound`, at most `max` of them (at
   * least one), into `run`.
   */
  takeRun(bound: number, max: number, run: LineRun): void {
    const v = this.v;
    const base = this.region * REGION_LINES;
    const first = this.index;
    let i = first + 1;
    const stop = Math.min(this.count, first + max);
    while (i < stop && v.keys[base + i]! < bound) i++;
    run.buf = v.regions[this.region]!;
    run.start = first === 0 ? 0 : v.ends[base + first - 1]!;
    run.end = v.ends[base + i - 1]!;
    run.key = v.keys[base + i - 1]!;
    run.types = v.types;
    run.typesAt = base + first;
    run.count = i - first;
    this.index = i;
  }

  /** Fill `line` with the next line (its newline not included) and move past it. */
  take(line: LineRef): void {
    const v = this.v;
    const at = this.region * REGION_LINES + this.index;
    line.buf = v.regions[this.region]!;
    line.start = this.index === 0 ? 0 : v.ends[at - 1]!;
    line.end = v.ends[at]! - 1;
    line.type = v.types[at]!;
    line.key = v.keys[at]!;
    this.index++;
  }

  stat(which: number): number {
    return this.v.stats[which]!;
  }
}

/** Lines from a channel into a sink: the worker's bytes, copied. */
export const lineRecords: RecordEncoder<LineRef> = {
  maxBytes: MAX_EVENT_BYTES,
  encodeInto: (line, buf, pos) => pos + line.buf.copy(buf, pos, line.start, line.end),
  tag: (line) => line.type,
};
