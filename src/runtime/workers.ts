import { Worker } from 'node:worker_threads';
import { UBPError, type ErrorCode } from '../errors.ts';
import type { ProducerOptions } from '../config/options.ts';
import type { Logger } from '../logger.ts';
import type { MetricsSnapshot } from '../metrics/metrics.ts';
import { LANE_COUNT, type ModelOptions } from '../model/simulation.ts';
import {
  channelRegions,
  ChannelReader,
  newChannelMemory,
  newLineRef,
  newLineRun,
  STAT_ACTIVE,
  STAT_POOL,
  STAT_SESSIONS,
  STAT_USERS,
  type ChannelMemory,
  type LineRef,
  type LineRun,
} from './channel.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { FdSink } from '../sinks/fd.ts';
import { yieldToEventLoop } from './clock.ts';
import { LocalLines, type LineSource } from './line-maker.ts';
import type { EventSource, RunLimits, StopReason } from './runner.ts';

/**
 * Runs with --workers K: K threads each run a share of the process's lanes.
 *
 * - stdout and file ("lines" mode): the main thread is one of the K. K − 1 workers encode
 *   their events and hand them over in shared memory (runtime/channel.ts); the main thread
 *   makes its own share of the lanes the same way, and merges all of them by lane order —
 *   the order one thread makes — paces, counts and writes. The output is byte for byte that
 *   of one thread. (Three threads on two cores, a merging main thread beside two workers,
 *   gave 1.4× one thread; two, 1.6×.)
 * - Kafka: each of K workers is a whole producer with its own client; every session lives
 *   in one lane, so its events still go through one client, in order. The main thread adds
 *   up their figures and passes on a stop.
 */
export type WorkerInput =
  | { mode: 'lines'; index: number; model: ModelOptions; endMs: number; channel: ChannelMemory }
  | {
      mode: 'kafka';
      options: ProducerOptions;
      lanes: readonly number[];
      durationSeconds: number | null;
      count: number | null;
      /** One Int32: events claimed so far by all workers (for `count`). */
      claimed: SharedArrayBuffer;
    };

export type WorkerMessage =
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; obj?: Record<string, unknown> | undefined }
  | { kind: 'metrics'; metrics: MetricsSnapshot; peekTimeMs: number }
  | { kind: 'batch' }
  | { kind: 'failed'; code: ErrorCode; message: string };

/**
 * What merging and writing the lines of one more thread costs the main thread, as a share of
 * a thread's time: about 9% (per-thread CPU time of a two-thread run with equal shares, 3M
 * events to /dev/null: the main thread 5.0 s, the worker 4.6 s).
 */
const MERGE_SHARE = 0.09;

/**
 * The lanes of each generating thread of a lines run with `k` threads, from the lanes of the
 * process: [the main thread's, worker 1's, …, worker k−1's].
 *
 * The main thread also merges: with k threads that takes MERGE_SHARE × (k − 1) of its time,
 * and it makes lanes in the rest, at the rate a worker does. So of 64 lanes on two threads it
 * makes 30 (measured on 2 cores, 3M events interleaved: 30 was 5% faster than 32, 28 no
 * faster than 32), and none from 12 threads on, where merging is all it does. The larger
 * counts are estimates: this machine has two cores.
 */
export function threadLanes(lanes: readonly number[], k: number): number[][] {
  const merging = MERGE_SHARE * (k - 1);
  // Rounded down: never more than a worker's (21 lanes on two threads: 10 and 11).
  const own = Math.floor((lanes.length * Math.max(0, 1 - merging)) / (k - Math.min(1, merging)));
  const rest = lanes.slice(own);
  return [lanes.slice(0, own), ...Array.from({ length: k - 1 }, (_, w) => workerLanes(rest, w, k - 1))];
}

/** The lanes of worker `w` of `k`, from the lanes of the process. */
export function workerLanes(lanes: readonly number[], w: number, k: number): number[] {
  return lanes.filter((_, i) => i % k === w);
}

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

/** A started worker thread, with what it said last and how it ended. */
class WorkerThread {
  readonly index: number;
  readonly thread: Worker;
  readonly exited: Promise<void>;
  failure: UBPError | null = null;
  metrics: MetricsSnapshot | null = null;
  peekTimeMs = -Infinity;
  private stopping = false;
  /** Resolves the merge's wait for this worker's next batch. */
  private onBatch: (() => void) | null = null;

  /** `said`: messages logged already, by any worker (K workers would say most things K times). */
  constructor(index: number, input: WorkerInput, logger: Logger, said: Set<string>, onFailure: (failure: UBPError) => void) {
    this.index = index;
    this.thread = new Worker(WORKER_URL, { workerData: input });
    const fail = (code: ErrorCode, message: string): void => {
      if (this.failure !== null) return;
      this.failure = new UBPError(code, `worker ${index} failed: ${message}`);
      onFailure(this.failure);
    };
    this.thread.on('message', (m: WorkerMessage) => {
      if (m.kind === 'log') {
        if (!said.has(m.msg)) logger[m.level](m.msg, m.obj);
        said.add(m.msg);
      } else if (m.kind === 'batch') {
        const resolve = this.onBatch;
        this.onBatch = null;
        resolve?.();
      } else if (m.kind === 'metrics') {
        this.metrics = m.metrics;
        this.peekTimeMs = m.peekTimeMs;
      } else if (m.kind === 'failed') fail(m.code, m.message);
    });
    this.thread.on('error', (err) => fail('INTERNAL', err.message));
    this.exited = new Promise((resolve) => {
      this.thread.on('exit', (code) => {
        if (code !== 0 && !this.stopping) fail('INTERNAL', `exited with code ${code}`);
        resolve();
      });
    });
  }

  /** Resolves at the worker's next batch (or its end, or its exit). */
  nextBatch(): Promise<void> {
    return Promise.race([new Promise<void>((resolve) => (this.onBatch = resolve)), this.exited]);
  }

  async terminate(): Promise<void> {
    this.stopping = true;
    await this.thread.terminate();
  }
}

/**
 * The merge of a lines run's generating threads (lines mode): an EventSource of lines for the
 * stepper, in the order one thread would make them (time, then lane). With K threads, the
 * main thread makes a share of the lanes itself (see `threadLanes`) and K − 1 workers the rest.
 */
export class LineMerge implements EventSource<LineRef> {
  private readonly readers: LineSource[] = [];
  /** The main thread's own lanes (the first reader). */
  private readonly local: LocalLines;
  /** The worker behind each reader, with its channel; null for the main thread's own lanes. */
  private readonly workers: ({ thread: WorkerThread; channel: ChannelReader } | null)[] = [];
  private readonly line: LineRef = newLineRef();
  private failure: UBPError | null = null;
  /** The reader with the earliest line, as `ready` found it; -1 when all are finished. */
  private current = -1;
  /** The earliest head key among the other readers: the current one's lines before it come first. */
  private bound = Infinity;
  /** With `keepRead`: writes out every line taken, so that the regions kept can be given back. */
  private writeOut: (() => void) | null = null;

  constructor(model: ModelOptions & { lanes: readonly number[] }, k: number, endMs: number, logger: Logger) {
    const [own, ...shares] = threadLanes(model.lanes, k);
    // The workers first: they start up (a quarter of a second) while this thread builds its own simulation.
    const regions = channelRegions(k);
    const workers = shares.map((lanes, i) => {
      const channel = newChannelMemory(regions);
      const input: WorkerInput = { mode: 'lines', index: i + 1, model: { ...model, lanes }, endMs, channel };
      const thread = new WorkerThread(i + 1, input, logger, new Set(), (f) => {
        this.failure ??= f;
      });
      return { thread, channel: new ChannelReader(channel) };
    });
    this.local = new LocalLines({ ...model, lanes: own! }, endMs, regions);
    this.readers.push(this.local, ...workers.map((w) => w.channel));
    this.workers.push(null, ...workers);
  }

  ready(): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    let best = -1;
    let bestKey = Infinity;
    let second = Infinity;
    const readers = this.readers;
    for (let w = 0; w < readers.length; w++) {
      const r = readers[w]!;
      if (!r.hasLine()) {
        if (r.finished) continue;
        // The regions kept may be what the worker waits for (or, for the main thread's own
        // lanes, where their next batch goes): give them back and look again.
        if (this.releaseAll()) {
          w--;
          continue;
        }
        return this.waitFor(w);
      }
      const key = r.headKey();
      if (key < bestKey) {
        second = bestKey;
        bestKey = key;
        best = w;
      } else if (key < second) second = key;
    }
    this.current = best;
    this.bound = second;
    return undefined;
  }

  /**
   * The lines taken (`nextRun`) stay where their thread made them until `release`, rather than
   * be given back as soon as read, as a sink writes them from there. `writeOut` writes out
   * every line taken so far; the merge calls it when it must have the regions back.
   */
  keepRead(writeOut: () => void): void {
    this.writeOut = writeOut;
    for (const r of this.readers) r.keepRead = true;
  }

  /** Give back the regions read (their lines are written out). */
  release(): void {
    for (const r of this.readers) r.release();
  }

  /** Write out and release the regions kept; false if none was. */
  private releaseAll(): boolean {
    if (!this.readers.some((r) => r.keeps)) return false;
    this.writeOut!();
    this.release();
    return true;
  }

  peekTimeMs(): number {
    return this.current < 0 ? Infinity : Math.floor(this.readers[this.current]!.headKey() / LANE_COUNT);
  }

  next(): LineRef {
    const line = this.line;
    this.readers[this.current]!.take(line);
    line.timeMs = Math.floor(line.key / LANE_COUNT);
    return line;
  }

  /**
   * The next run of lines from one thread, in merge order (call after `ready`): at most `max`
   * lines into `run`. For unpaced runs, which need not look at each event.
   */
  nextRun(max: number, run: LineRun): void {
    this.readers[this.current]!.takeRun(this.bound, max, run);
  }

  get activeSessions(): number {
    return this.sum(STAT_ACTIVE);
  }

  get sessionsStarted(): number {
    return this.sum(STAT_SESSIONS);
  }

  get usersCreated(): number {
    return this.sum(STAT_USERS);
  }

  get usersInPool(): number {
    return this.sum(STAT_POOL);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w?.thread.terminate()));
  }

  private sum(stat: number): number {
    let n = 0;
    for (const r of this.readers) n += r.stat(stat);
    return n;
  }

  private async waitFor(w: number): Promise<void> {
    const worker = this.workers[w]!;
    // Rather than wait idle, make the main thread's own lines ahead while the worker catches up.
    while (!worker.channel.hasLine() && !worker.channel.finished && this.local.makeAhead());
    const batch = worker.thread.nextBatch();
    // The batch may have come between the look and the request to be woken.
    if (worker.channel.armWake()) await batch;
    if (this.failure) throw this.failure;
  }
}

/** K whole producers into Kafka, one per worker thread, and their figures added up. */
export class KafkaWorkers {
  private readonly workers: WorkerThread[] = [];
  private readonly failures: UBPError[] = [];

  constructor(
    options: ProducerOptions,
    lanes: readonly number[],
    k: number,
    durationSeconds: number | null,
    count: number | null,
    logger: Logger,
  ) {
    const claimed = new SharedArrayBuffer(4);
    const said = new Set<string>();
    for (let w = 0; w < k; w++) {
      const input: WorkerInput = { mode: 'kafka', options, lanes: workerLanes(lanes, w, k), durationSeconds, count, claimed };
      this.workers.push(
        new WorkerThread(w, input, logger, said, (f) => {
          // A failed worker stops the others, which flush what they made.
          this.failures.push(f);
          this.stop();
        }),
      );
    }
  }

  /** Ask every worker to stop: each ends its run and flushes. */
  private stop(): void {
    for (const w of this.workers) w.thread.postMessage({ kind: 'stop' });
  }

  /** Resolves when every worker has finished (flushed and closed its client); rejects with the first failure. */
  async finished(signal?: AbortSignal): Promise<void> {
    const stop = (): void => this.stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await Promise.all(this.workers.map((w) => w.exited));
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (this.failures.length > 0) throw this.failures[0];
  }

  /** The workers' latest figures, added up. */
  snapshots(): MetricsSnapshot[] {
    return this.workers.map((w) => w.metrics).filter((m): m is MetricsSnapshot => m !== null);
  }

  peekTimeMs(): number {
    return Math.min(...this.workers.map((w) => w.peekTimeMs));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Most lines handed to the sink at once. */
const RUN_MAX = 4096;

/**
 * An unpaced run with workers, to stdout or a file: the merge's lines go to the sink in runs
 * (the lines of one worker that come before every other worker's next line) rather than a
 * step per event, and the sink writes them from the threads' channels, with no copy (a region
 * is given back once its lines are written out), so the main thread keeps up with many workers.
 * Copying each line once cost the main thread of a two-thread run a tenth of its time.
 */
export async function runLinesUnpaced(merge: LineMerge, sink: FdSink<LineRef>, limits: RunLimits, metrics: Metrics): Promise<StopReason> {
  merge.keepRead(() => sink.flushNow());
  sink.afterChunk = () => merge.release();
  const run = newLineRun();
  let emitted = 0;
  for (let runs = 1; ; runs++) {
    if (limits.signal?.aborted) return 'signal';
    if (emitted >= limits.count) return 'count';
    const waiting = merge.ready();
    if (waiting !== undefined) {
      await waiting;
      continue;
    }
    if (merge.peekTimeMs() >= limits.endMs) return 'duration';
    merge.nextRun(Math.min(limits.count - emitted, RUN_MAX), run);
    emitted += run.count;
    metrics.generatedRun(run.count, run.types, run.typesAt, Math.floor(run.key / LANE_COUNT));
    sink.writeLines(run);
    // Let signals and the sink's idle flush through now and then.
    if ((runs & 255) === 0) await yieldToEventLoop();
  }
}
