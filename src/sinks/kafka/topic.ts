import { type Admin, ConfigResourceTypes, findErrorBy } from '@platformatic/kafka';
import { UBPError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';

/** Topic settings of SPEC §6 that we create a missing topic with and compare an existing one against. */
export const TOPIC_COMPRESSION = 'lz4';

export interface TopicRequest {
  partitions: number;
  replicationFactor: number;
  /** retention.ms of a topic we create (-1 = forever). */
  retentionMs: number;
  /** cleanup.policy of a topic we create (default delete). */
  cleanupPolicy?: 'compact' | 'delete';
}

export interface TopicState {
  /** The partition count the topic really has, which is what keys are hashed over. */
  partitions: number;
  created: boolean;
  brokers: number;
  /** The topic's retention.ms (-1 = forever; null when it could not be read). */
  retentionMs: number | null;
}

/**
 * Creates the topic when it is missing; otherwise uses it as it is and warns once about every
 * setting that differs from the request, because silently altering a shared topic is worse
 * than producing into a slightly different one.
 */
export async function ensureTopic(admin: Admin, topic: string, request: TopicRequest, logger: Logger): Promise<TopicState> {
  const cluster = await admin.metadata({ topics: [] });
  const brokers = cluster.brokers.size;
  const replicas = Math.min(request.replicationFactor, brokers);

  let created = false;
  const existing = await admin.listTopics();
  if (!existing.includes(topic)) {
    if (replicas < request.replicationFactor) {
      logger.warn(`replication factor ${request.replicationFactor} capped at ${replicas} because the cluster has ${brokers} broker(s)`, {
        topic,
        requested: request.replicationFactor,
        used: replicas,
      });
    }
    const configs = [
      { name: 'retention.ms', value: String(request.retentionMs) },
      { name: 'compression.type', value: TOPIC_COMPRESSION },
      ...(request.cleanupPolicy === 'compact' ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
      // Records carry their events' times; a run that gets ahead of the clock (from now at
      // --speed above 1) would be refused past Kafka's default of one hour ahead.
      { name: 'message.timestamp.after.max.ms', value: '9223372036854775807' },
    ];
    try {
      try {
        await admin.createTopics({ topics: [topic], partitions: request.partitions, replicas, configs });
      } catch (error) {
        // Brokers before Kafka 3.6 do not know the timestamp setting: create the topic without it.
        if (!findErrorBy(error as Error, 'apiId', 'INVALID_CONFIG')) throw error;
        const known = configs.filter((c) => c.name !== 'message.timestamp.after.max.ms');
        await admin.createTopics({ topics: [topic], partitions: request.partitions, replicas, configs: known });
      }
      created = true;
      logger.info(`created topic ${topic}`, { topic, partitions: request.partitions, replicationFactor: replicas });
    } catch (error) {
      // Another producer may have created it between our listing and our request: then it is simply existing.
      if (!findErrorBy(error as Error, 'apiId', 'TOPIC_ALREADY_EXISTS')) {
        throw new UBPError(
          'KAFKA_TOPIC',
          `Could not create topic "${topic}" with ${request.partitions} partitions and replication factor ${replicas}: ${describeKafkaError(error)}.`,
          { cause: error },
        );
      }
    }
  }

  const partitions = await waitForLeaders(admin, topic);
  if (created) await waitUntilServed(admin, topic, partitions);
  const retentionMs = created ? request.retentionMs : await warnAboutDifferences(admin, topic, request, partitions, replicas, logger);
  // A compacted topic keeps the latest record of every key, whatever its retention.ms.
  return { partitions, created, brokers, retentionMs: request.cleanupPolicy === 'compact' ? -1 : retentionMs };
}

/**
 * A freshly created topic has no leaders for a moment; producing then costs a round of retries,
 * so we wait here where the startup deadline already applies.
 */
async function waitForLeaders(admin: Admin, topic: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    const info = metadata.topics.get(topic);
    if (info !== undefined && info.partitions.length > 0 && info.partitions.every((p) => p.leader >= 0)) {
      return info.partitionsCount;
    }
    if (attempt >= 100) {
      throw new UBPError('KAFKA_TOPIC', `Topic "${topic}" still has partitions without a leader after 10 s; check the brokers' health.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Metadata names a leader some 50-200 ms before that broker serves the new partitions: a produce
 * in between gets NOT_LEADER_OR_FOLLOWER for some partitions, and the client then re-sends the
 * whole request, partitions that were written included. With idempotence the broker drops the
 * repeats; with --acks 1 they stayed in the topic (about 250 duplicates per fresh topic, found by
 * test/integration/kafka-cli.test.ts). ListOffsets is answered by the same partition leader code,
 * so once it succeeds for every partition, produce does too.
 */
async function waitUntilServed(admin: Admin, topic: string, partitions: number): Promise<void> {
  const request = {
    topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.listOffsets(request);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new UBPError(
          'KAFKA_TOPIC',
          `Topic "${topic}" was created but its partitions are not served after 10 s: ${describeKafkaError(error)}.`,
          {
            cause: error,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Warns about what differs from the request; returns the topic's retention.ms. */
async function warnAboutDifferences(
  admin: Admin,
  topic: string,
  request: TopicRequest,
  partitions: number,
  replicas: number,
  logger: Logger,
): Promise<number | null> {
  let configs: Map<string, string | null | undefined>;
  try {
    const [description] = await admin.describeConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configurationKeys: ['retention.ms', 'compression.type', 'cleanup.policy'],
        },
      ],
    });
    configs = new Map((description?.configs ?? []).map((c) => [c.name, c.value]));
  } catch (error) {
    throw new UBPError('KAFKA_TOPIC', `Could not read the configuration of topic "${topic}": ${describeKafkaError(error)}.`, {
      cause: error,
    });
  }
  const metadata = await admin.metadata({ topics: [topic] });
  const actualReplicas = metadata.topics.get(topic)?.partitions[0]?.replicas.length ?? replicas;

  const differences: string[] = [];
  if (partitions !== request.partitions) differences.push(`partitions ${partitions} (wanted ${request.partitions})`);
  if (actualReplicas !== replicas) differences.push(`replication factor ${actualReplicas} (wanted ${replicas})`);
  const retention = configs.get('retention.ms');
  if (retention !== String(request.retentionMs)) differences.push(`retention.ms ${retention} (wanted ${request.retentionMs})`);
  const compression = configs.get('compression.type');
  if (compression !== TOPIC_COMPRESSION) differences.push(`compression.type ${compression} (wanted ${TOPIC_COMPRESSION})`);
  const policy = configs.get('cleanup.policy');
  const wantPolicy = request.cleanupPolicy ?? 'delete';
  if (policy !== undefined && policy !== null && policy !== wantPolicy) differences.push(`cleanup.policy ${policy} (wanted ${wantPolicy})`);
  if (differences.length > 0) {
    logger.warn(`topic ${topic} exists with other settings, using it as it is: ${differences.join(', ')}`, {
      topic,
      partitions,
      replicationFactor: actualReplicas,
      retentionMs: retention,
      compressionType: compression,
    });
  }
  const ms = retention === null || retention === undefined ? Number.NaN : Number(retention);
  return Number.isInteger(ms) ? ms : null;
}

/** The innermost messages of the client's nested errors are the informative ones ("Connection to h:p failed."). */
export function describeKafkaError(error: unknown): string {
  const seen = new Set<string>();
  const walk = (e: unknown): void => {
    if (e === null || typeof e !== 'object') return;
    const inner = (e as { errors?: unknown[] }).errors;
    const cause = (e as { cause?: unknown }).cause;
    if (Array.isArray(inner) && inner.length > 0) {
      walk(inner[inner.length - 1]);
      return;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') seen.add(message.replace(/\.$/, ''));
    if (cause !== undefined) walk(cause);
  };
  walk(error);
  if (seen.size === 0) return error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
  return [...seen].join(': ');
}

/** Kafka's default producer.id.expiration.ms: how long a broker keeps a producer's de-duplication state. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000;

/**
 * producer.id.expiration.ms of a broker of the cluster (Kafka's default when it cannot be read,
 * e.g. without the right to describe the cluster's configs).
 */
export async function producerIdExpirationMs(admin: Admin): Promise<number> {
  try {
    const cluster = await admin.metadata({ topics: [] });
    const broker = cluster.brokers.keys().next().value;
    if (broker === undefined) return DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    const [description] = await admin.describeConfigs({
      resources: [
        { resourceType: ConfigResourceTypes.BROKER, resourceName: String(broker), configurationKeys: ['producer.id.expiration.ms'] },
      ],
    });
    const value = Number(description?.configs?.find((c) => c.name === 'producer.id.expiration.ms')?.value);
    return Number.isInteger(value) && value > 0 ? value : DEFAULT_PRODUCER_ID_EXPIRATION_MS;
  } catch {
    return DEFAULT_PRODUCER_ID_EXPIRATION_MS;
  }
}
