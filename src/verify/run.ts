import fs from 'node:fs';
import readline from 'node:readline';
import type { RegistryConfig } from '../config/registry.ts';
import type { KafkaSecurity } from '../config/security.ts';
import { UBPError } from '../errors.ts';
import type { WireDecoder } from '../events/formats.ts';
import { isWireFormat, wireSchemaId } from '../events/wire.ts';
import { topicsOf } from '../sinks/kafka/event-routing.ts';
import { RunVerifier, type Expectations, type ReadBack, type VerifyReport } from './check.ts';
import { loadTruth, TruthCheck } from './truth.ts';
import { ENTITY_STREAMS, type EntityStream } from '../entities/records.ts';
import { entityTopic } from '../config/options.ts';
import { entityFile } from '../sinks/entity-files.ts';
import { EntityCheck } from './entities.ts';

/** Where a run is read from: an NDJSON file, or a topic (a `{event_type}` template: every routed topic). */
export interface RunSource {
  /** An NDJSON file ... */
  input?: string;
  /** ... or a topic, read from the beginning to its current end. */
  bootstrapServers?: readonly string[];
  topic?: string;
  security?: KafkaSecurity;
  /** The schema registry that records in the Confluent wire format (Avro, Protobuf, JSON Schema) name. */
  registry?: RegistryConfig | null;
  timeoutMs?: number;
}

export interface VerifyOptions extends RunSource {
  /** What the run was told (key, record timestamps, headers). */
  expect?: Expectations;
  /** Expected number of events (messagesSent of the run's --metrics-json). */
  expected?: number | null;
  /** The run's answer key (`--truth FILE`): its faults are expected, its windows checked. */
  truth?: string;
}

/** How a source is named in reports: the file, or `servers/topic`. */
export function sourceName(source: RunSource): string {
  return source.input ?? `${source.bootstrapServers!.join(',')}/${source.topic}`;
}

/**
 * The records of a run in read order: the lines of the file (blank ones skipped), or each
 * routed topic's records in turn, partitions interleaved, offset order within a partition.
 * Records in the Confluent wire format are decoded by the schema their id names, and handed on
 * as the JSON text of the event, so every check and the report read all formats alike.
 */
export async function* readRun(source: RunSource): AsyncGenerator<ReadBack> {
  if (source.input !== undefined) {
    let stream: fs.ReadStream;
    try {
      stream = fs.createReadStream(source.input);
      await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    } catch (err) {
      throw new UBPError('VERIFY', `cannot read ${source.input}: ${(err as Error).message}`, { cause: err });
    }
    let line = 0;
    for await (const text of readline.createInterface({ input: stream, crlfDelay: Infinity })) {
      line++;
      if (text !== '') yield { value: text, position: line };
    }
    return;
  }
  const { readTopic } = await import('./kafka-reader.ts');
  let decoder: WireDecoder | undefined;
  const decode = async (bytes: Buffer, where: string): Promise<string> => {
    if (source.registry === undefined || source.registry === null) {
      throw new UBPError(
        'VERIFY',
        `${where} is in the Confluent wire format (schema id ${wireSchemaId(bytes)}): give --schema-registry URL to decode it`,
      );
    }
    if (decoder === undefined) {
      const [{ WireDecoder }, { SchemaRegistryClient }] = await Promise.all([
        import('../events/formats.ts'),
        import('../sinks/kafka/schema-registry.ts'),
      ]);
      const client = new SchemaRegistryClient(source.registry);
      decoder = new WireDecoder((id) => client.schemaById(id));
    }
    try {
      return JSON.stringify(await decoder.decode(bytes));
    } catch (err) {
      if (err instanceof UBPError) throw err;
      throw new UBPError('VERIFY', `${where} could not be decoded by schema ${wireSchemaId(bytes)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
  for (const [index, topic] of topicsOf(source.topic!).entries()) {
    const read = {
      bootstrapServers: source.bootstrapServers!,
      topic,
      ...(source.security ? { security: source.security } : {}),
      ...(source.timeoutMs ? { timeoutMs: source.timeoutMs } : {}),
    };
    for await (const r of readTopic(read)) {
      yield {
        value: isWireFormat(r.bytes) ? await decode(r.bytes, `${topic} partition ${r.partition} offset ${r.offset}`) : r.value,
        key: r.key,
        topic: index,
        partition: r.partition,
        position: r.offset,
        ...(r.timestamp !== undefined ? { timestampMs: Number(r.timestamp) } : {}),
        ...(r.headers !== undefined ? { headers: r.headers } : {}),
        ...(isWireFormat(r.bytes) ? { wire: true } : {}),
      };
    }
  }
}

/**
 * The run's entity streams, when it has any: the files beside the input
 * (`<stem>.<stream>.ndjson`), or the topics beside the topic (`<topic>.<stream>`).
 */
export async function entitySources(source: RunSource): Promise<{ stream: EntityStream; source: RunSource }[]> {
  if (source.input !== undefined) {
    const input = source.input;
    return ENTITY_STREAMS.filter((s) => fs.existsSync(entityFile(input, s))).map((s) => ({
      stream: s,
      source: { input: entityFile(input, s) },
    }));
  }
  const topics = ENTITY_STREAMS.map((s) => entityTopic(source.topic!, s));
  const { existingTopics } = await import('./kafka-reader.ts');
  const present = new Set(
    await existingTopics({ bootstrapServers: source.bootstrapServers!, ...(source.security ? { security: source.security } : {}) }, topics),
  );
  return ENTITY_STREAMS.flatMap((s, i) => (present.has(topics[i]!) ? [{ stream: s, source: { ...source, topic: topics[i]! } }] : []));
}

/** Read a run back and check it: count, duplicates, split sessions, order, gaps, schema, keys, entity references. */
export async function verifyRun(options: VerifyOptions): Promise<VerifyReport> {
  const truth = options.truth === undefined ? undefined : new TruthCheck(loadTruth(options.truth));
  const streams = await entitySources(options);
  let entities: EntityCheck | undefined;
  if (streams.length > 0) {
    entities = new EntityCheck(streams.map((s) => s.stream));
    for (const { stream, source } of streams) for await (const record of readRun(source)) entities.addEntity(stream, record);
  }
  const verifier = new RunVerifier({ ...options.expect, ...(truth ? { truth } : {}), ...(entities ? { entities } : {}) });
  for await (const record of readRun(options)) verifier.add(record);
  return verifier.report(sourceName(options), options.expected ?? null);
}

/** The report as a table for people. */
export function formatReport(report: VerifyReport): string {
  const lines = [
    `verify ${report.source}: ${report.records} records, ${report.uniqueEvents} distinct events, ${report.sessions} sessions`,
    '',
    ...report.checks.flatMap((c) => [
      `  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.check.padEnd(15)} ${c.detail}`,
      ...(c.ok ? [] : c.examples.map((e) => `        ${''.padEnd(15)} e.g. ${e}`)),
    ]),
    '',
    report.ok
      ? 'all checks passed'
      : `failed: ${report.checks
          .filter((c) => !c.ok)
          .map((c) => c.check)
          .join(', ')}`,
  ];
  return lines.join('\n') + '\n';
}
