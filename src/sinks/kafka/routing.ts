/**
 * Where each record goes and what it carries besides its value: the topic, the key, the
 * timestamp, the headers. Chosen when the sink is built, like its encoder.
 */
export interface KafkaRouting<T> {
  /** Every topic a record may go to; each is created when missing. */
  readonly topics: readonly string[];
  /** Per topic: created with `cleanup.policy=compact` (a table keyed by the record key) rather than delete. Default: none. */
  readonly compacted?: readonly boolean[];
  /** Index into `topics`. */
  topicOf(item: T): number;
  /**
   * The record key, or null for none: then records fill one partition's batch at a time and
   * move on to the next, as the Java client's sticky partitioner does.
   */
  key(item: T): string | null;
  /** The record's timestamp (CreateTime, Unix ms), or undefined for the time of sending. */
  timestampMs(item: T): number | undefined;
  /** Record headers, or undefined for none. */
  headers(item: T): ReadonlyMap<Buffer, Buffer> | undefined;
}

/** One topic, keyed by `key`, stamped at sending, no headers. */
export function singleTopic<T>(topic: string, key: (item: T) => string | null): KafkaRouting<T> {
  return { topics: [topic], topicOf: () => 0, key, timestampMs: () => undefined, headers: () => undefined };
}
