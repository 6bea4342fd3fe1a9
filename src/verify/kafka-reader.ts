import { randomUUID } from 'node:crypto';
import { Admin, Consumer, FetchIsolationLevels, ListOffsetTimestamps, findErrorBy } from '@platformatic/kafka';
import { UBPError } from '../errors.ts';
import { PLAINTEXT, type KafkaSecurity } from '../config/security.ts';
import { connectionSecurity, securityFailure } from '../sinks/kafka/connection.ts';
import { describeKafkaError } from '../sinks/kafka/topic.ts';

export interface ReadTopicOptions {
  bootstrapServers: readonly string[];
  topic: string;
  /** How to reach a secured cluster (default plaintext). */
  security?: KafkaSecurity;
  /** The whole read must finish within this (default 10 minutes). */
  timeoutMs?: number;
  /** Give up when no partition advances for this long (default 30 s). */
  idleMs?: number;
  /** Per connection attempt (default 5 s). */
  connectTimeoutMs?: number;
}

export interface ReadRecord {
  key: string | null;
  /** The value as UTF-8 text (a JSON event) ... */
  value: string;
  /** ... and as it came, for values in a binary format. */
  bytes: Buffer;
  partition: number;
  offset: bigint;
  timestamp?: bigint;
  /** Record headers by name (absent when the record has none). */
  headers?: Map<string, string>;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const EMPTY = Buffer.alloc(0);
const DEFAULT_IDLE_MS = 30_000;
/**
 * Bytes per partition and per request. Measured on 2.7M records (3.6 GB, 12 partitions, 2 cores):
 * 1 MiB / 12 MiB read in 11-13 s at ~500 MB RSS, 8 MiB / 64 MiB took 19 s at 860 MB, because
 * big responses are parsed in one go while nothing else runs and leave more garbage behind.
 */
const PARTITION_MAX_BYTES = 1024 * 1024;
const REQUEST_MAX_BYTES = 12 * 1024 * 1024;
/** Short: the end offsets are known, so a long-poll only delays noticing a partition that has nothing more. */
const MAX_WAIT_MS = 100;
/** Batches whose attributes have this bit are transaction markers, not data. */
const IS_CONTROL = 0b10_0000;

interface PartitionState {
  partition: number;
  /** Next offset to fetch; everything below it has been handed out. */
  next: bigint;
  /** The end offset observed at the start: reading stops here even if producers keep writing. */
  end: bigint;
  leader: number;
}

type Client = Consumer<Buffer, Buffer, Buffer, Buffer>;
type FetchResponse = Awaited<ReturnType<Client['fetch']>>;

/**
 * Reads every record of a topic, all partitions, from the earliest offsets up to the end offsets
 * observed when it starts, then stops and closes its connections.
 *
 * It fetches the partitions directly, without joining a consumer group: a group join costs a
 * rebalance round (seconds on a default broker) and leaves group state behind, while a one-shot
 * reader needs neither assignment nor committed offsets. Each leader gets one fetch at a time,
 * and the next fetch goes out before the records of the previous one are handed to the caller,
 * so parsing on our side overlaps the broker's work.
 *
 * Records come out in offset order within a partition; partitions are interleaved.
 * Errors are UBPError: KAFKA_UNREACHABLE when no broker answers, VERIFY for a missing topic,
 * a timeout or a read that stops making progress.
 */
export async function* readTopic(options: ReadTopicOptions): AsyncGenerator<ReadRecord> {
  const { topic } = options;
  const address = options.bootstrapServers.join(',');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const started = Date.now();
  const consumer = newConsumer(options);
  // Fetch resolves topic ids through the topics the consumer tracks; a group consumer tracks them on join.
  consumer.topics.track(topic);
  try {
    const partitions = await describe(consumer, options);
    const todo = new Map<number, PartitionState>();
    for (const p of partitions) if (p.next < p.end) todo.set(p.partition, p);
    if (todo.size === 0) return;

    let topicId = '';
    let lastProgress = Date.now();
    // One outstanding fetch per leader node: its promise and the partitions it covers.
    const inflight = new Map<number, Promise<{ node: number; response?: FetchResponse; error?: unknown }>>();

    const refreshLeaders = async (): Promise<void> => {
      const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true });
      const info = metadata.topics.get(topic);
      if (info === undefined) throw missingTopic(topic, address);
      topicId = info.id;
      for (const state of todo.values()) state.leader = info.partitions[state.partition]?.leader ?? -1;
    };

    const launch = (node: number): void => {
      const mine = [...todo.values()].filter((s) => s.leader === node);
      if (mine.length === 0 || inflight.has(node)) return;
      const request = consumer
        .fetch({
          node,
          topics: [
            {
              topicId,
              partitions: mine.map((s) => ({
                partition: s.partition,
                fetchOffset: s.next,
                partitionMaxBytes: PARTITION_MAX_BYTES,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
            },
          ],
          maxWaitTime: MAX_WAIT_MS,
          maxBytes: REQUEST_MAX_BYTES,
        })
        .then(
          (response) => ({ node, response }),
          (error: unknown) => ({ node, error }),
        );
      inflight.set(node, request);
    };

    const launchAll = (): void => {
      // A partition without a leader (-1) waits for the next metadata refresh.
      for (const node of new Set([...todo.values()].map((s) => s.leader))) if (node >= 0) launch(node);
    };

    await refreshLeaders();
    launchAll();
    while (todo.size > 0) {
      const remaining = timeoutMs - (Date.now() - started);
      const idle = idleMs - (Date.now() - lastProgress);
      const outcome =
        inflight.size > 0
          ? await withTimeout(Promise.race(inflight.values()), Math.min(remaining, idle))
          : await pause(Math.min(200, remaining, idle));
      if (outcome === undefined && (Date.now() - started >= timeoutMs || Date.now() - lastProgress >= idleMs)) {
        const position = [...todo.values()].map((s) => `${s.partition}@${s.next}/${s.end}`).join(', ');
        const why =
          remaining <= idle
            ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
            : `made no progress for ${Math.round(idleMs / 1000)} s`;
        throw new UBPError('VERIFY', `Reading topic "${topic}" from ${address} ${why} (partition@next/end: ${position}).`);
      }
      if (outcome === undefined) {
        // No leader known for what is left: look again.
        await refreshLeaders().catch(() => {});
        launchAll();
        continue;
      }
      inflight.delete(outcome.node);
      if (outcome.error !== undefined) {
        if (!isRetriable(outcome.error)) throw readError(outcome.error, topic, address, options.security);
        // Leadership moved or the connection dropped: the client has retried already, so look up
        // the leaders again and carry on until the idle limit says otherwise.
        await pause(200);
        await refreshLeaders().catch(() => {});
        launchAll();
        continue;
      }
      const out = collect(outcome.response!, todo);
      if (out.length > 0) lastProgress = Date.now();
      // Ask for the next chunk before handing this one out, so the broker works while the caller does.
      launchAll();
      for (const record of out) yield record;
      // Time the caller spent on these records is not the broker's silence.
      if (out.length > 0) lastProgress = Date.now();
    }
  } finally {
    await consumer.close(true).catch(() => {});
  }
}

/** The partition count of a topic; rejects like readTopic when the broker or the topic is missing. */
export async function topicPartitionCount(
  options: Pick<ReadTopicOptions, 'bootstrapServers' | 'topic' | 'connectTimeoutMs' | 'security'>,
): Promise<number> {
  const consumer = newConsumer(options);
  try {
    const metadata = await consumer.metadata({ topics: [options.topic] }).catch((error: unknown) => {
      throw readError(error, options.topic, options.bootstrapServers.join(','), options.security);
    });
    const info = metadata.topics.get(options.topic);
    if (info === undefined) throw missingTopic(options.topic, options.bootstrapServers.join(','));
    return info.partitionsCount;
  } finally {
    await consumer.close(true).catch(() => {});
  }
}

/** Which of `topics` exist (asked by listing the cluster's topics, which creates none). */
export async function existingTopics(
  options: Pick<ReadTopicOptions, 'bootstrapServers' | 'connectTimeoutMs' | 'security'>,
  topics: readonly string[],
): Promise<string[]> {
  const admin = new Admin({
    ...connectionSecurity(options.security ?? PLAINTEXT, options.bootstrapServers),
    clientId: 'ubp-reader-admin',
    bootstrapBrokers: [...options.bootstrapServers],
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    retries: 3,
    retryDelay: 500,
    strict: true,
  });
  try {
    const all = new Set(await admin.listTopics());
    return topics.filter((t) => all.has(t));
  } catch (error) {
    throw readError(error, topics.join(', '), options.bootstrapServers.join(','), options.security);
  } finally {
    await admin.close().catch(() => {});
  }
}

function newConsumer(options: Pick<ReadTopicOptions, 'bootstrapServers' | 'connectTimeoutMs' | 'security'>): Client {
  return new Consumer<Buffer, Buffer, Buffer, Buffer>({
    ...connectionSecurity(options.security ?? PLAINTEXT, options.bootstrapServers),
    clientId: 'ubp-reader',
    // Required by the client's constructor; never joined, so no group is created on the broker.
    groupId: `ubp-reader-${randomUUID()}`,
    bootstrapBrokers: [...options.bootstrapServers],
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    retries: 3,
    retryDelay: 500,
    autocommit: false,
    // Set here rather than per call: in 2.12.1 listOffsets' option schema wants a string where the
    // enum has numbers, so a per-call value never validates. Nothing of ours writes transactionally,
    // and READ_COMMITTED would hide the records of a producer that died mid-transaction, which a
    // check should see.
    isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
    strict: true,
  });
}

/** Partition list with the earliest and end offsets, taken once at the start. */
async function describe(consumer: Client, options: ReadTopicOptions): Promise<PartitionState[]> {
  const { topic } = options;
  const address = options.bootstrapServers.join(',');
  try {
    const metadata = await consumer.metadata({ topics: [topic] });
    const info = metadata.topics.get(topic);
    if (info === undefined) throw missingTopic(topic, address);
    const offsets = async (timestamp: bigint): Promise<bigint[]> =>
      (await consumer.listOffsets({ topics: [topic], timestamp })).get(topic)!;
    const [start, end] = await Promise.all([offsets(ListOffsetTimestamps.EARLIEST), offsets(ListOffsetTimestamps.LATEST)]);
    return info.partitions.map((p, partition) => ({ partition, next: start[partition]!, end: end[partition]!, leader: p.leader }));
  } catch (error) {
    throw readError(error, topic, address, options.security);
  }
}

/** Turns one fetch response into records, advancing each partition and retiring finished ones. */
function collect(response: FetchResponse, todo: Map<number, PartitionState>): ReadRecord[] {
  const out: ReadRecord[] = [];
  for (const topicResponse of response.responses) {
    for (const { partitionIndex, records: batches } of topicResponse.partitions) {
      const state = todo.get(partitionIndex);
      // In an incremental fetch session the broker may still send a partition we have finished.
      if (state === undefined || batches === undefined || batches === null) continue;
      for (const batch of batches) {
        const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
        if ((batch.attributes & IS_CONTROL) === 0) {
          for (const record of batch.records) {
            const offset = batch.firstOffset + BigInt(record.offsetDelta);
            // A fetch returns whole batches, which may start before the requested offset and end past the observed end.
            if (offset < state.next || offset >= state.end) continue;
            out.push({
              key: record.key === undefined || record.key === null ? null : record.key.toString('utf8'),
              value: record.value === undefined || record.value === null ? '' : record.value.toString('utf8'),
              bytes: record.value ?? EMPTY,
              partition: partitionIndex,
              offset,
              timestamp: batch.firstTimestamp + record.timestampDelta,
              ...(record.headers.length > 0
                ? { headers: new Map(record.headers.map(([k, v]) => [k?.toString('utf8') ?? '', v?.toString('utf8') ?? ''])) }
                : {}),
            });
          }
        }
        if (last + 1n > state.next) state.next = last + 1n;
      }
      if (state.next >= state.end) todo.delete(partitionIndex);
    }
  }
  return out;
}

function pause(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), Math.max(0, ms)));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function isRetriable(error: unknown): boolean {
  return error instanceof Error && !findErrorBy(error, 'canRetry', false) && !(error instanceof UBPError);
}

function missingTopic(topic: string, address: string): UBPError {
  return new UBPError('VERIFY', `Topic "${topic}" does not exist on Kafka at ${address}.`);
}

function readError(error: unknown, topic: string, address: string, security: KafkaSecurity = PLAINTEXT): UBPError {
  if (error instanceof UBPError) return error;
  const detail = describeKafkaError(error);
  const secure = securityFailure(detail, address, security);
  if (secure !== null) return new UBPError('KAFKA_SECURITY', secure, { cause: error });
  if (
    findErrorBy(error as Error, 'apiId', 'UNKNOWN_TOPIC_OR_PARTITION') ||
    findErrorBy(error as Error, 'apiId', 'UNKNOWN_TOPIC_ID') ||
    // The client's metadata call reports a missing topic as a UserError with this text.
    findErrorBy(error as Error, 'message', `Unknown topic ${topic}.`)
  ) {
    return missingTopic(topic, address);
  }
  if (findErrorBy(error as Error, 'code', 'PLT_KFK_NETWORK')) {
    return new UBPError(
      'KAFKA_UNREACHABLE',
      `Could not read topic "${topic}" from Kafka at ${address} (${detail}); check that a broker runs there.`,
      {
        cause: error,
        retriable: true,
      },
    );
  }
  return new UBPError('VERIFY', `Could not read topic "${topic}" from Kafka at ${address}: ${detail}.`, { cause: error });
}
