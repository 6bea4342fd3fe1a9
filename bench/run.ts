/**
 * The benchmark suite (`npm run bench`): generation, stdout and file sinks, workers beside a
 * plain generator, Kafka end to end
 * against Kafka's own kafka-producer-perf-test in the same run, memory, live pacing, events
 * held back by delivery faults, and the record formats (JSON, Avro, Protobuf, JSON Schema):
 * encoding speed and bytes per event.
 * Every figure is the median of several runs. Prints a table and writes bench/results.json.
 *
 *   npm run bench                 # everything (about 10 minutes on 2 cores)
 *   BENCH_ONLY=generation,stdout npm run bench
 *   BENCH_ONLY=formats npm run bench   # JSON, Avro, Protobuf, JSON Schema: speed and size
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventSerializer } from '../src/events/serialize.ts';
import { eventEncoder } from '../src/events/formats.ts';
import type { Format } from '../src/config/option-table.ts';
import type { RecordEncoder } from '../src/events/bytes.ts';
import type { EventRecord } from '../src/model/activity.ts';
import { Simulation } from '../src/model/simulation.ts';
import type { Latin1Buffer } from '../src/events/bytes.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const NODE = process.execPath;
const only = process.env.BENCH_ONLY?.split(',');
const want = (name: string): boolean => !only || only.includes(name);
const START = '2024-03-04T00:00:00Z';

interface Row {
  case: string;
  value: number;
  unit: string;
  runs: number[];
  note?: string;
}
const rows: Row[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function record(name: string, unit: string, runs: number[], note?: string): number {
  const value = median(runs);
  rows.push({
    case: name,
    value: Math.round(value * 100) / 100,
    unit,
    runs: runs.map((r) => Math.round(r * 100) / 100),
    ...(note ? { note } : {}),
  });
  process.stderr.write(`  ${name}: ${value.toFixed(1)} ${unit}  [${runs.map((r) => r.toFixed(1)).join(', ')}]\n`);
  return value;
}

function run(
  cmd: string,
  args: string[],
  opts: { stdout?: 'ignore' | 'pipe' | number; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'], env: opts.env ?? process.env });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: out, stderr: err, ms: performance.now() - began }));
  });
}

function tmpFile(name: string): string {
  return path.join(os.tmpdir(), `ubp-bench-${process.pid}-${name}`);
}

async function cliRun(
  args: string[],
  stdout: 'ignore' | number = 'ignore',
): Promise<{ metrics: { messagesSent: number; bytesSent: number; elapsedSeconds: number }; ms: number }> {
  const metricsFile = tmpFile('metrics.json');
  const r = await run(NODE, [CLI, ...args, '--quiet', '--metrics-json', metricsFile], { stdout });
  if (r.code !== 0) throw new Error(`CLI ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  const metrics = JSON.parse(fs.readFileSync(metricsFile, 'utf8'));
  fs.rmSync(metricsFile, { force: true });
  return { metrics, ms: r.ms };
}

// ---------------------------------------------------------------- generation only

/** The model of the generation and format cases: seed 42 at the default rate. */
const simOptions = {
  seed: 42,
  startMs: Date.parse(START),
  ratePerHour: 5000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: true,
  userPoolSize: 0,
};

function generationOnce(n: number): { eps: number; bytes: number } {
  const sim = new Simulation(simOptions);
  const ser = new EventSerializer(sim.instanceTag);
  // Encoded into a reused buffer, as the stdout and file sinks do: the bytes are the output.
  const buf = Buffer.allocUnsafe(1 << 20) as Latin1Buffer;
  const limit = buf.length - ser.maxBytes;
  let pos = 0;
  for (let i = 0; i < 50_000; i++) pos = ser.encodeInto(sim.next(), buf, pos < limit ? pos : 0); // warm-up
  pos = 0;
  let bytes = 0;
  const began = performance.now();
  for (let i = 0; i < n; i++) {
    if (pos >= limit) {
      bytes += pos;
      pos = 0;
    }
    pos = ser.encodeInto(sim.next(), buf, pos);
  }
  bytes += pos;
  return { eps: n / ((performance.now() - began) / 1000), bytes: bytes / n };
}

async function benchGeneration(): Promise<void> {
  process.stderr.write('generation (engine + serialization, one core, no I/O)\n');
  const runs = [1, 2, 3, 4, 5].map(() => generationOnce(1_000_000));
  record(
    'generation only',
    'events/s',
    runs.map((r) => r.eps),
    `mean event ${Math.round(runs[0]!.bytes)} bytes`,
  );
}

// ---------------------------------------------------------------- formats

/** Seconds to make n events with the model alone, and to make and encode them in a format; bytes per record. */
function formatOnce(format: Format | 'model', n: number): { seconds: number; bytes: number } {
  const sim = new Simulation(simOptions);
  const encoder: RecordEncoder<EventRecord> | null = format === 'model' ? null : eventEncoder(format, sim.instanceTag, () => 1);
  const buf = Buffer.allocUnsafe(1 << 16) as Latin1Buffer;
  let bytes = 0;
  for (let i = 0; i < 20_000; i++) {
    const rec = sim.next();
    if (encoder) encoder.encodeInto(rec, buf, 0); // warm-up
  }
  const began = performance.now();
  for (let i = 0; i < n; i++) {
    const rec = sim.next();
    if (encoder) bytes += encoder.encodeInto(rec, buf, 0);
  }
  return { seconds: (performance.now() - began) / 1000, bytes: bytes / n };
}

async function benchFormats(): Promise<void> {
  process.stderr.write('formats (model + encoding into a buffer, one core; encoding alone = minus the model alone)\n');
  const n = 300_000;
  const formats: (Format | 'model')[] = ['model', 'json', 'json-schema', 'avro', 'protobuf'];
  const seconds = new Map<string, number[]>(formats.map((f) => [f, []]));
  const bytes = new Map<string, number>();
  // Interleaved, so that a slow minute of the machine falls on every format alike.
  for (let round = 0; round < 5; round++) {
    for (const f of formats) {
      const r = formatOnce(f, n);
      seconds.get(f)!.push(r.seconds);
      bytes.set(f, r.bytes);
    }
  }
  const model = seconds.get('model')!;
  for (const f of formats.slice(1)) {
    const runs = seconds.get(f)!;
    record(
      `format ${f}: model + encoding`,
      'events/s',
      runs.map((s) => n / s),
      `${bytes.get(f)!.toFixed(1)} bytes per record`,
    );
    record(
      `format ${f}: encoding alone`,
      'ns/event',
      runs.map((s, i) => ((s - model[i]!) / n) * 1e9),
      f === 'json' ? undefined : `${(bytes.get(f)! / bytes.get('json')!).toFixed(2)} × the JSON bytes`,
    );
  }
}

// ---------------------------------------------------------------- stdout and file

async function benchSinks(): Promise<void> {
  const n = 1_000_000;
  const base = ['--seed', '42', '--start', START, '--speed', 'max', '--count', String(n)];
  process.stderr.write(`stdout to /dev/null and file sink (${n} events, whole CLI process)\n`);
  const devnull = fs.openSync('/dev/null', 'w');
  const out: { eps: number; mbps: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await cliRun([...base, '--sink', 'stdout'], devnull);
    out.push({ eps: r.metrics.messagesSent / r.metrics.elapsedSeconds, mbps: r.metrics.bytesSent / 1e6 / r.metrics.elapsedSeconds });
  }
  fs.closeSync(devnull);
  record(
    'stdout → /dev/null',
    'events/s',
    out.map((r) => r.eps),
  );
  record(
    'stdout → /dev/null',
    'MB/s',
    out.map((r) => r.mbps),
  );
  const low: number[] = [];
  const devnull2 = fs.openSync('/dev/null', 'w');
  for (let i = 0; i < 3; i++) {
    const r = await cliRun([...base, '--sink', 'stdout', '--low-memory'], devnull2);
    low.push(r.metrics.messagesSent / r.metrics.elapsedSeconds);
  }
  fs.closeSync(devnull2);
  record('stdout → /dev/null, --low-memory', 'events/s', low);
  const file = tmpFile('events.ndjson');
  const fileRuns: { eps: number; mbps: number }[] = [];
  for (let i = 0; i < 3; i++) {
    fs.rmSync(file, { force: true });
    const r = await cliRun([...base, '--sink', 'file', '--output', file]);
    fileRuns.push({ eps: r.metrics.messagesSent / r.metrics.elapsedSeconds, mbps: r.metrics.bytesSent / 1e6 / r.metrics.elapsedSeconds });
  }
  fs.rmSync(file, { force: true });
  record(
    'file sink',
    'events/s',
    fileRuns.map((r) => r.eps),
  );
  record(
    'file sink',
    'MB/s',
    fileRuns.map((r) => r.mbps),
  );
}

// ---------------------------------------------------------------- workers, against a plain generator

/**
 * --workers 1 and 2 to /dev/null against the plain yardstick (bench/plain-generator.ts):
 * events per wall second of the whole process, start-up included. Each thread count also runs
 * a shorter run: the difference between the two is the steady rate, with what every run pays
 * once (loading, building the shop, a worker's start-up, both threads compiling their code at
 * once) taken out.
 *
 * And the most two threads can make on this machine: two --workers 1 processes at once, which
 * share nothing (no merge, no waiting for each other), only the cores, their caches and the
 * memory bus. A process alone also has the other core for its collector and compiler threads.
 *
 * This machine's speed drifts by up to 2× from one minute to the next, so every run of ours is
 * bracketed by runs of the plain generator, and measured in them: its time × the mean of their
 * rates is how many events the plain generator would have made meanwhile (`plainEvents`). Every
 * ratio comes from those, so two runs of ours minutes apart compare as well as two side by side.
 */
async function benchWorkers(): Promise<void> {
  // Long enough that start-up weighs little: two threads pay ~0.8 s once, 15% of a 3M-event run, 5% of this one.
  const n = 10_000_000;
  const short = 3_000_000;
  const ROUNDS = 3;
  process.stderr.write(`workers: ${n} events to /dev/null, whole process, each run between two of a plain JSON.stringify generator\n`);
  const devnull = fs.openSync('/dev/null', 'w');
  const base = ['--sink', 'stdout', '--seed', '42', '--start', START, '--speed', 'max', '--quiet'];
  const seconds = async (args: string[]): Promise<number> => {
    const r = await run(NODE, args, { stdout: devnull });
    if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.ms / 1000;
  };
  // As many events as ours: a run of 3M made 2–3% fewer events a second than one of 10M.
  const plainRate = async (): Promise<number> => n / (await seconds([path.join(ROOT, 'bench/plain-generator.ts'), String(n)]));
  const ours = (k: string, count: number): Promise<number> => seconds([CLI, ...base, '--count', String(count), '--workers', k]);
  const pairOf = async (): Promise<number> => Math.max(...(await Promise.all([ours('1', n), ours('1', n)])));
  const cases: [string, () => Promise<number>][] = [
    ['one', () => ours('1', n)],
    ['two', () => ours('2', n)],
    ['pair', pairOf],
    ['one short', () => ours('1', short)],
    ['two short', () => ours('2', short)],
  ];
  /** Per case, per round: wall seconds, and the plain generator's events in that time. */
  const secs = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  const plainEvents = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  const plain: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let before = await plainRate();
    plain.push(before);
    for (const [name, measure] of cases) {
      const t = await measure();
      const after = await plainRate();
      plain.push(after);
      secs.get(name)!.push(t);
      plainEvents.get(name)!.push((t * (before + after)) / 2);
      before = after;
    }
  }
  fs.closeSync(devnull);
  const p = (name: string): number[] => plainEvents.get(name)!;
  /** Events per second of a case, and its events over the plain generator's in the same time. */
  const rate = (name: string, events: number): number[] => secs.get(name)!.map((t) => events / t);
  const vsPlain = (name: string, events: number): number[] => p(name).map((e) => events / e);
  const steady = (long: string, shortCase: string): number[] => p(long).map((e, r) => (n - short) / (e - p(shortCase)[r]!));
  const over = (a: number[], b: number[]): number[] => a.map((x, i) => x / b[i]!);
  const bracketed = 'per round, each run measured in the plain runs before and after it';
  record('plain JSON.stringify generator → /dev/null', 'events/s', plain, `${n} events, before and after each run of ours`);
  record('stdout → /dev/null, --workers 1', 'events/s', rate('one', n));
  record('stdout → /dev/null, --workers 2', 'events/s', rate('two', n));
  record(
    'two --workers 1 processes at once, both together',
    'events/s',
    rate('pair', 2 * n),
    'the most two threads make here: nothing shared but the machine',
  );
  const one = vsPlain('one', n);
  const two = vsPlain('two', n);
  const pair = vsPlain('pair', 2 * n);
  record('--workers 1 / plain', 'ratio', one, bracketed);
  record('--workers 2 / plain', 'ratio', two, bracketed);
  record('--workers 2 / --workers 1', 'ratio', over(two, one), bracketed);
  record('two processes at once / --workers 1', 'ratio', over(pair, one), bracketed);
  record('--workers 2 / two processes at once', 'ratio', over(two, pair), `${bracketed}: what the merge and the waiting cost`);
  const steadyOne = steady('one', 'one short');
  const steadyTwo = steady('two', 'two short');
  const steadyNote = `(${n} - ${short}) events / the difference of the two runs' plain-generator events`;
  record('--workers 1, steady rate / plain', 'ratio', steadyOne, steadyNote);
  record('--workers 2, steady rate / plain', 'ratio', steadyTwo, steadyNote);
  record('--workers 2 / --workers 1, steady rates', 'ratio', over(steadyTwo, steadyOne), 'per round');
}

/** Kafka end to end with one and two workers (each worker its own client), interleaved. */
async function benchKafkaWorkers(): Promise<void> {
  const kafkaLocal = await import('../scripts/kafka-local/index.ts');
  await kafkaLocal.ensureJars();
  const broker = await kafkaLocal.startBroker({ ephemeral: true });
  try {
    const n = 600_000;
    process.stderr.write(`Kafka with --workers 1 and 2: ${n} events, acks=all, 12 partitions, whole process\n`);
    const runs: Record<string, number[]> = { '1': [], '2': [] };
    let topicNo = 0;
    for (let round = 0; round < 3; round++) {
      for (const k of ['1', '2']) {
        const args = ['--sink', 'kafka', '--bootstrap-servers', broker.bootstrap, '--topic', `bench-workers-${topicNo++}`];
        args.push('--partitions', '12', '--seed', '42', '--start', START, '--speed', 'max', '--count', String(n), '--workers', k);
        const r = await cliRun(args);
        if (r.metrics.messagesSent !== n) throw new Error(`--workers ${k} sent ${r.metrics.messagesSent} of ${n}`);
        runs[k]!.push(n / (r.ms / 1000));
      }
    }
    record('Kafka, acks=all, --workers 1', 'events/s', runs['1']!);
    record('Kafka, acks=all, --workers 2', 'events/s', runs['2']!);
    record(
      'Kafka --workers 2 / --workers 1',
      'ratio',
      runs['2']!.map((x, i) => x / runs['1']![i]!),
      'per round',
    );
  } finally {
    await broker.stop();
  }
}

// ---------------------------------------------------------------- Kafka

async function benchKafka(): Promise<void> {
  const kafkaLocal = await import('../scripts/kafka-local/index.ts');
  const lib = await kafkaLocal.ensureJars();
  const broker = await kafkaLocal.startBroker({ ephemeral: true });
  try {
    // Long enough (15–30 s each) that connecting and start-up weigh little for either tool.
    const n = 1_500_000;
    const recordSize = Math.round(generationOnce(100_000).bytes);
    let topicNo = 0;
    // Both tools get a topic made the same way beforehand: 12 partitions, lz4.
    const createTopic = (topic: string): void => {
      const create = spawnSync(
        'java',
        [
          '-cp',
          `${lib}/*`,
          'org.apache.kafka.tools.TopicCommand',
          '--bootstrap-server',
          broker.bootstrap,
          '--create',
          '--topic',
          topic,
          '--partitions',
          '12',
          '--replication-factor',
          '1',
          '--config',
          'compression.type=lz4',
        ],
        { encoding: 'utf8' },
      );
      if (create.status !== 0) throw new Error(create.stderr);
    };
    const ours = async (acks: string): Promise<number> => {
      const topic = `bench-ours-${acks}-${topicNo++}`;
      createTopic(topic);
      const r = await cliRun([
        '--sink',
        'kafka',
        '--bootstrap-servers',
        broker.bootstrap,
        '--topic',
        topic,
        '--replication-factor',
        '1',
        '--acks',
        acks,
        '--seed',
        '42',
        '--start',
        START,
        '--speed',
        'max',
        '--count',
        String(n),
      ]);
      return r.metrics.messagesSent / r.metrics.elapsedSeconds;
    };
    const theirs = async (acks: string): Promise<number> => {
      const topic = `bench-perf-${acks}-${topicNo++}`;
      createTopic(topic);
      const props = [
        `bootstrap.servers=${broker.bootstrap}`,
        `acks=${acks}`,
        'compression.type=lz4',
        'batch.size=32768',
        'linger.ms=20',
        'buffer.memory=67108864',
        `enable.idempotence=${acks === 'all'}`,
      ];
      const r = await run('java', [
        '-Xmx512m',
        '-cp',
        `${lib}/*`,
        'org.apache.kafka.tools.ProducerPerformance',
        '--topic',
        topic,
        '--num-records',
        String(n),
        '--record-size',
        String(recordSize),
        '--throughput',
        '-1',
        '--command-property',
        ...props,
      ]);
      const summary = r.stdout.trim().split('\n').pop()!;
      const m = /([\d.]+) records\/sec/.exec(summary);
      if (!m) throw new Error(`unexpected ProducerPerformance output: ${summary} ${r.stderr}`);
      return Number(m[1]);
    };
    for (const acks of ['all', '1']) {
      process.stderr.write(
        `Kafka end to end, acks=${acks}, lz4, 12 partitions, ${n} events (ours) vs kafka-producer-perf-test (${recordSize}-byte records)\n`,
      );
      const o: number[] = [];
      const t: number[] = [];
      for (let i = 0; i < 3; i++) {
        o.push(await ours(acks));
        t.push(await theirs(acks));
      }
      const a = record(`kafka acks=${acks}: user-behavior-producer`, 'events/s', o);
      const b = record(`kafka acks=${acks}: kafka-producer-perf-test`, 'records/s', t);
      rows.push({
        case: `kafka acks=${acks}: ours / perf-test`,
        value: Math.round((a / b) * 100) / 100,
        unit: 'ratio',
        runs: o.map((x, i) => Math.round((x / t[i]!) * 100) / 100),
      });
    }
  } finally {
    await broker.stop();
  }
}

// ---------------------------------------------------------------- memory

const MEMORY_PROBE = `
import { tuneHeap } from ${JSON.stringify(path.join(ROOT, 'src/runtime/heap-tuning.ts'))};
// The heap as the CLI keeps it.
tuneHeap(process.argv[4] === 'low');
import { Simulation } from ${JSON.stringify(path.join(ROOT, 'src/model/simulation.ts'))};
import { EventSerializer } from ${JSON.stringify(path.join(ROOT, 'src/events/serialize.ts'))};
const rss = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().rss; };
const rate = Number(process.argv[2]);
const sim = new Simulation({ seed: 42, startMs: Date.parse('${START}'), ratePerHour: rate, minSessionSeconds: 60, maxSessionSeconds: 1800, timePatterns: false, userPoolSize: 0 });
const ser = new EventSerializer(sim.instanceTag);
const atRest = rss();
const minutes = Number(process.argv[3]);
const end = Date.parse('${START}') + minutes * 60000;
while (sim.peekTimeMs() < end) ser.serialize(sim.next());
const busy = rss();
// Use the serializer after measuring: a local that is dead by then may be collected, texts and all.
const last = ser.serialize(sim.next());
console.log(JSON.stringify({ atRest, busy, active: sim.activeSessions, users: sim.usersCreated, lastBytes: last.length }));
`;

async function benchMemory(): Promise<void> {
  process.stderr.write('memory: RSS at rest (the CLI, started, no events) and per 1,000 active sessions (≥ 100,000 concurrent)\n');
  const rest: number[] = [];
  for (let i = 0; i < 3; i++) {
    const probe = tmpFile('rest.mjs');
    fs.writeFileSync(
      probe,
      `import ${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))};\nconst { UserBehaviorProducer } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))});\nconst p = new UserBehaviorProducer({ seed: 1, sink: 'stdout' });\np.generateMessage();\nglobalThis.gc();\nconsole.log(process.memoryUsage().rss);\n`,
    );
    const r = await run(NODE, ['--expose-gc', probe]);
    fs.rmSync(probe, { force: true });
    rest.push(Number(r.stdout.trim()) / 1e6);
  }
  record('RSS at rest', 'MB', rest);
  const probe = tmpFile('sessions.mts');
  fs.writeFileSync(probe, MEMORY_PROBE);
  for (const mode of ['default', 'low'] as const) {
    const per: number[] = [];
    let active = 0;
    for (let i = 0; i < 3; i++) {
      // 40M events/hour with default sessions keeps well over 100,000 sessions open.
      const r = await run(NODE, ['--expose-gc', '--max-old-space-size=4096', probe, '40000000', '6', mode]);
      const m = JSON.parse(r.stdout.trim()) as { atRest: number; busy: number; active: number };
      active = m.active;
      per.push((m.busy - m.atRest) / (m.active / 1000) / 1024);
    }
    record(
      `RSS per 1,000 active sessions${mode === 'low' ? ' (--low-memory)' : ''}`,
      'KB',
      per,
      `${active} active sessions; includes their users and the pool`,
    );
  }
  fs.rmSync(probe, { force: true });
}

// ---------------------------------------------------------------- delivery faults

const DELIVERY_PROBE = `
const { UserBehaviorProducer } = await import(process.argv[2]);
const [rate, hours, late, delay, max, duplicates] = process.argv.slice(3).map(Number);
const p = new UserBehaviorProducer({
  seed: 1, sink: 'file', output: '/dev/null', start: '${START}', speed: 'max', timePatterns: false, generationRate: rate,
  durationSeconds: hours * 3600, late, lateDelaySeconds: delay, lateMaxSeconds: max, duplicates,
});
const before = process.memoryUsage().rss;
let peakRss = before;
const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const began = performance.now();
const m = await p.runContinuous();
clearInterval(timer);
const ms = performance.now() - began;
await p.close();
console.log(JSON.stringify({ ...p.deliveryStats(), sent: m.messagesSent, eps: m.messagesSent / (ms / 1000), peakRss, before }));
`;

/**
 * Events held back by --late are bounded by the events made within the last --late-max
 * seconds (plus a minute for a duplicate's retry): rate × (late-max + 60 s). Measured with a
 * typical setting and with every event held for the longest delay, where the bound is reached.
 */
async function benchDelivery(): Promise<void> {
  process.stderr.write('delivery faults: most events held back vs the bound rate × (--late-max + 60 s), 100 events/s, no time patterns\n');
  const probe = tmpFile('delivery.mjs');
  fs.writeFileSync(probe, DELIVERY_PROBE);
  const index = path.join(ROOT, 'dist/src/index.js');
  for (const [label, args] of [
    ['--late 0.05 --late-delay 30 --late-max 3600 --duplicates 0.02, 3 h', ['360000', '3', '0.05', '30', '3600', '0.02']],
    ['--late 1 --late-delay 600 --late-max 600, 2 h', ['360000', '2', '1', '600', '600', '0']],
  ] as const) {
    const r = await run(NODE, [probe, index, ...args]);
    const m = JSON.parse(r.stdout.trim()) as { maxHeld: number; sent: number; eps: number; peakRss: number; before: number };
    const bound = (Number(args[0]) / 3600) * (Number(args[4]) + 60);
    record(
      `held back at most, ${label}`,
      'events',
      [m.maxHeld],
      `bound ${bound}; ${m.sent} records; peak RSS ${Math.round(m.peakRss / 1e6)} MB (${Math.round(m.before / 1e6)} MB at start); ${Math.round(m.eps)} events/s`,
    );
  }
  fs.rmSync(probe, { force: true });
}

// ---------------------------------------------------------------- live pacing

async function benchPacing(): Promise<void> {
  for (const [label, ratePerHour] of [
    ['100,000 events/hour', 100_000],
    ['50,000 events/s', 180_000_000],
  ] as const) {
    process.stderr.write(`live pacing at ${label}, 60 s, stdout to /dev/null\n`);
    const devnull = fs.openSync('/dev/null', 'w');
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await cliRun(
        [
          '--sink',
          'stdout',
          '--seed',
          String(10 + i),
          '--start',
          START,
          '--speed',
          '1',
          '--duration',
          '60',
          '--rate',
          String(ratePerHour),
          '--no-time-patterns',
        ],
        devnull,
      );
      // Achieved rate over the wall time of the run vs the model's rate over its 60 simulated seconds.
      const achieved = r.metrics.messagesSent / r.metrics.elapsedSeconds;
      const target = r.metrics.messagesSent / 60;
      runs.push((achieved / target) * 100);
    }
    fs.closeSync(devnull);
    record(`pacing at ${label}: achieved / target`, '%', runs);
  }
}

const began = Date.now();
if (want('generation')) await benchGeneration();
if (want('formats')) await benchFormats();
if (want('stdout')) await benchSinks();
if (want('workers')) await benchWorkers();
if (want('kafka-workers')) await benchKafkaWorkers();
if (want('kafka')) await benchKafka();
if (want('memory')) await benchMemory();
if (want('pacing')) await benchPacing();
if (want('delivery')) await benchDelivery();

const machine = {
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
};
const table = [
  '| case | median | unit | runs |',
  '|---|---:|---|---|',
  ...rows.map(
    (r) => `| ${r.case} | ${r.value.toLocaleString('en-US')} | ${r.unit} | ${r.runs.join(', ')}${r.note ? ` (${r.note})` : ''} |`,
  ),
];
process.stdout.write(
  `\n${machine.cores} cores, ${machine.cpu}, Node ${machine.node}\n\n${table.join('\n')}\n\n(${Math.round((Date.now() - began) / 1000)} s)\n`,
);
const resultsFile = path.join(ROOT, 'bench/results.json');
const previous = fs.existsSync(resultsFile) && only ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { rows: Row[] }).rows : [];
const merged = [...previous.filter((p) => !rows.some((r) => r.case === p.case && r.unit === p.unit)), ...rows];
fs.writeFileSync(resultsFile, JSON.stringify({ machine, rows: merged }, null, 2) + '\n');
