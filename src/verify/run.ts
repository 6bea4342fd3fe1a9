import fs from 'node:fs';
import readline from 'node:readline';
import type { KafkaSecurity } from '../config/security.ts';
import { UBPError } from '../errors.ts';
import { topicsOf } from '../sinks/kafka/event-routing.ts';
import { RunVerifier, type Expectations, type VerifyReport } from './check.ts';
import { loadTruth, TruthCheck } from './truth.ts';

export interface VerifyOptions {
  /** Read a topic ... */
  bootstrapServers?: readonly string[];
  topic?: string;
  security?: KafkaSecurity;
  /** What the run was told (key, record timestamps, headers). */
  expect?: Expectations;
  /** ... or an NDJSON file. */
  input?: string;
  /** Expected number of events (messagesSent of the run's --metrics-json). */
  expected?: number | null;
  /** The run's answer key (`--truth FILE`): its faults are expected, its windows checked. */
  truth?: string;
  timeoutMs?: number;
}

/** Read a run back and check it: count, duplicates, split sessions, order, gaps, schema, keys. */
export async function verifyRun(options: VerifyOptions): Promise<VerifyReport> {
  const truth = options.truth === undefined ? undefined : new TruthCheck(loadTruth(options.truth));
  const verifier = new RunVerifier({ ...options.expect, ...(truth ? { truth } : {}) });
  let source: string;
  if (options.input !== undefined) {
    source = options.input;
    let stream: fs.ReadStream;
    try {
      stream = fs.createReadStream(options.input);
      await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    } catch (err) {
      throw new UBPError('VERIFY', `cannot read ${options.input}: ${(err as Error).message}`, { cause: err });
    }
    let line = 0;
    for await (const text of readline.createInterface({ input: stream, crlfDelay: Infinity })) {
      line++;
      if (text !== '') verifier.add({ value: text, position: line });
    }
  } else {
    const { readTopic } = await import('./kafka-reader.ts');
    source = `${options.bootstrapServers!.join(',')}/${options.topic}`;
    const topics = topicsOf(options.topic!);
    for (const [index, topic] of topics.entries()) {
      const read = {
        bootstrapServers: options.bootstrapServers!,
        topic,
        ...(options.security ? { security: options.security } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      };
      for await (const r of readTopic(read)) {
        verifier.add({
          value: r.value,
          key: r.key,
          topic: index,
          partition: r.partition,
          position: r.offset,
          ...(r.timestamp !== undefined ? { timestampMs: Number(r.timestamp) } : {}),
          ...(r.headers !== undefined ? { headers: r.headers } : {}),
        });
      }
    }
  }
  return verifier.report(source, options.expected ?? null);
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
