import { UBPError } from '../errors.ts';
import type { UserEvent } from '../events/event.ts';
import { topicsOf } from '../sinks/kafka/event-routing.ts';
import { readRun, type RunSource, sourceName } from '../verify/run.ts';
import { type ReportData, ReportStats } from './stats.ts';

export type ReportOptions = RunSource;

/** Read a run and gather the report's figures, one event at a time. */
export async function gatherReport(options: ReportOptions): Promise<ReportData> {
  const stats = new ReportStats(sourceName(options));
  const topics = options.input === undefined ? topicsOf(options.topic!) : [];
  for await (const r of readRun(options)) {
    const where =
      r.partition === undefined
        ? `${options.input} line ${r.position}`
        : `${topics[r.topic ?? 0]} partition ${r.partition} offset ${r.position}`;
    stats.add(parse(r.value, where), r.partition);
  }
  return stats.finish();
}

function parse(text: string, where: string): UserEvent {
  let e: UserEvent;
  try {
    e = JSON.parse(text) as UserEvent;
  } catch (err) {
    throw new UBPError('VERIFY', `${where} is not JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof e?.timestamp !== 'string' || typeof e.session_id !== 'string' || typeof e.session_info !== 'object')
    throw new UBPError('VERIFY', `${where} is not a user-behavior-producer event (no timestamp, session_id or session_info)`);
  return e;
}
