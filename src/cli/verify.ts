import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { usageError } from '../errors.ts';
import { formatReport, verifyRun } from '../verify/run.ts';

export const VERIFY_HELP = `Usage: user-behavior-producer verify [--bootstrap-servers LIST --topic NAME | --input FILE] [flags]

Reads a run back and checks it: every record once (no duplicate event_id), each session in one
partition and in order, no session skipping events, every record valid against the event JSON
Schema and keyed by its session_id, and — with --metrics-json — as many events as the run sent.

  --bootstrap-servers LIST   Kafka brokers (default localhost:9092)
  --topic NAME               topic to read, from the beginning to its current end (default user-events)
  --input FILE               read an NDJSON file instead of a topic
  --metrics-json FILE        the run's --metrics-json: its messagesSent is the expected count
  --expected N               the expected count, given directly
  --json                     print the report as JSON
  --timeout SECONDS          give up reading after this long (default 600)

Exit codes: 0 every check passed; 1 a check failed or the input could not be read; 2 bad usage.
`;

/** `user-behavior-producer verify ...`: returns the exit code. */
export async function verifyMain(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'bootstrap-servers': { type: 'string' },
        topic: { type: 'string' },
        input: { type: 'string' },
        'metrics-json': { type: 'string' },
        expected: { type: 'string' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw usageError(`verify: ${(err as Error).message.split('\n')[0]}; run verify --help to see the flags`);
  }
  if (values.help) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  const input = values.input as string | undefined;
  if (input !== undefined && (values.topic !== undefined || values['bootstrap-servers'] !== undefined)) {
    throw usageError('verify: give --input FILE or --bootstrap-servers/--topic, not both');
  }
  let expected: number | null = null;
  if (values.expected !== undefined) {
    if (!/^\d+$/.test(values.expected as string)) throw usageError(`verify: --expected must be a whole number of events (got ${JSON.stringify(values.expected)})`);
    expected = Number(values.expected);
  }
  const metricsFile = values['metrics-json'] as string | undefined;
  if (metricsFile !== undefined) {
    if (expected !== null) throw usageError('verify: give --metrics-json or --expected, not both');
    let sent: unknown;
    try {
      sent = (JSON.parse(fs.readFileSync(metricsFile, 'utf8')) as { messagesSent?: unknown }).messagesSent;
    } catch (err) {
      throw usageError(`verify: --metrics-json ${metricsFile} is not a readable metrics file (${(err as Error).message.split('\n')[0]})`);
    }
    if (typeof sent !== 'number' || !Number.isInteger(sent) || sent < 0) throw usageError(`verify: --metrics-json ${metricsFile} has no messagesSent count`);
    expected = sent;
  }
  const servers = ((values['bootstrap-servers'] as string | undefined) ?? 'localhost:9092').split(',').map((s) => s.trim()).filter(Boolean);
  if (!servers.every((s) => /^[^\s:]+:\d{1,5}$/.test(s))) throw usageError(`verify: --bootstrap-servers must be a comma-separated list of host:port (got ${JSON.stringify(values['bootstrap-servers'])})`);
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    if (!/^\d+$/.test(values.timeout as string) || Number(values.timeout) === 0) throw usageError(`verify: --timeout must be a positive whole number of seconds (got ${JSON.stringify(values.timeout)})`);
    timeoutMs = Number(values.timeout) * 1000;
  }
  const report = await verifyRun({
    ...(input !== undefined ? { input } : { bootstrapServers: servers, topic: (values.topic as string | undefined) ?? 'user-events' }),
    expected,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return report.ok ? 0 : 1;
}
