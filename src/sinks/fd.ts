import fs from 'node:fs';
import { UBPError } from '../errors.ts';
import type { Latin1Buffer } from '../events/bytes.ts';
import { TAG_COUNT, type DeliveryListener, type RecordEncoder, type Sink } from './sink.ts';

/**
 * Whole lines already encoded, newlines included: `count` of them in `buf[start, end)`, the
 * type (tag) of each in `types[typesAt, typesAt + count)`.
 */
export interface EncodedLines {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly types: Uint8Array;
  readonly typesAt: number;
}

/** Lines are gathered into chunks of about this size before a write. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Newline-delimited JSON to a file descriptor (stdout or a file), in large synchronous
 * writes: a slow reader blocks the producer, which is the backpressure. A failed write never
 * leaves a cut line behind in a file: the file is truncated back to the last whole chunk,
 * and only events of whole chunks are reported delivered.
 *
 * Records given one by one (`write`) are encoded into the sink's own chunk; lines already
 * encoded elsewhere (`writeLines`) are not copied but written from where they are, with the
 * chunk's pieces, in one gathering write.
 */
export class FdSink<T> implements Sink<T> {
  readonly name: string;
  private readonly encoder: RecordEncoder<T>;
  private readonly fd: number;
  private readonly ownsFd: boolean;
  private readonly seekable: boolean;
  private readonly listener: DeliveryListener;
  /** Records are encoded straight into this buffer, from `used` on. */
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES) as Latin1Buffer;
  private used = 0;
  /** Where the chunk's bytes not yet among `pieces` begin. */
  private pieceStart = 0;
  /** What the next write writes, in order (the last chunk piece is added when it is written). */
  private pieces: Uint8Array[] = [];
  private pendingBytes = 0;
  private pendingCount = 0;
  private pendingTags = new Uint32Array(TAG_COUNT);
  private failure: UBPError | null = null;
  private closed = false;
  private flushScheduled = false;
  /**
   * Called before each chunk is written out: a file whose lines refer to lines of other files
   * (events to their entity records) writes those first.
   */
  beforeChunk: (() => void) | null = null;
  /** Called after each chunk is written out: the memory of lines given to `writeLines` may be reused. */
  afterChunk: (() => void) | null = null;

  constructor(fd: number, name: string, encoder: RecordEncoder<T>, listener: DeliveryListener, ownsFd: boolean) {
    if (encoder.maxBytes + 1 > CHUNK_BYTES)
      throw new RangeError(`records of up to ${encoder.maxBytes} bytes do not fit the ${CHUNK_BYTES}-byte chunk`);
    this.fd = fd;
    this.encoder = encoder;
    this.name = name;
    this.listener = listener;
    this.ownsFd = ownsFd;
    this.seekable = fs.fstatSync(fd).isFile();
  }

  static stdout<T>(encoder: RecordEncoder<T>, listener: DeliveryListener): FdSink<T> {
    return new FdSink(1, 'stdout', encoder, listener, false);
  }

  static file<T>(path: string, encoder: RecordEncoder<T>, listener: DeliveryListener): FdSink<T> {
    let fd: number;
    try {
      fd = fs.openSync(path, 'a');
    } catch (err) {
      throw new UBPError('SINK_WRITE', `cannot open output file ${path}: ${(err as Error).message}`, { cause: err });
    }
    return new FdSink(fd, `file ${path}`, encoder, listener, true);
  }

  write(item: T): boolean {
    const tag = this.encoder.tag(item);
    this.makeRoom(this.encoder.maxBytes + 1, tag);
    const at = this.used;
    this.used = this.encoder.encodeInto(item, this.chunk, at);
    this.chunk[this.used++] = 10;
    this.pendingBytes += this.used - at;
    this.pendingCount++;
    this.pendingTags[tag & (TAG_COUNT - 1)]!++;
    this.scheduleFlush();
    return true;
  }

  /**
   * Lines already encoded (a run with workers hands over its threads' bytes so). They are
   * written from `lines.buf`, not copied: its bytes must stay as they are until the next
   * `afterChunk` (or the end of a `flushNow`).
   */
  writeLines(lines: EncodedLines): void {
    if (this.failure) throw this.failure;
    const { buf, start, end, count } = lines;
    if (this.pendingBytes + end - start > CHUNK_BYTES && this.pendingCount > 0) {
      try {
        this.writeChunk();
      } catch (err) {
        // These lines are lost with the chunk: count them, so nothing goes missing unaccounted.
        this.listener.failed(count, err as Error, countTags(lines, new Uint32Array(TAG_COUNT)));
        throw err;
      }
    }
    this.endPiece();
    this.pieces.push(new Uint8Array(buf.buffer, buf.byteOffset + start, end - start));
    this.pendingBytes += end - start;
    this.pendingCount += count;
    countTags(lines, this.pendingTags);
    this.scheduleFlush();
  }

  /** Write out the gathered lines if `room` more bytes would not fit the chunk. */
  private makeRoom(room: number, tag: number): void {
    if (this.failure) throw this.failure;
    if (this.used + room > CHUNK_BYTES && this.pendingCount > 0) {
      try {
        this.writeChunk();
      } catch (err) {
        // This event is lost with the chunk: count it, so nothing goes missing unaccounted.
        const one = new Uint32Array(TAG_COUNT);
        one[tag & (TAG_COUNT - 1)] = 1;
        this.listener.failed(1, err as Error, one);
        throw err;
      }
    }
  }

  /** The chunk's bytes since the last piece become a piece of their own. */
  private endPiece(): void {
    if (this.used > this.pieceStart) this.pieces.push(this.chunk.subarray(this.pieceStart, this.used));
    this.pieceStart = this.used;
  }

  private scheduleFlush(): void {
    if (!this.flushScheduled) {
      // A paced run waits between events: write what is gathered as soon as the producer
      // pauses, so a real-time stream is not held back until a whole chunk fills.
      this.flushScheduled = true;
      setImmediate(() => this.flushWhenIdle());
    }
  }

  private flushWhenIdle(): void {
    this.flushScheduled = false;
    if (this.closed || this.failure || this.pendingCount === 0) return;
    try {
      this.writeChunk();
    } catch {
      // Recorded in this.failure and reported to the listener; the next write or flush throws it.
    }
  }

  async ready(): Promise<void> {
    if (this.failure) throw this.failure;
  }

  async flush(): Promise<void> {
    this.flushNow();
  }

  /** Write out what is gathered, now (throws the sink's failure, if it failed). */
  flushNow(): void {
    if (this.failure) throw this.failure;
    if (this.pendingCount > 0) this.writeChunk();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.failure && this.pendingCount > 0) this.writeChunk();
    } finally {
      this.closed = true;
      if (this.ownsFd) fs.closeSync(this.fd);
    }
  }

  private writeChunk(): void {
    this.beforeChunk?.();
    this.endPiece();
    const { pieces, pendingBytes, pendingCount, pendingTags } = this;
    this.pieces = [];
    this.used = 0;
    this.pieceStart = 0;
    this.pendingBytes = 0;
    this.pendingCount = 0;
    this.pendingTags = new Uint32Array(TAG_COUNT);
    this.writeOut(pieces, pendingBytes, pendingCount, pendingTags);
    this.afterChunk?.();
  }

  /** Write `pieces` (`bytes` in all, holding `count` whole lines) completely, or fail without a cut line. */
  private writeOut(pieces: Uint8Array[], bytes: number, count: number, tags: Uint32Array): void {
    // Write at the descriptor's own position (not pwrite at a remembered offset): stdout
    // redirected to a file may share that position with stderr (`> out 2>&1`), and
    // positional writes would overwrite, and be overwritten by, the log lines.
    const before = this.seekable ? fs.fstatSync(this.fd).size : 0;
    let written = 0;
    try {
      while (written < bytes) {
        try {
          const n = pieces.length === 1 ? fs.writeSync(this.fd, pieces[0]!) : fs.writevSync(this.fd, pieces);
          written += n;
          if (written < bytes) pieces = unwritten(pieces, n);
        } catch (err) {
          // A non-blocking pipe that is full: wait for the reader rather than fail.
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
            continue;
          }
          throw err;
        }
      }
    } catch (err) {
      if (this.seekable && written > 0) {
        try {
          fs.ftruncateSync(this.fd, before);
        } catch {
          // The original error is the one to report.
        }
      }
      this.failure = describeWriteError(err as NodeJS.ErrnoException, this.name, count, this.seekable);
      this.listener.failed(count, this.failure, tags);
      throw this.failure;
    }
    this.listener.delivered(count, bytes - count, tags);
  }
}

/** What is left of `pieces` once their first `n` bytes are written. */
function unwritten(pieces: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (n >= pieces[i]!.length) n -= pieces[i++]!.length;
  return [pieces[i]!.subarray(n), ...pieces.slice(i + 1)];
}

/** Add the lines' tags to `byTag`, and return it. */
function countTags(lines: EncodedLines, byTag: Uint32Array): Uint32Array {
  const { types, typesAt } = lines;
  for (let i = typesAt, end = typesAt + lines.count; i < end; i++) byTag[types[i]! & (TAG_COUNT - 1)]!++;
  return byTag;
}

function describeWriteError(err: NodeJS.ErrnoException, name: string, count: number, seekable: boolean): UBPError {
  if (err.code === 'EPIPE') {
    return new UBPError('SINK_CLOSED', `${name} was closed by its reader; stopped, and the last ${count} events were not written`, {
      cause: err,
    });
  }
  if (err.code === 'ENOSPC') {
    return new UBPError(
      'SINK_WRITE',
      `${name}: no space left on the device; stopped, and the last ${count} events were not written${seekable ? ' (the file ends with a whole line)' : ''}; free some space or write elsewhere`,
      { cause: err },
    );
  }
  return new UBPError('SINK_WRITE', `writing to ${name} failed (${err.code ?? err.message}); the last ${count} events were not written`, {
    cause: err,
  });
}
