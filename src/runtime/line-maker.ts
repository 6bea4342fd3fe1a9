import { EventSerializer } from '../events/serialize.ts';
import { Simulation, type ModelOptions } from '../model/simulation.ts';
import { ChannelReader, ChannelWriter, newChannelMemory, type ChannelMemory, type LineRef, type LineRun } from './channel.ts';

/**
 * A share of a run's lanes, made into encoded lines batch by batch: the generating half of a
 * run with --workers, on a worker thread (runtime/worker.ts) or on the main thread beside the
 * merge (`LocalLines`).
 */
export class LineMaker {
  private readonly sim: Simulation;
  private readonly serializer: EventSerializer;
  private readonly writer: ChannelWriter;
  private readonly endMs: number;
  private ended = false;

  constructor(model: ModelOptions, endMs: number, channel: ChannelMemory, wake: () => void) {
    this.sim = new Simulation(model);
    this.serializer = new EventSerializer(this.sim.instanceTag, this.sim.model);
    this.writer = new ChannelWriter(channel, wake);
    this.endMs = endMs;
  }

  /**
   * Make the next batch — at most `max` events — and hand it over; at the end of the run,
   * finish the channel. Returns the number of events made; false once the channel is finished.
   */
  fill(max = Number.POSITIVE_INFINITY): number | false {
    if (this.ended) return false;
    const { sim, writer, serializer } = this;
    let made = 0;
    while (made < max && writer.hasRoom) {
      if (sim.peekTimeMs() >= this.endMs) {
        this.ended = true;
        break;
      }
      const key = sim.peekKey();
      writer.add(sim.next(), key, serializer);
      made++;
    }
    if (writer.pending > 0) writer.publish([sim.activeSessions, sim.sessionCount, sim.usersCreated, sim.usersInPool]);
    if (this.ended) writer.finish();
    return made;
  }

  /** Make the next batch if there is room for it in the channel now; false if not (or at the end). */
  fillAhead(): boolean {
    return this.writer.writable && this.fill() !== false;
  }
}

/** What the merge reads lines from: a worker's channel, or lanes made on the main thread. */
export interface LineSource {
  /** Whether a line is ready (false: the source is finished, or its worker has yet to hand one over). */
  hasLine(): boolean;
  readonly finished: boolean;
  headKey(): number;
  takeRun(bound: number, max: number, run: LineRun): void;
  take(line: LineRef): void;
  stat(which: number): number;
  /** Keep the regions read until `release` (see ChannelReader). */
  keepRead: boolean;
  readonly keeps: boolean;
  release(): void;
}

/**
 * The main thread's own share of the lanes: a batch is made when the merge has read the last
 * one, through the same channel a worker uses (never full, so never waited on).
 */
export class LocalLines implements LineSource {
  private readonly reader: ChannelReader;
  private readonly maker: LineMaker;

  /** `regions`: the channel's size (see `channelRegions`). */
  constructor(model: ModelOptions, endMs: number, regions: number) {
    const channel = newChannelMemory(regions, false);
    this.reader = new ChannelReader(channel);
    this.maker = new LineMaker(model, endMs, channel, () => {});
  }

  get finished(): boolean {
    return this.reader.finished;
  }

  hasLine(): boolean {
    if (this.reader.hasLine()) return true;
    // No room while the regions read are kept (`keepRead`): the merge releases them and asks again.
    return !this.reader.finished && this.maker.fillAhead() && this.reader.hasLine();
  }

  get keepRead(): boolean {
    return this.reader.keepRead;
  }

  set keepRead(keep: boolean) {
    this.reader.keepRead = keep;
  }

  get keeps(): boolean {
    return this.reader.keeps;
  }

  release(): void {
    this.reader.release();
  }

  headKey(): number {
    return this.reader.headKey();
  }

  takeRun(bound: number, max: number, run: LineRun): void {
    this.reader.takeRun(bound, max, run);
  }

  take(line: LineRef): void {
    this.reader.take(line);
  }

  stat(which: number): number {
    return this.reader.stat(which);
  }

  /** Make a batch ahead, while the merge waits for a worker; false when there is no room (or no more to make). */
  makeAhead(): boolean {
    return this.maker.fillAhead();
  }
}
