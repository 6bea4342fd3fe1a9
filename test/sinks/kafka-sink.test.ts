import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Admin, ConfigResourceTypes, compatibilityPartitioner } from '@platformatic/kafka';
import { UBPError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { resolveConfig } from '../../src/config/options.ts';
import { textRecords, type TextRecord } from '../../src/sinks/sink.ts';
import { singleTopic } from '../../src/sinks/kafka/routing.ts';

const keyOf = (r: TextRecord): string => r.key;
import { createKafkaSink, javaPartition, type KafkaSinkOptions } from '../../src/sinks/kafka/sink.ts';
import type { DeliveryListener } from '../../src/sinks/sink.ts';
import { javaPartitions } from '../../scripts/kafka-local/index.ts';
import { freePort as closedPort, getBroker, readAll as readAllFrom, type Broker, type ReadRecord } from '../helpers/kafka.ts';

let broker: Broker | undefined;
let bootstrap = '';

before(async () => {
  broker = await getBroker();
  bootstrap = broker.bootstrap;
});

after(async () => {
  await broker?.stop();
});

interface Captured extends Logger {
  warnings: string[];
  errors: string[];
}

function captureLogger(): Captured {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    debug() {},
    info() {},
    warn: (msg) => warnings.push(msg),
    error: (msg) => errors.push(msg),
  };
}

function countingListener() {
  const totals = { delivered: 0, bytes: 0, failed: 0, failures: [] as Error[] };
  const listener: DeliveryListener = {
    delivered(count, bytes) {
      totals.delivered += count;
      totals.bytes += bytes;
    },
    failed(count, error) {
      totals.failed += count;
      totals.failures.push(error);
    },
  };
  return { totals, listener };
}

function sinkOptions(overrides: Partial<KafkaSinkOptions> = {}): KafkaSinkOptions {
  return {
    ...resolveConfig({ bootstrapServers: bootstrap, topic: `ubp-test-${randomUUID()}` }, { now: Date.now, randomSeed: () => 1 }).kafka,
    clientId: 'ubp-test',
    ...overrides,
  };
}

/** Reads the whole topic from the earliest offsets up to the end offsets taken before reading. */
const readAll = (topic: string): Promise<ReadRecord[]> => readAllFrom(bootstrap, topic);

async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'ubp-test-admin', bootstrapBrokers: bootstrap.split(',') });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

describe('kafka sink', () => {
  test('100,000 records come back exactly once, one partition per key, in write order within a key', async () => {
    const options = sinkOptions();
    const { totals, listener } = countingListener();
    const sink = await createKafkaSink(options, textRecords, singleTopic(options.topic, keyOf), listener, captureLogger());
    const total = 100_000;
    let valueBytes = 0;
    try {
      for (let n = 0; n < total; n++) {
        const key = `sess_${n % 3_001}_user_${n % 997}`;
        const value = JSON.stringify({ n, session_id: key, event_type: 'page_view', page: `/product/${n * 7}` });
        valueBytes += Buffer.byteLength(value);
        if (!sink.write({ key: key, value: value })) await sink.ready();
      }
      await sink.flush();
      assert.equal(totals.delivered, total);
      assert.equal(totals.bytes, valueBytes);
      assert.equal(totals.failed, 0);
      assert.equal(sink.bufferedBytes, 0);
    } finally {
      await sink.close();
    }

    const records = await readAll(options.topic);
    assert.equal(records.length, totals.delivered);
    const seen = new Uint8Array(total);
    const partitionOfKey = new Map<string, number>();
    const lastOfKey = new Map<string, number>();
    for (const r of records) {
      const { n, session_id: key } = JSON.parse(r.value) as { n: number; session_id: string };
      assert.equal(r.key, key);
      assert.equal(seen[n], 0, `value ${n} read twice`);
      seen[n] = 1;
      const partition = partitionOfKey.get(key) ?? r.partition;
      assert.equal(r.partition, partition, `key ${key} found in partitions ${partition} and ${r.partition}`);
      partitionOfKey.set(key, partition);
      // A partition is read in offset order, so per key the numbers must rise.
      assert.ok((lastOfKey.get(key) ?? -1) < n, `key ${key}: ${n} read after ${lastOfKey.get(key)}`);
      lastOfKey.set(key, n);
    }
    assert.equal(seen.indexOf(0), -1, 'a value is missing');
  });

  test('each key lands in the partition the Java client picks', async () => {
    const options = sinkOptions();
    const keys = Array.from({ length: 2_000 }, (_, i) => `sess_${randomUUID().slice(0, 8 + (i % 9))}_user_${i}`);
    const { totals, listener } = countingListener();
    const sink = await createKafkaSink(options, textRecords, singleTopic(options.topic, keyOf), listener, captureLogger());
    try {
      for (const key of keys) sink.write({ key, value: JSON.stringify({ key }) });
      await sink.flush();
    } finally {
      await sink.close();
    }
    assert.equal(totals.delivered, keys.length);

    const expected = await javaPartitions(keys, sink.partitions);
    const landed = new Map((await readAll(options.topic)).map((r) => [r.key, r.partition]));
    assert.equal(landed.size, keys.length);
    keys.forEach((key, i) => {
      assert.equal(landed.get(key), expected[i], `key ${key}`);
      const client = compatibilityPartitioner({ topic: options.topic }, Buffer.from(key)) % sink.partitions;
      assert.equal(javaPartition(Buffer.from(key), sink.partitions), client, `key ${key} versus the client's partitioner`);
    });
  });

  test('a missing topic is created with 12 partitions, capped replication, 3-day retention and lz4', async () => {
    const options = sinkOptions();
    const logger = captureLogger();
    const sink = await createKafkaSink(options, textRecords, singleTopic(options.topic, keyOf), countingListener().listener, logger);
    await sink.close();
    assert.equal(sink.partitions, 12);
    assert.ok(
      logger.warnings.some((w) => w.includes('replication factor 3 capped at 1')),
      `warnings: ${JSON.stringify(logger.warnings)}`,
    );

    await withAdmin(async (admin) => {
      const metadata = await admin.metadata({ topics: [options.topic] });
      const topic = metadata.topics.get(options.topic)!;
      assert.equal(topic.partitionsCount, 12);
      assert.ok(topic.partitions.every((p) => p.replicas.length === 1));
      const [description] = await admin.describeConfigs({
        resources: [
          { resourceType: ConfigResourceTypes.TOPIC, resourceName: options.topic, configurationKeys: ['retention.ms', 'compression.type'] },
        ],
      });
      const configs = new Map(description!.configs.map((c) => [c.name, c.value]));
      assert.equal(configs.get('retention.ms'), '259200000');
      assert.equal(configs.get('compression.type'), 'lz4');
    });
  });

  test('an existing topic with 3 partitions is used as it is, with one warning naming the differences', async () => {
    const options = sinkOptions();
    await withAdmin((admin) => admin.createTopics({ topics: [options.topic], partitions: 3, replicas: 1 }));
    const logger = captureLogger();
    const { totals, listener } = countingListener();
    const sink = await createKafkaSink(options, textRecords, singleTopic(options.topic, keyOf), listener, logger);
    try {
      assert.equal(sink.partitions, 3);
      for (let i = 0; i < 300; i++) sink.write({ key: `sess_${i}`, value: `{"i":${i}}` });
      await sink.flush();
    } finally {
      await sink.close();
    }
    assert.equal(totals.delivered, 300);
    const differences = logger.warnings.filter((w) => w.includes('exists with other settings'));
    assert.equal(differences.length, 1, `warnings: ${JSON.stringify(logger.warnings)}`);
    assert.match(differences[0]!, /partitions 3 \(wanted 12\)/);
    assert.match(differences[0]!, /retention\.ms/);
    assert.match(differences[0]!, /compression\.type/);
    const partitions = new Set((await readAll(options.topic)).map((r) => r.partition));
    assert.deepEqual([...partitions].sort(), [0, 1, 2]);
  });

  test('an unreachable broker is reported as KAFKA_UNREACHABLE within 30 s, naming the address', async () => {
    const port = await closedPort();
    const address = `127.0.0.1:${port}`;
    const started = performance.now();
    await assert.rejects(
      createKafkaSink(
        sinkOptions({ bootstrapServers: [address] }),
        textRecords,
        singleTopic('t', keyOf),
        countingListener().listener,
        captureLogger(),
      ),
      (error: unknown) => {
        assert.ok(error instanceof UBPError);
        assert.equal(error.code, 'KAFKA_UNREACHABLE');
        assert.ok(error.message.includes(address), error.message);
        return true;
      },
    );
    assert.ok(performance.now() - started < 30_000);
  });

  test('a small buffer makes write() return false and bounds the bytes waiting to one batch over the limit', async () => {
    const bufferMemoryBytes = 256 * 1024;
    const batchSizeBytes = 16 * 1024;
    const { totals, listener } = countingListener();
    const options = sinkOptions({ bufferMemoryBytes, batchSizeBytes });
    const sink = await createKafkaSink(options, textRecords, singleTopic(options.topic, keyOf), listener, captureLogger());
    const value = JSON.stringify({ pad: 'x'.repeat(480) });
    const total = 20_000;
    let refused = 0;
    let peak = 0;
    try {
      for (let n = 0; n < total; n++) {
        const more = sink.write({ key: `sess_${n % 500}`, value: value });
        peak = Math.max(peak, sink.bufferedBytes);
        if (!more) {
          refused++;
          await sink.ready();
          assert.ok(sink.bufferedBytes < bufferMemoryBytes);
        }
      }
      await sink.flush();
    } finally {
      await sink.close();
    }
    assert.ok(refused > 0, 'write() never asked to pause');
    assert.ok(peak <= bufferMemoryBytes + batchSizeBytes, `peak ${peak} bytes`);
    assert.equal(sink.peakBufferedBytes, peak);
    assert.deepEqual(
      { delivered: totals.delivered, failed: totals.failed, failures: totals.failures.map((e) => e.message) },
      { delivered: total, failed: 0, failures: [] },
    );
  });
});
