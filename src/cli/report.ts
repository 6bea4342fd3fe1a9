import fs from 'node:fs';
import { REPORT_OPTIONS } from '../config/option-table.ts';
import { resolveTable, topicTemplate } from '../config/options.ts';
import { resolveRegistry } from '../config/registry.ts';
import { gatherKafkaSources, resolveSecurity } from '../config/security.ts';
import { UBPError, usageError } from '../errors.ts';
import { renderReport } from '../report/render.ts';
import { gatherReport } from '../report/run.ts';
import { parseFlags, renderHelp } from './flags.ts';

export const REPORT_HELP = renderHelp(
  REPORT_OPTIONS,
  `Usage: user-behavior-producer report [--input FILE | --bootstrap-servers LIST --topic NAME] [--output report.html] [flags]

Reads a run (an NDJSON file, or a topic from the beginning to its current end) and writes the
realism report: one self-contained HTML file with the event mix against the weights, the hourly
curves per city and weekday, the funnel by segment, device and channel, the distributions of
session length, events per session, order value and visits per user, and a scorecard of the
realism targets with the measured value and pass/fail. Session-level figures need each session's
events in one stream: read one topic, not a topic per event type.`,
  ['Report', 'Output', 'Security', 'Schema registry'],
  'Exit codes: 0 the report was written (whatever the scorecard says); 1 the input could not be read or the report not written; 2 bad usage.',
);

/** `user-behavior-producer report ...`: returns the exit code. */
export async function reportMain(argv: string[]): Promise<number> {
  const { values, names, help } = parseFlags(REPORT_OPTIONS, argv, 'report: ');
  if (help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  const prefixed = Object.fromEntries(Object.entries(names).map(([k, n]) => [k, `report: ${n}`]));
  const sources = gatherKafkaSources(values, prefixed, process.env);
  for (const warning of sources.warnings) process.stderr.write(`user-behavior-producer: warning: ${warning}\n`);
  const o = resolveTable(REPORT_OPTIONS, sources.input, sources.names);
  const security = resolveSecurity(o, sources.names);
  const registry = resolveRegistry(o, sources.names);
  if (values.input !== undefined && (values.topic !== undefined || values.bootstrapServers !== undefined)) {
    throw usageError('report: give --input FILE or --bootstrap-servers/--topic, not both');
  }
  const data = await gatherReport(
    o.input !== null
      ? { input: o.input }
      : {
          bootstrapServers: o.bootstrapServers,
          topic: topicTemplate(o.topic, o.topicPerType),
          security,
          registry,
          timeoutMs: o.timeoutSeconds * 1000,
        },
  );
  if (data.events === 0) throw new UBPError('VERIFY', `report: ${data.source} has no events`);
  const html = await renderReport(data);
  try {
    fs.writeFileSync(o.output, html);
  } catch (err) {
    throw new UBPError('SINK_WRITE', `report: cannot write ${o.output}: ${(err as Error).message}`, { cause: err });
  }
  const failed = data.scorecard.filter((r) => r.pass === false).length;
  process.stderr.write(
    `user-behavior-producer: report ${o.output}: ${data.events} events, ${data.sessions} sessions; ` +
      `${data.scorecard.length} targets, ${failed} failing\n`,
  );
  if (o.json)
    process.stdout.write(
      JSON.stringify(
        {
          source: data.source,
          events: data.events,
          carriedOver: data.carriedOver,
          sessions: data.sessions,
          users: data.users,
          orders: data.orders,
          scorecard: data.scorecard,
        },
        null,
        2,
      ) + '\n',
    );
  return 0;
}
