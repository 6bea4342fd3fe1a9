import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { CLI, runCli } from '../helpers/cli.ts';
import { recompute, type Ev } from './recompute.ts';
import { tempDir } from '../helpers/tmp.ts';

const RUN = ['--sink', 'stdout', '--seed', '7', '--start', '2024-03-04T08:00:00Z', '--duration', '14400', '--speed', 'max', '--quiet'];
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const lines = (b: Buffer): string[] =>
  b
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
const tmp = (name: string): string => path.join(tempDir('ubp-delivery-'), name);

test('with every fault off, an answer key leaves the bytes exactly as they are', async () => {
  const truth = tmp('truth.json');
  const [plain, keyed] = await Promise.all([runCli(RUN), runCli([...RUN, '--truth', truth, '--truth-sessions', tmp('s.ndjson')])]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(keyed.code, 0, keyed.stderr);
  assert.equal(sha(keyed.stdout), sha(plain.stdout));
  const doc = JSON.parse(fs.readFileSync(truth, 'utf8'));
  assert.equal(doc.totals.events, lines(plain.stdout).length);
  assert.deepEqual(doc.faults, { late: [], duplicates: [], bots: [] });
});

test("faults change delivery, never events: the distinct events are the clean run's, byte for byte, and the same seed gives the same faulty stream", async () => {
  const faults = ['--late', '0.05', '--duplicates', '0.03'];
  const [clean, a, b] = await Promise.all([runCli(RUN), runCli([...RUN, ...faults]), runCli([...RUN, ...faults])]);
  for (const r of [clean, a, b]) assert.equal(r.code, 0, r.stderr);
  assert.equal(sha(a.stdout), sha(b.stdout));
  assert.notEqual(sha(a.stdout), sha(clean.stdout));
  const cleanLines = lines(clean.stdout);
  const faulty = lines(a.stdout);
  assert.ok(faulty.length > cleanLines.length);
  // Every record of the faulty stream is a record of the clean one, and every clean one is there.
  assert.deepEqual([...new Set(faulty)].sort(), [...cleanLines].sort());
});

test('late and duplicate shares come out as asked, and the key lists every fault the stream shows', async () => {
  const truth = tmp('truth.json');
  const r = await runCli([...RUN, '--late', '0.08', '--late-delay', '20', '--late-max', '600', '--duplicates', '0.04', '--truth', truth]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(fs.readFileSync(truth, 'utf8'));
  const records = lines(r.stdout).map((l) => ({ line: l, e: JSON.parse(l) as Ev }));
  const distinct = new Set(records.map((x) => x.e.event_id)).size;
  assert.equal(doc.totals.events, distinct);
  assert.equal(doc.totals.records, records.length);
  const lateShare = doc.faults.late.length / distinct;
  const dupShare = doc.faults.duplicates.length / distinct;
  assert.ok(Math.abs(lateShare - 0.08) < 0.08 * 0.15, `late share ${lateShare}`);
  assert.ok(Math.abs(dupShare - 0.04) < 0.04 * 0.15, `duplicate share ${dupShare}`);
  for (const l of doc.faults.late) assert.ok(l.delay_ms >= 1 && l.delay_ms <= 600_000, `delay ${l.delay_ms}`);

  // Repeated ids are exactly the listed duplicates, and a repeat is the same bytes.
  const first = new Map<string, string>();
  const repeated: string[] = [];
  for (const { line, e } of records) {
    const seen = first.get(e.event_id);
    if (seen === undefined) first.set(e.event_id, line);
    else {
      assert.equal(line, seen);
      repeated.push(e.event_id);
    }
  }
  assert.deepEqual(repeated.sort(), [...doc.faults.duplicates].sort());

  // An event that arrives after one with a later timestamp is a listed late event (first copies only).
  const late = new Set<string>(doc.faults.late.map((l: { event_id: string }) => l.event_id));
  let maxMs = -Infinity;
  let outOfOrder = 0;
  const firstSeen = new Set<string>();
  const lastIndex = new Map<string, number>();
  for (const { e } of records) {
    if (firstSeen.has(e.event_id)) continue;
    firstSeen.add(e.event_id);
    const t = Date.parse(e.timestamp);
    if (t < maxMs) {
      outOfOrder++;
      assert.ok(late.has(e.event_id), `${e.event_id} arrives after a later event but is not listed late`);
    }
    maxMs = Math.max(maxMs, t);
    // Lateness holds the rest of a session together: its order is kept.
    // A session open when the run starts (the warm start) is delivered from part-way.
    const before = lastIndex.get(e.session_id) ?? e.session_info.events_in_session - 1;
    assert.equal(e.session_info.events_in_session, before + 1, `session ${e.session_id} out of order`);
    lastIndex.set(e.session_id, e.session_info.events_in_session);
  }
  assert.ok(
    outOfOrder > doc.faults.late.length / 2,
    `only ${outOfOrder} of ${doc.faults.late.length} late events are visibly out of order`,
  );
});

test('a late device delivers the rest of its session late, with delays up to --late-max', async () => {
  const truth = tmp('truth.json');
  const r = await runCli([...RUN, '--late', '0.1', '--late-delay', '60', '--late-max', '120', '--truth', truth]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(fs.readFileSync(truth, 'utf8'));
  const late = new Set<string>(doc.faults.late.map((l: { event_id: string }) => l.event_id));
  assert.ok(doc.faults.late.every((l: { delay_ms: number }) => l.delay_ms <= 120_000));
  assert.ok(
    doc.faults.late.some((l: { delay_ms: number }) => l.delay_ms === 120_000),
    'the tail reaches --late-max',
  );
  // Late events come in runs within a session: most late events have a late predecessor in their session.
  const bySession = new Map<string, Ev[]>();
  for (const l of lines(r.stdout)) {
    const e = JSON.parse(l) as Ev;
    bySession.set(e.session_id, [...(bySession.get(e.session_id) ?? []), e]);
  }
  let followers = 0;
  for (const events of bySession.values()) {
    events.sort((x, y) => x.session_info.events_in_session - y.session_info.events_in_session);
    for (let i = 1; i < events.length; i++) if (late.has(events[i]!.event_id) && late.has(events[i - 1]!.event_id)) followers++;
  }
  assert.ok(followers > late.size * 0.3, `${followers} of ${late.size} late events follow a late event of their session`);
});

test('the answer key is exact: every window recomputed from the delivered events, deduplicated, equals it', async () => {
  const truth = tmp('truth.json');
  const sessions = tmp('sessions.ndjson');
  const r = await runCli([
    ...RUN,
    '--late',
    '0.05',
    '--duplicates',
    '0.05',
    '--truth',
    truth,
    '--truth-window',
    '300',
    '--truth-sessions',
    sessions,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(fs.readFileSync(truth, 'utf8'));
  const events = lines(r.stdout).map((l) => JSON.parse(l) as Ev);
  const want = recompute(events, 300);
  assert.equal(doc.window_seconds, 300);
  assert.deepEqual(doc.windows, want.windows);
  assert.deepEqual({ ...doc.totals, late: 0, duplicates: 0, records: 0 }, { ...want.totals, late: 0, duplicates: 0, records: 0 });
  const sessionLines = fs
    .readFileSync(sessions, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(sessionLines.length, doc.totals.sessions);
  assert.deepEqual(
    sessionLines.map((s) => [s.session_id, s.user_id, s.start, s.end, s.events, s.converted, s.revenue]).sort(),
    want.sessions.map((s) => [s.session_id, s.user_id, s.start, s.end, s.events, s.converted, s.revenue]).sort(),
  );
});

test('SIGTERM mid-run: held events are delivered and the key covers exactly what was delivered', async () => {
  const dir = tempDir('ubp-delivery-');
  const out = path.join(dir, 'out.ndjson');
  const truth = path.join(dir, 'truth.json');
  // A live run at 600× real time that would last a minute: it is stopped well before.
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--sink',
      'file',
      '--output',
      out,
      '--seed',
      '3',
      '--start',
      '2024-03-04T08:00:00Z',
      '--rate',
      '20000',
      '--speed',
      '600',
      '--duration',
      '36000',
      '--late',
      '0.1',
      '--late-delay',
      '120',
      '--late-max',
      '1800',
      '--duplicates',
      '0.05',
      '--truth',
      truth,
      '--quiet',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while ((!fs.existsSync(out) || fs.statSync(out).size < 1_000_000) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  const events = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Ev);
  const doc = JSON.parse(fs.readFileSync(truth, 'utf8'));
  assert.ok(doc.totals.last_event < '2024-03-04T12:00:00.000Z', `the run was stopped early (last event ${doc.totals.last_event})`);
  const want = recompute(events, 60);
  assert.deepEqual(doc.windows, want.windows);
  assert.equal(doc.totals.events, want.totals.events);
  assert.equal(doc.totals.records, events.length);
  const ids = new Set(events.map((e) => e.event_id));
  assert.ok(doc.faults.late.length > 0);
  for (const l of doc.faults.late) assert.ok(ids.has(l.event_id), `late ${l.event_id} was not delivered`);
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.event_id, (counts.get(e.event_id) ?? 0) + 1);
  assert.deepEqual(
    [...counts]
      .filter(([, n]) => n > 1)
      .map(([id]) => id)
      .sort(),
    [...doc.faults.duplicates].sort(),
  );
});

test('bad fault options are refused with one line naming the flag', async () => {
  const cases: [string[], RegExp][] = [
    [['--late', '1.5'], /--late must be a number from 0 to 1 \(a share of events\) \(got "1.5"\)/],
    [['--duplicates', '-0.1'], /--duplicates must be a number from 0 to 1/],
    [['--late-delay', '100', '--late-max', '10'], /--late-delay \(100\) must not be above --late-max \(10\)/],
    [['--truth-window', '0'], /--truth-window must be a positive whole number of seconds/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli([...RUN, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
