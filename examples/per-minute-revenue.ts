/**
 * A small stream processor to test with the generator's faults and answer key: per-minute
 * event counts, sessions, purchases and revenue from the topic, by event time, counting each
 * event_id once. It reads the topic from the beginning and prints its windows as NDJSON when
 * no new record has come for --idle-seconds.
 *
 *   node examples/per-minute-revenue.ts --bootstrap-servers localhost:9092 --topic user-events
 *
 * Compare its lines with the `windows` of the run's --truth file (see the README, "Testing a
 * stream processor").
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Consumer, stringDeserializers } from '@platformatic/kafka';

const { values } = parseArgs({
  options: {
    'bootstrap-servers': { type: 'string', default: 'localhost:9092' },
    topic: { type: 'string', default: 'user-events' },
    'window-seconds': { type: 'string', default: '60' },
    'idle-seconds': { type: 'string', default: '5' },
  },
});
const windowMs = Number(values['window-seconds']) * 1000;
const idleMs = Number(values['idle-seconds']) * 1000;

interface Window {
  events: number;
  sessions: Set<string>;
  purchases: number;
  revenueCents: number;
}
const windows = new Map<number, Window>();
// At-least-once upstreams repeat events: count each event_id once.
const seen = new Set<string>();

const consumer = new Consumer({
  groupId: `per-minute-${randomUUID()}`,
  clientId: 'per-minute-revenue',
  bootstrapBrokers: values['bootstrap-servers'].split(','),
  deserializers: stringDeserializers,
});
const stream = await consumer.consume({ topics: [values.topic], mode: 'earliest', autocommit: false, maxWaitTime: 500 });

let idle: NodeJS.Timeout | undefined;
const done = new Promise<void>((resolve) => {
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(resolve, idleMs);
  };
  arm();
  stream.on('data', (message: { value: string }) => {
    arm();
    const e = JSON.parse(message.value) as {
      event_id: string;
      event_type: string;
      timestamp: string;
      session_id: string;
      event_data: { order_value?: number };
    };
    if (seen.has(e.event_id)) return;
    seen.add(e.event_id);
    // Event time, not arrival time: a late event still lands in the minute it happened.
    const start = Math.floor(Date.parse(e.timestamp) / windowMs) * windowMs;
    let w = windows.get(start);
    if (!w) windows.set(start, (w = { events: 0, sessions: new Set(), purchases: 0, revenueCents: 0 }));
    w.events++;
    w.sessions.add(e.session_id);
    if (e.event_type === 'complete_checkout') {
      w.purchases++;
      // Money in cents: summing floats would drift from the key's exact revenue.
      w.revenueCents += Math.round(e.event_data.order_value! * 100);
    }
  });
});
await done;
await stream.close();
await consumer.close(true);

for (const [start, w] of [...windows].sort(([a], [b]) => a - b)) {
  const line = {
    start: new Date(start).toISOString(),
    events: w.events,
    sessions: w.sessions.size,
    purchases: w.purchases,
    revenue: w.revenueCents / 100,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
}
