// A generating thread of a run with --workers: it runs a share of the lanes (see runtime/workers.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { UBPError } from '../errors.ts';
import { LineMaker } from './line-maker.ts';
import type { WorkerInput, WorkerMessage } from './workers.ts';

const input = workerData as WorkerInput;
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);

/** `worker:events` — the tests' way to make a worker fail mid-run, as a bug or a lack of memory would. */
const CRASH_ENV = 'UBP_TEST_WORKER_CRASH';

function testCrashAfter(index: number): number {
  const [worker, after] = (process.env[CRASH_ENV] ?? '').split(':').map(Number);
  return worker === index && after !== undefined && Number.isInteger(after) ? after : -1;
}

/** Lines mode: make this worker's events and hand them, encoded, to the main thread's merge. */
function makeLines(input: Extract<WorkerInput, { mode: 'lines' }>): void {
  const maker = new LineMaker(input.model, input.endMs, input.channel, () => post({ kind: 'batch' }));
  const crashAfter = testCrashAfter(input.index);
  let made = 0;
  for (;;) {
    if (made === crashAfter) throw new Error(`test crash after ${made} events (${CRASH_ENV})`);
    const n = maker.fill(crashAfter < 0 ? undefined : crashAfter - made);
    if (n === false) break;
    made += n;
  }
}

/** Kafka mode: a whole producer of this worker's lanes, with its own client; the main thread adds up the figures. */
async function produce(input: Extract<WorkerInput, { mode: 'kafka' }>): Promise<void> {
  const { UserBehaviorProducer } = await import('../producer.ts');
  const logger = {
    debug: (msg: string, obj?: Record<string, unknown>) => post({ kind: 'log', level: 'debug', msg, obj }),
    info: (msg: string, obj?: Record<string, unknown>) => post({ kind: 'log', level: 'info', msg, obj }),
    warn: (msg: string, obj?: Record<string, unknown>) => post({ kind: 'log', level: 'warn', msg, obj }),
    error: (msg: string, obj?: Record<string, unknown>) => post({ kind: 'log', level: 'error', msg, obj }),
  };
  const counter = new Int32Array(input.claimed);
  const claim =
    input.count === null
      ? undefined
      : (): boolean => {
          if (Atomics.add(counter, 0, 1) < input.count!) return true;
          Atomics.sub(counter, 0, 1);
          return false;
        };
  const stop = new AbortController();
  parentPort!.on('message', (m: { kind: 'stop' }) => {
    if (m.kind === 'stop') stop.abort();
  });
  // Listening for a stop must not keep the thread alive once the run is over.
  parentPort!.unref();
  const producer = new UserBehaviorProducer(input.options, { logger, lanes: input.lanes, claim });
  const timer = setInterval(
    () => post({ kind: 'metrics', metrics: producer.getMetrics(), peekTimeMs: producer.simulation.peekTimeMs() }),
    250,
  );
  try {
    await producer.runContinuous({ durationSeconds: input.durationSeconds, count: null, signal: stop.signal });
  } catch (err) {
    if (err instanceof UBPError) post({ kind: 'failed', code: err.code, message: err.message });
    throw err;
  } finally {
    clearInterval(timer);
    try {
      await producer.close();
    } finally {
      post({ kind: 'metrics', metrics: producer.getMetrics(), peekTimeMs: producer.simulation.peekTimeMs() });
    }
  }
}

if (input.mode === 'lines') makeLines(input);
else await produce(input);
