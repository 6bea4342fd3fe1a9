import { Admin, ProduceAcks, Producer, findErrorBy, type MessageToProduce, type ProduceResult } from '@platformatic/kafka';
import { UBPError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { KafkaSecurity } from '../../config/security.ts';
import { connectionSecurity, describeSecurity, securityFailure } from './connection.ts';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS, describeKafkaError, ensureTopic, producerIdExpirationMs, type TopicState } from './topic.ts';
import type { KafkaRouting } from './routing.ts';
import type { KafkaConfig } from '../../config/options.ts';
import type { Latin1Buffer } from '../../events/bytes.ts';
import { TAG_COUNT, type DeliveryListener, type RecordEncoder, type Sink } from '../sink.ts';

/** The resolved Kafka settings (checked by config/) and what only code sets. */
export interface KafkaSinkOptions extends KafkaConfig {
  /** Defaults to `user-behavior-producer`. */
  clientId?: string;
  /** Per connection attempt; the whole start-up is bounded by 30 s regardless. */
  connectTimeoutMs?: number;
}

export interface KafkaSink<T> extends Sink<T> {
  /** The first topic's real partition count, which keys are hashed over. */
  readonly partitions: number;
  /** Each topic's retention.ms as the broker has it (-1 = forever, null = unknown). */
  readonly retentionMs: ReadonlyMap<string, number | null>;
  /**
   * How long the cluster keeps a producer's de-duplication state, measured against record
   * timestamps: idempotence cannot drop a re-sent batch whose records are older than this.
   */
  readonly producerIdExpirationMs: number;
  /** Key and value bytes written and not yet acknowledged or failed (batching, waiting or in flight). */
  readonly bufferedBytes: number;
  /** Highest value bufferedBytes has reached, to check the memory bound. */
  readonly peakBufferedBytes: number;
}

/** SPEC §6: a dead cluster is reported within 30 s. */
const STARTUP_DEADLINE_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Java's max.request.size; keeps a request well under the broker's limits when there are many partitions. */
const MAX_REQUEST_BYTES = 1024 * 1024;
/**
 * Outstanding send() calls. With idempotence it must be one: the client reserves sequence
 * numbers when a send is dispatched, so when the head request gets a retriable error (seen with
 * NOT_LEADER_OR_FOLLOWER right after topic creation) the queued one reaches the broker first,
 * is refused with OUT_OF_ORDER_SEQUENCE_NUMBER, and the client's recovery gives up on it: 285
 * records lost in 2 of 12 runs at 2 outstanding. Throughput did not suffer: 1, 2, 3 and 5
 * measured the same within noise (60-90k records/s of 1 KB on the 2-core dev box), because the
 * client puts one request per connection on the wire anyway. Without idempotence there are no
 * sequences, and five matches Java's max.in.flight default.
 */
const MAX_SENDS_IDEMPOTENT = 1;
/**
 * Bounds of a send that merges several sealed batches: the whole request, and each
 * partition's share of it (one record batch on the wire, which the broker caps at about
 * 1 MB after compression; this bound holds even for data that does not compress).
 */
const MAX_MERGED_SEND_BYTES = 8 * 1024 * 1024;
const MAX_MERGED_PARTITION_BYTES = 768 * 1024;
const MAX_SENDS = 5;
/**
 * With the backoff below this keeps retrying for about 75 s when the broker refuses connections,
 * long enough to ride through a broker restart. It must be explicit: with idempotence and no
 * value the client retries forever and a dead cluster would hang flush().
 */
const SEND_RETRIES = 40;
const retryDelay = (_client: unknown, _operation: string, attempt: number): number => Math.min(100 * 2 ** Math.max(0, attempt - 1), 2_000);

/** What to do about a refusal, by Kafka's error name. */
const HINTS: Readonly<Record<string, string>> = {
  INVALID_TIMESTAMP:
    " (records carry their events' times, and the broker refuses times this far from its clock: a run from now at --speed above 1 runs ahead of it;" +
    ' use --record-timestamp send, an earlier --start, or a topic whose message.timestamp.after.max.ms allows it)',
};

const ACKS = { all: ProduceAcks.ALL, 1: ProduceAcks.LEADER, 0: ProduceAcks.NO_RESPONSE } as const;

/**
 * A record as the client takes it, plus our tag (the event type) for delivery reports and its
 * slot (topic and partition as one number); the client ignores extra fields.
 */
type OutRecord = MessageToProduce<Buffer, Buffer, Buffer, Buffer> & { tag: number; slot: number };

interface Batch {
  /** Sequence numbers of the sealed batches this send carries (several when merged). */
  readonly seqs: number[];
  readonly records: OutRecord[];
  readonly bytes: number;
  readonly valueBytes: number;
  sentAt: number;
}

/**
 * Connects, makes sure the topic exists, and returns a sink that batches records per call to
 * the client (which has no accumulator of its own) and keeps a few sends in flight.
 * Rejects with KAFKA_UNREACHABLE when no broker answers within 30 s.
 */
export async function createKafkaSink<T>(
  options: KafkaSinkOptions,
  encoder: RecordEncoder<T>,
  routing: KafkaRouting<T>,
  listener: DeliveryListener,
  logger: Logger,
): Promise<KafkaSink<T>> {
  const clientId = options.clientId ?? 'user-behavior-producer';
  // Idempotence is what makes acks=all safe across retries; it needs acks=all.
  const idempotent = options.acks === 'all';
  const address = options.bootstrapServers.join(',');
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;

  // A separate admin client with few retries: start-up must fail fast, the producer must not.
  const security = connectionSecurity(options.security, options.bootstrapServers);
  const admin = new Admin({
    ...security,
    clientId: `${clientId}-admin`,
    bootstrapBrokers: [...options.bootstrapServers],
    connectTimeout,
    retries: 3,
    retryDelay: 1_000,
    strict: true,
  });
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    ...security,
    clientId,
    bootstrapBrokers: [...options.bootstrapServers],
    connectTimeout,
    timeout: 10_000,
    retries: SEND_RETRIES,
    retryDelay,
    idempotent,
    acks: ACKS[options.acks],
    compression: options.compression,
    // Only acks=0 resolves sends on socket write; without this the socket buffer would be our unbounded queue.
    handleBackPressure: options.acks === 0,
    strict: true,
  });

  let deadline: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    deadline = setTimeout(() => {
      const why = `no answer within ${STARTUP_DEADLINE_MS / 1000} s`;
      const secure = securityFailure(`${why} (timed out)`, address, options.security);
      reject(new UBPError(secure === null ? 'KAFKA_UNREACHABLE' : 'KAFKA_SECURITY', secure ?? unreachableMessage(address, why)));
    }, STARTUP_DEADLINE_MS);
  });
  try {
    // Topics created together warn alike (a capped replication factor): say it once.
    const said = new Set<string>();
    const once: Logger = {
      ...logger,
      warn: (msg, fields) => {
        if (said.has(msg)) return;
        said.add(msg);
        logger.warn(msg, fields);
      },
    };
    let expirationMs = DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    const start = async () => {
      const states: TopicState[] = [];
      for (const [i, topic] of routing.topics.entries()) {
        const cleanupPolicy = routing.compacted?.[i] ? 'compact' : 'delete';
        states.push(await ensureTopic(admin, topic, { ...options, cleanupPolicy }, once));
      }
      expirationMs = idempotent ? await producerIdExpirationMs(admin) : DEFAULT_PRODUCER_ID_EXPIRATION_MS;
      // Fetching the producer id now surfaces a broker that refuses idempotence here rather than on the first batch.
      if (idempotent) await producer.initIdempotentProducer({});
      else await producer.metadata({ topics: [...routing.topics] });
      return states;
    };
    const states = await Promise.race([start(), timedOut]);
    logger.info(`connected to Kafka at ${address}`, {
      topic: routing.topics.length === 1 ? routing.topics[0] : options.topic,
      topics: routing.topics.length,
      partitions: states[0]!.partitions,
      brokers: states[0]!.brokers,
      security: describeSecurity(options.security),
      acks: options.acks,
      idempotent,
      compression: options.compression,
    });
    return new KafkaSinkImpl(producer, options, idempotent, encoder, routing, states, expirationMs, listener, logger);
  } catch (error) {
    await producer.close(true).catch(() => {});
    throw toStartupError(error, address, options.topic, options.security);
  } finally {
    clearTimeout(deadline);
    await admin.close().catch(() => {});
  }
}

function unreachableMessage(address: string, why: string): string {
  return `Could not reach Kafka at ${address} (${why}); start a broker there or pass the right --bootstrap-servers.`;
}

function toStartupError(error: unknown, address: string, topic: string, security: KafkaSecurity): UBPError {
  if (error instanceof UBPError) return error;
  const detail = describeKafkaError(error);
  const secure = securityFailure(detail, address, security);
  if (secure !== null) return new UBPError('KAFKA_SECURITY', secure, { cause: error });
  if (findErrorBy(error as Error, 'code', 'PLT_KFK_NETWORK')) {
    return new UBPError('KAFKA_UNREACHABLE', unreachableMessage(address, detail), { cause: error, retriable: true });
  }
  return new UBPError('KAFKA_TOPIC', `Could not set up topic "${topic}" on ${address}: ${detail}.`, { cause: error });
}

/**
 * Java's partitioner: murmur2 of the key bytes, sign bit cleared, modulo the partition count.
 * The client's own compatibilityPartitioner computes the same with BigInt at about 0.8 µs a key;
 * 32-bit Math.imul is ~30x faster, and we need the partition before send() to size batches.
 */
export function javaPartition(key: Uint8Array, partitions: number): number {
  const m = 0x5bd1e995;
  const length = key.length;
  let h = 0x9747b28c ^ length;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    let k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= key[i + 2]! << 16;
  if (rest >= 2) h ^= key[i + 1]! << 8;
  if (rest >= 1) {
    h ^= key[i]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return (h & 0x7fffffff) % partitions;
}

/** Kafka's error name (e.g. RECORD_LIST_TOO_LARGE) anywhere in the client's nested errors. */
function protocolErrorIds(error: unknown, out: string[] = []): string[] {
  if (error === null || typeof error !== 'object') return out;
  const { apiId, errors, cause } = error as { apiId?: unknown; errors?: Record<string, unknown>; cause?: unknown };
  if (typeof apiId === 'string' && !out.includes(apiId)) out.push(apiId);
  for (const inner of Object.values(errors ?? {})) protocolErrorIds(inner, out);
  return protocolErrorIds(cause, out);
}

/** The error name that says most: one we have advice for, else the first (a request-level one). */
function protocolErrorId(error: unknown): string | undefined {
  const ids = protocolErrorIds(error);
  return ids.find((id) => HINTS[id] !== undefined) ?? ids[0];
}

class KafkaSinkImpl<T> implements KafkaSink<T> {
  readonly name = 'kafka';
  readonly partitions: number;
  readonly retentionMs: ReadonlyMap<string, number | null>;
  readonly producerIdExpirationMs: number;

  readonly #encoder: RecordEncoder<T>;
  readonly #routing: KafkaRouting<T>;
  readonly #topics: readonly string[];
  /** Per topic: its partition count, and where its partitions start among all slots. */
  readonly #partitionCounts: Int32Array;
  readonly #slotBase: Int32Array;
  /** Per topic, for records without a key: the partition being filled and the bytes it got so far. */
  readonly #stickyPartition: Int32Array;
  readonly #stickyBytes: Float64Array;
  /** Each value is encoded here, then copied into a Buffer of its own size. */
  readonly #scratch: Latin1Buffer;

  readonly #producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #topic: string;
  readonly #listener: DeliveryListener;
  readonly #logger: Logger;
  readonly #batchSizeBytes: number;
  readonly #lingerMs: number;
  readonly #bufferMemoryBytes: number;
  readonly #maxSends: number;

  // The batch being filled.
  #records: OutRecord[] = [];
  #batchBytes = 0;
  #batchValueBytes = 0;
  /** Bytes of the open batch per slot (topic and partition). */
  readonly #partitionBytes: Int32Array;
  #linger: NodeJS.Timeout | undefined;

  // Sealed batches waiting for a send slot, and the sequence numbers of every unsettled batch
  // (a Set iterates in insertion order, so its first element is the oldest pending batch).
  readonly #waiting: Batch[] = [];
  readonly #pending = new Set<number>();
  #nextSeq = 0;
  #sending = 0;
  #socketBlocked = false;

  #bufferedBytes = 0;
  #peakBufferedBytes = 0;
  #readyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #flushWaiters: { upTo: number; resolve: () => void }[] = [];
  #fatal: UBPError | undefined;
  #closing: Promise<void> | undefined;
  readonly #reportedKinds = new Set<string>();
  #disconnected = false;

  constructor(
    producer: Producer<Buffer, Buffer, Buffer, Buffer>,
    options: KafkaSinkOptions,
    idempotent: boolean,
    encoder: RecordEncoder<T>,
    routing: KafkaRouting<T>,
    states: readonly TopicState[],
    producerIdExpirationMs: number,
    listener: DeliveryListener,
    logger: Logger,
  ) {
    this.producerIdExpirationMs = producerIdExpirationMs;
    this.#producer = producer;
    this.#encoder = encoder;
    this.#routing = routing;
    this.#scratch = Buffer.allocUnsafe(encoder.maxBytes) as Latin1Buffer;
    this.#topic = options.topic;
    this.#topics = routing.topics;
    this.#partitionCounts = Int32Array.from(states, (s) => s.partitions);
    this.#slotBase = new Int32Array(states.length);
    let slots = 0;
    states.forEach((s, i) => {
      this.#slotBase[i] = slots;
      slots += s.partitions;
    });
    this.#stickyPartition = new Int32Array(states.length);
    this.#stickyBytes = new Float64Array(states.length);
    this.partitions = states[0]!.partitions;
    this.retentionMs = new Map(routing.topics.map((topic, i) => [topic, states[i]!.retentionMs]));
    this.#listener = listener;
    this.#logger = logger;
    this.#batchSizeBytes = options.batchSizeBytes;
    this.#lingerMs = options.lingerMs;
    this.#bufferMemoryBytes = options.bufferMemoryBytes;
    this.#maxSends = idempotent ? MAX_SENDS_IDEMPOTENT : MAX_SENDS;
    this.#partitionBytes = new Int32Array(slots);

    producer.on('client:broker:drain', () => {
      this.#socketBlocked = false;
      this.#pump();
    });
    producer.on('client:broker:disconnect', ({ broker }) => {
      if (this.#closing !== undefined || this.#disconnected) return;
      this.#disconnected = true;
      this.#logger.warn(`lost the connection to Kafka broker ${broker.host}:${broker.port}, retrying`, { topic: this.#topic });
    });
    producer.on('client:broker:connect', ({ broker }) => {
      if (!this.#disconnected) return;
      this.#disconnected = false;
      this.#logger.info(`reconnected to Kafka broker ${broker.host}:${broker.port}`, { topic: this.#topic });
    });
  }

  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  get peakBufferedBytes(): number {
    return this.#peakBufferedBytes;
  }

  write(item: T): boolean {
    if (this.#closing !== undefined) {
      throw new UBPError('SINK_CLOSED', `The Kafka sink for topic "${this.#topic}" is closed and cannot take more records.`);
    }
    const encoder = this.#encoder;
    const routing = this.#routing;
    const tag = encoder.tag(item);
    const t = routing.topicOf(item);
    const key = routing.key(item);
    const keyBytes = key === null ? undefined : Buffer.from(key, 'utf8');
    const valueBytes = Buffer.from(this.#scratch.subarray(0, encoder.encodeInto(item, this.#scratch, 0)));
    const size = (keyBytes?.length ?? 0) + valueBytes.length;
    const partition = keyBytes === undefined ? this.#sticky(t, size) : javaPartition(keyBytes, this.#partitionCounts[t]!);
    const slot = this.#slotBase[t]! + partition;
    const ms = routing.timestampMs(item);
    this.#records.push({
      topic: this.#topics[t]!,
      key: keyBytes,
      value: valueBytes,
      partition,
      timestamp: ms === undefined ? undefined : BigInt(ms),
      headers: routing.headers(item) as Map<Buffer, Buffer> | undefined,
      tag,
      slot,
    });
    this.#batchBytes += size;
    this.#batchValueBytes += valueBytes.length;
    const partitionBytes = (this.#partitionBytes[slot]! += size);
    this.#bufferedBytes += size;
    if (this.#bufferedBytes > this.#peakBufferedBytes) this.#peakBufferedBytes = this.#bufferedBytes;

    const full = this.#bufferedBytes >= this.#bufferMemoryBytes;
    // Like Java's accumulator, a full buffer makes the open batch sendable at once: waiting for
    // the linger timer while the writer is paused would only add latency.
    if (full || partitionBytes >= this.#batchSizeBytes || this.#batchBytes >= MAX_REQUEST_BYTES) {
      this.#seal();
    } else if (this.#records.length === 1) {
      this.#linger = setTimeout(() => this.#seal(), this.#lingerMs);
    }
    return !full && this.#fatal === undefined;
  }

  /**
   * The partition for a record without a key: like the Java client's sticky partitioner, fill
   * one partition with a batch's worth of bytes, then move on to the next.
   */
  #sticky(t: number, size: number): number {
    if (this.#stickyBytes[t]! >= this.#batchSizeBytes) {
      this.#stickyPartition[t] = (this.#stickyPartition[t]! + 1) % this.#partitionCounts[t]!;
      this.#stickyBytes[t] = 0;
    }
    this.#stickyBytes[t]! += size;
    return this.#stickyPartition[t]!;
  }

  ready(): Promise<void> {
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    if (this.#bufferedBytes < this.#bufferMemoryBytes) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  flush(): Promise<void> {
    this.#seal();
    const upTo = this.#nextSeq - 1;
    if (this.#oldestPending() > upTo) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push({ upTo, resolve }));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.flush();
      await this.#producer.close();
    })();
    return this.#closing;
  }

  #seal(): void {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    if (this.#records.length === 0) return;
    const batch: Batch = {
      seqs: [this.#nextSeq++],
      records: this.#records,
      bytes: this.#batchBytes,
      valueBytes: this.#batchValueBytes,
      sentAt: 0,
    };
    this.#records = [];
    this.#batchBytes = 0;
    this.#batchValueBytes = 0;
    this.#partitionBytes.fill(0);
    this.#pending.add(batch.seqs[0]!);
    this.#waiting.push(batch);
    this.#pump();
  }

  #pump(): void {
    while (this.#waiting.length > 0 && this.#sending < this.#maxSends && !this.#socketBlocked) {
      const batch = this.#takeWaiting();
      if (this.#fatal !== undefined) {
        this.#settle(batch, 0, this.#fatal);
        continue;
      }
      this.#sending++;
      batch.sentAt = performance.now();
      this.#producer.send({ messages: batch.records }).then(
        (result) => this.#onSent(batch, result),
        (error: unknown) => this.#onFailed(batch, error),
      );
    }
  }

  /**
   * The next send: the oldest sealed batch, merged with the ones sealed behind it while the
   * request stays within bounds. Sends go out one at a time with idempotence, so batches
   * sealed during a round trip would otherwise each wait for a round trip of their own;
   * merged, the request grows with the round trip and the broker stays busy.
   */
  #takeWaiting(): Batch {
    const first = this.#waiting.shift()!;
    if (this.#waiting.length === 0 || this.#fatal !== undefined) return first;
    const perPartition = new Int32Array(this.#partitionBytes.length);
    const add = (batch: Batch, commit: boolean): boolean => {
      const extra = new Int32Array(this.#partitionBytes.length);
      for (const r of batch.records) extra[r.slot]! += (r.key?.length ?? 0) + r.value!.length;
      for (let p = 0; p < extra.length; p++) if (perPartition[p]! + extra[p]! > MAX_MERGED_PARTITION_BYTES) return false;
      if (commit) for (let p = 0; p < extra.length; p++) perPartition[p]! += extra[p]!;
      return true;
    };
    add(first, true);
    const merged = { seqs: [...first.seqs], records: [...first.records], bytes: first.bytes, valueBytes: first.valueBytes, sentAt: 0 };
    while (this.#waiting.length > 0) {
      const next = this.#waiting[0]!;
      if (merged.bytes + next.bytes > MAX_MERGED_SEND_BYTES || !add(next, true)) break;
      this.#waiting.shift();
      merged.seqs.push(...next.seqs);
      for (const r of next.records) merged.records.push(r);
      merged.bytes += next.bytes;
      merged.valueBytes += next.valueBytes;
    }
    return merged;
  }

  #onSent(batch: Batch, result: ProduceResult): void {
    this.#sending--;
    if (result.unwritableNodes !== undefined && result.unwritableNodes.length > 0) {
      // acks=0: the request sits in the socket buffer; hold further sends until it drains.
      this.#socketBlocked = true;
    }
    this.#settle(batch, batch.records.length, undefined);
  }

  #onFailed(batch: Batch, error: unknown): void {
    this.#sending--;
    // The client retried already (with the same producer id and sequences when idempotent), so
    // a send that still failed is final: re-sending it from here could duplicate whatever part
    // the broker did write, because the client has reset its producer id by now.
    const cause = error instanceof Error ? error : new Error(String(error));
    const retriesExhausted = !findErrorBy(cause, 'canRetry', false);
    const detail = describeKafkaError(cause);
    const offsets = (cause as { produced?: ProduceResult }).produced?.offsets ?? [];
    const landed = new Set(offsets.map((o) => this.#slotBase[this.#topics.indexOf(o.topic)]! + o.partition));
    let delivered = 0;
    if (landed.size > 0) {
      // Partitions led by a broker that did answer were written; only the rest is lost.
      batch.records.sort((a, b) => Number(landed.has(b.slot)) - Number(landed.has(a.slot)));
      while (delivered < batch.records.length && landed.has(batch.records[delivered]!.slot)) delivered++;
    }
    const kind = protocolErrorId(cause) ?? detail;
    const failure = new UBPError(
      'KAFKA_DELIVERY',
      `Kafka did not acknowledge ${batch.records.length - delivered} records for topic "${this.#topic}": ${detail}${HINTS[kind] ?? ''}.`,
      { cause, retriable: retriesExhausted },
    );
    if (this.#fatal === undefined) {
      // A send that failed for good means the rest would fail the same way (the cluster stayed
      // away for the whole retry window, or it refuses these records): stop, and let the caller
      // say why. Batches already in flight still settle and are counted.
      this.#fatal = retriesExhausted
        ? new UBPError(
            'KAFKA_DELIVERY',
            `Kafka stayed unreachable for the whole retry window while producing to topic "${this.#topic}": ${detail}.`,
            {
              cause,
              retriable: true,
            },
          )
        : failure;
      this.#reportedKinds.add(kind);
      for (const waiter of this.#readyWaiters) waiter.reject(this.#fatal);
      this.#readyWaiters = [];
    } else if (!this.#reportedKinds.has(kind)) {
      this.#reportedKinds.add(kind);
      this.#logger.error(failure.message, { topic: this.#topic, retriesExhausted });
    }
    this.#settle(batch, delivered, failure);
  }

  #settle(batch: Batch, delivered: number, failure: UBPError | undefined): void {
    this.#bufferedBytes -= batch.bytes;
    for (const seq of batch.seqs) this.#pending.delete(seq);
    if (batch.sentAt > 0) this.#listener.requestCompleted?.((performance.now() - batch.sentAt) / 1000);
    // Records [0, delivered) were acknowledged, the rest failed (see #onFailed's ordering).
    const tags = (from: number, to: number): Uint32Array => {
      const counts = new Uint32Array(TAG_COUNT);
      for (let i = from; i < to; i++) counts[batch.records[i]!.tag & (TAG_COUNT - 1)]!++;
      return counts;
    };
    if (delivered === batch.records.length) {
      this.#listener.delivered(delivered, batch.valueBytes, tags(0, delivered));
    } else {
      if (delivered > 0) {
        let bytes = 0;
        for (let i = 0; i < delivered; i++) bytes += batch.records[i]!.value!.length;
        this.#listener.delivered(delivered, bytes, tags(0, delivered));
      }
      this.#listener.failed(batch.records.length - delivered, failure!, tags(delivered, batch.records.length));
    }
    this.#settleWaiters();
    this.#pump();
  }

  #oldestPending(): number {
    for (const seq of this.#pending) return seq;
    return Number.POSITIVE_INFINITY;
  }

  #settleWaiters(): void {
    if (this.#fatal === undefined && this.#bufferedBytes < this.#bufferMemoryBytes && this.#readyWaiters.length > 0) {
      const waiters = this.#readyWaiters;
      this.#readyWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
    if (this.#flushWaiters.length > 0) {
      const oldest = this.#oldestPending();
      const done = this.#flushWaiters.filter((w) => w.upTo < oldest);
      if (done.length > 0) {
        this.#flushWaiters = this.#flushWaiters.filter((w) => w.upTo >= oldest);
        for (const waiter of done) waiter.resolve();
      }
    }
  }
}
