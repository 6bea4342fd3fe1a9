import fs from 'node:fs';
import { VERIFY_OPTIONS } from '../config/option-table.ts';
import { resolveTable, topicTemplate } from '../config/options.ts';
import { resolveRegistry } from '../config/registry.ts';
import { gatherKafkaSources, resolveSecurity } from '../config/security.ts';
import { usageError } from '../errors.ts';
import { formatReport, verifyRun } from '../verify/run.ts';
import { loadTruth } from '../verify/truth.ts';
import { parseFlags, renderHelp } from './flags.ts';

export const VERIFY_HELP = renderHelp(
  VERIFY_OPTIONS,
  `Usage: user-behavior-producer verify [--bootstrap-servers LIST --topic NAME | --input FILE] [flags]

Reads a run back and checks it: every record once (no duplicate event_id), each session in one
partition and in order, no session skipping events, every record valid against the event JSON
Schema and keyed by its session_id, and — with --metrics-json — as many events as the run sent.
Records in the Confluent wire format (--format avro, protobuf or json-schema) are decoded by the
schema their id names in --schema-registry.
When the run has entity streams (--entities: the files <stem>.users.ndjson, .products.ndjson,
.orders.ndjson beside --input, or the topics <topic>.users, .products, .orders), every user and
product an event names must have a record at or before it (a product's showing the event's price
and stock), every complete_checkout its order's created record, and orders must follow their
lifecycle.
With --truth (the run's answer key) the faults it lists are expected, not failures, and the
distinct events of every window must match it.`,
  ['Output', 'Security', 'Schema registry', 'Verify'],
  'Exit codes: 0 every check passed; 1 a check failed or the input could not be read; 2 bad usage.',
);

/** `user-behavior-producer verify ...`: returns the exit code. */
export async function verifyMain(argv: string[]): Promise<number> {
  const { values, names, help } = parseFlags(VERIFY_OPTIONS, argv, 'verify: ');
  if (help) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  const prefixed = Object.fromEntries(Object.entries(names).map(([k, n]) => [k, `verify: ${n}`]));
  const sources = gatherKafkaSources(values, prefixed, process.env);
  for (const warning of sources.warnings) process.stderr.write(`user-behavior-producer: warning: ${warning}\n`);
  const o = resolveTable(VERIFY_OPTIONS, sources.input, sources.names);
  const security = resolveSecurity(o, sources.names);
  const registry = resolveRegistry(o, sources.names);
  if (values.input !== undefined && (values.topic !== undefined || values.bootstrapServers !== undefined)) {
    throw usageError('verify: give --input FILE or --bootstrap-servers/--topic, not both');
  }
  let expected = o.expected;
  if (o.metricsJson !== null) {
    if (expected !== null) throw usageError('verify: give --metrics-json or --expected, not both');
    // Shards of one run each write their own: FILE,FILE,… adds them up.
    expected = 0;
    for (const file of o.metricsJson.split(',')) {
      let sent: unknown;
      try {
        sent = (JSON.parse(fs.readFileSync(file, 'utf8')) as { messagesSent?: unknown }).messagesSent;
      } catch (err) {
        throw usageError(`verify: --metrics-json ${file} is not a readable metrics file (${(err as Error).message.split('\n')[0]})`);
      }
      if (typeof sent !== 'number' || !Number.isInteger(sent) || sent < 0)
        throw usageError(`verify: --metrics-json ${file} has no messagesSent count`);
      expected += sent;
    }
    // messagesSent counts records, second copies included; the check counts distinct events.
    if (o.truth !== null) expected -= loadTruth(o.truth).totals.duplicates;
  }
  const report = await verifyRun({
    ...(o.input !== null
      ? { input: o.input }
      : { bootstrapServers: o.bootstrapServers, topic: topicTemplate(o.topic, o.topicPerType), security, registry }),
    expect: { key: o.key, eventTimestamps: o.recordTimestamp === 'event', headers: o.headers },
    expected,
    ...(o.truth !== null ? { truth: o.truth } : {}),
    timeoutMs: o.timeoutSeconds * 1000,
  });
  process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return report.ok ? 0 : 1;
}
