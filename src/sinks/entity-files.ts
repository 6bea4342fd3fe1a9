import path from 'node:path';
import { ENTITY_STREAMS, EntityRecord, entityRecords, type EntityStream } from '../entities/records.ts';
import { FdSink } from './fd.ts';
import type { DeliveryListener, RecordEncoder, Sink } from './sink.ts';

/** `<output stem>.<stream>.ndjson`: the output path without its extension, then the stream. */
export function entityFile(output: string, stream: string): string {
  const ext = path.extname(output);
  return `${ext === '' ? output : output.slice(0, -ext.length)}.${stream}.ndjson`;
}

/**
 * The events to their file and each entity stream to its own file beside it. Entity files
 * are written out before every chunk of events, so a line of the events file never reaches
 * the disk before the entity records it refers to.
 */
export class EntityFilesSink<E> implements Sink<E | EntityRecord> {
  readonly name: string;
  private readonly events: FdSink<E>;
  /** By stream index (null: the stream is off). */
  private readonly streams: (FdSink<EntityRecord> | null)[];
  private readonly open: FdSink<unknown>[];

  constructor(output: string, encoder: RecordEncoder<E>, streams: readonly EntityStream[], listener: DeliveryListener) {
    this.streams = [];
    try {
      for (const s of ENTITY_STREAMS)
        this.streams.push(streams.includes(s) ? FdSink.file(entityFile(output, s), entityRecords, listener) : null);
      this.events = FdSink.file(output, encoder, listener);
    } catch (err) {
      for (const s of this.streams) void s?.close();
      throw err;
    }
    this.open = [...this.streams.filter((s) => s !== null), this.events] as FdSink<unknown>[];
    this.name = this.events.name;
    const entities = this.streams.filter((s) => s !== null);
    this.events.beforeChunk = () => {
      for (const s of entities) s.flushNow();
    };
  }

  write(item: E | EntityRecord): boolean {
    if (item instanceof EntityRecord) return this.streams[item.stream]!.write(item);
    return this.events.write(item);
  }

  async ready(): Promise<void> {
    for (const s of this.open) await s.ready();
  }

  async flush(): Promise<void> {
    // Entity files first (the events file's flush would write them anyway).
    for (const s of this.open) await s.flush();
  }

  async close(): Promise<void> {
    let failure: unknown;
    for (const s of this.open) {
      try {
        await s.close();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  }
}
