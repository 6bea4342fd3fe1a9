import fs from 'node:fs';
import readline from 'node:readline';
import type { KafkaSecurity } from '../config/security.ts';
import { UBPError } from '../errors.ts';
import type { UserEvent } from '../events/event.ts';
import { topicsOf } from '../sinks/kafka/event-routing.ts';
import { type ReportData, ReportStats } from './stats.ts';

export interface ReportOptions {
  /** An NDJSON file ... */
  input?: string;
  /** ... or a topic (a `{event_type}` template: all of them), read from the beginning to its current end. */
  bootstrapServers?: readonly string[];
  topic?: string;
  security?: KafkaSecurity;
  timeoutMs?: number;
}

/** Read a run and gather the report's figures, one event at a time. */
export async function gatherReport(options: ReportOptions): Promise<ReportData> {
  if (options.input !== undefined) {
    const stats = new ReportStats(options.input);
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
      if (text !== '') stats.add(parse(text, `${options.input} line ${line}`));
    }
    return stats.finish();
  }
  const { readTopic } = await import('../verify/kafka-reader.ts');
  const stats = new ReportStats(`${options.bootstrapServers!.join(',')}/${options.topic}`);
  for (const topic of topicsOf(options.topic!)) {
    const read = {
      bootstrapServers: options.bootstrapServers!,
      topic,
      ...(options.security ? { security: options.security } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    };
    for await (const r of readTopic(read)) stats.add(parse(r.value, `${topic} partition ${r.partition} offset ${r.offset}`), r.partition);
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
