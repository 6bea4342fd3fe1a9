import { encodeEvent, type EncodedEvent, type EventEncoder } from '../events/encoded.ts';
import { eventId } from '../events/event.ts';
import type { EventRecord } from '../model/activity.ts';
import { TimeHeap } from '../model/heap.ts';
import { runToSink, type StopReason, type Stepper } from '../runtime/runner.ts';
import type { Sink } from '../sinks/sink.ts';
import type { FaultPlan } from './faults.ts';
import type { TruthRecorder } from './truth.ts';

/** An event waiting for its delivery time. */
interface Held {
  /** When it is delivered (simulated Unix ms): the heap orders by it. */
  timeMs: number;
  /** Order of holding, for ties: events held together leave in the order they were made. */
  readonly seq: number;
  heapIndex: number;
  readonly item: EncodedEvent;
}

/**
 * The delivery layer: between the stepper and the sink, it holds events back (late) and
 * repeats them (duplicates) as the fault plan says, in simulated time, and tells the answer
 * key about every event and fault. It never changes an event: what it holds or repeats is the
 * event's own bytes. Everything goes to the sink as an EncodedEvent.
 */
export class DeliveryStage {
  private readonly plan: FaultPlan;
  private readonly encoder: EventEncoder;
  private readonly instanceTag: string;
  private readonly truth: TruthRecorder | null;
  private readonly held = new TimeHeap<Held>();
  private heldSeq = 0;
  /** Ready to go to the sink, in order. */
  private readonly outbox: EncodedEvent[] = [];
  private outboxHead = 0;
  /** Most events held at once, for the memory bound. */
  maxHeld = 0;

  constructor(plan: FaultPlan, encoder: EventEncoder, instanceTag: string, truth: TruthRecorder | null) {
    this.plan = plan;
    this.encoder = encoder;
    this.instanceTag = instanceTag;
    this.truth = truth;
  }

  get heldCount(): number {
    return this.held.size;
  }

  /**
   * One event from the stepper, at its simulated time: first whatever held event is due by
   * then goes out, then this one, unless it is held itself.
   */
  accept(rec: EventRecord): void {
    const now = rec.timeMs;
    this.release(now);
    this.truth?.add(rec);
    const late = this.plan.lateness(rec);
    const lag = this.plan.duplicateLag();
    const item = encodeEvent(rec, this.encoder);
    if (late > 0 || lag >= 0) {
      const id = eventId(rec, this.instanceTag);
      if (late > 0) this.truth?.lateDelivery(id, late);
      if (lag >= 0) this.truth?.duplicate(id);
    }
    if (late > 0) this.hold(item, now + late);
    else this.outbox.push(item);
    if (lag >= 0) this.hold(item, now + late + lag);
  }

  /** The run is over: every held event goes out now, in the order it was due. */
  releaseAll(): void {
    this.release(Infinity);
  }

  /** The next item for the sink, or undefined when there is none. */
  next(): EncodedEvent | undefined {
    if (this.outboxHead === this.outbox.length) return undefined;
    const item = this.outbox[this.outboxHead++];
    if (this.outboxHead === this.outbox.length) {
      this.outbox.length = 0;
      this.outboxHead = 0;
    }
    return item;
  }

  private hold(item: EncodedEvent, dueMs: number): void {
    this.held.push({ timeMs: dueMs, seq: this.heldSeq++, heapIndex: -1, item });
    if (this.held.size > this.maxHeld) this.maxHeld = this.held.size;
  }

  private release(nowMs: number): void {
    for (let top = this.held.peek(); top !== undefined && top.timeMs <= nowMs; top = this.held.peek()) {
      this.held.pop();
      this.outbox.push(top.item);
    }
  }
}

/**
 * `runToSink` with a delivery stage in between. When the run stops (for any reason) the events
 * still held are delivered at once, so every event made is delivered and the answer key covers
 * exactly what the sink got.
 */
export async function runWithFaults(
  stepper: Stepper,
  stage: DeliveryStage,
  sink: Sink<EncodedEvent>,
  signal?: AbortSignal,
): Promise<StopReason> {
  const throughStage = {
    write: (rec: EventRecord): boolean => {
      stage.accept(rec);
      let more = true;
      for (let item = stage.next(); item !== undefined; item = stage.next()) more = sink.write(item) && more;
      return more;
    },
    ready: () => sink.ready(),
  };
  const reason = await runToSink(stepper, throughStage, signal);
  stage.releaseAll();
  for (let item = stage.next(); item !== undefined; item = stage.next()) {
    if (!sink.write(item)) await sink.ready();
  }
  return reason;
}
