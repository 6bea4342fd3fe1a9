/**
 * What a correct stream processor computes from delivered events: an independent reading of
 * the answer key's definition, for tests to hold the key against.
 */
export interface Ev {
  event_id: string;
  event_type: string;
  timestamp: string;
  session_id: string;
  user_id: string;
  event_data: { order_value?: number };
  session_info: { events_in_session: number; session_start: string };
}

export function recompute(delivered: readonly Ev[], windowSeconds: number) {
  const seen = new Set<string>();
  const events = delivered.filter((e) => !seen.has(e.event_id) && seen.add(e.event_id));
  const windowMs = windowSeconds * 1000;
  const windows = new Map<
    number,
    { events: Record<string, number>; sessions: Set<string>; users: Set<string>; purchases: number; cents: number }
  >();
  const sessions = new Map<
    string,
    { session_id: string; user_id: string; start: string; end: string; events: number; converted: boolean; cents: number }
  >();
  const byType: Record<string, number> = {};
  let cents = 0;
  let purchases = 0;
  for (const e of events) {
    const t = Date.parse(e.timestamp);
    const start = Math.floor(t / windowMs) * windowMs;
    let w = windows.get(start);
    if (!w) windows.set(start, (w = { events: {}, sessions: new Set(), users: new Set(), purchases: 0, cents: 0 }));
    w.events[e.event_type] = (w.events[e.event_type] ?? 0) + 1;
    byType[e.event_type] = (byType[e.event_type] ?? 0) + 1;
    w.sessions.add(e.session_id);
    w.users.add(e.user_id);
    let s = sessions.get(e.session_id);
    if (!s)
      sessions.set(
        e.session_id,
        (s = {
          session_id: e.session_id,
          user_id: e.user_id,
          start: e.session_info.session_start,
          end: e.timestamp,
          events: 0,
          converted: false,
          cents: 0,
        }),
      );
    s.events++;
    if (e.timestamp > s.end) s.end = e.timestamp;
    if (e.event_type === 'complete_checkout') {
      const c = Math.round(e.event_data.order_value! * 100);
      w.purchases++;
      w.cents += c;
      purchases++;
      cents += c;
      s.converted = true;
      s.cents += c;
    }
  }
  const times = events.map((e) => e.timestamp).sort();
  return {
    windows: [...windows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, w]) => ({
        start: new Date(start).toISOString(),
        events: w.events,
        sessions: w.sessions.size,
        users: w.users.size,
        purchases: w.purchases,
        revenue: w.cents / 100,
      })),
    totals: {
      events: events.length,
      records: delivered.length,
      events_by_type: byType,
      sessions: sessions.size,
      users: new Set(events.map((e) => e.user_id)).size,
      purchases,
      revenue: cents / 100,
      late: 0,
      duplicates: delivered.length - events.length,
      // No episodes here: no bot wave.
      bot_sessions: 0,
      first_event: times[0] ?? null,
      last_event: times.at(-1) ?? null,
    },
    sessions: [...sessions.values()].map((s) => ({ ...s, revenue: s.cents / 100 })),
  };
}
