import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SERVER_LOG4J, writeServerConfig } from './config.ts';
import { KafkaLocalError } from './errors.ts';
import { fileTail, run, sleep, tail } from './exec.ts';
import { TOOLS_LOG4J, classpathArgs, javaBin, javaNotFound } from './java.ts';
import { ensureJars } from './jars.ts';
import { HOST, defaultDir, defaultLibDir, envPort, layout, type Layout } from './paths.ts';
import { probeBroker, type ProbeResult } from './probe.ts';
import { clearState, freePort, isOurBroker, isZombie, portInUse, readState, terminate, writeState } from './process.ts';

const DEFAULT_HEAP = '-Xms256m -Xmx512m';

export interface BrokerOptions {
  /** State dir: config, data, logs, state file. Default KAFKA_LOCAL_DIR or <repo>/.kafka. */
  dir?: string;
  libDir?: string;
  /** 0 picks a free port. Default KAFKA_PORT or 9092. */
  port?: number;
  /** 0 picks a free port. Default KAFKA_CONTROLLER_PORT or 9093. */
  controllerPort?: number;
  /**
   * A broker for one test run: a fresh temporary dir and free ports unless given, not detached
   * (it dies with the calling process, even on Ctrl-C), and stop() deletes its dir.
   */
  ephemeral?: boolean;
  /** How long to wait for the broker to answer. Default KAFKA_START_TIMEOUT_MS or 90 s. */
  timeoutMs?: number;
  /** JVM heap flags. Default KAFKA_HEAP_OPTS or -Xms256m -Xmx512m. */
  heap?: string;
  log?: (message: string) => void;
}

export interface BrokerHandle {
  /** host:port for clients. */
  bootstrap: string;
  port: number;
  controllerPort: number;
  pid: number;
  dir: string;
  /** True when the broker was already running and this call only found it. */
  reused: boolean;
  stop(): Promise<void>;
}

/** Starts the broker of a state dir, or finds it already running there. */
export async function startBroker(options: BrokerOptions = {}): Promise<BrokerHandle> {
  const ephemeral = options.ephemeral === true;
  const L = layout(path.resolve(options.dir ?? (ephemeral ? await mkdtemp(path.join(os.tmpdir(), 'kafka-local-')) : defaultDir())));
  const wantedPort = options.port ?? (ephemeral ? 0 : envPort('KAFKA_PORT', 9092));
  const wantedControllerPort = options.controllerPort ?? (ephemeral ? 0 : envPort('KAFKA_CONTROLLER_PORT', 9093));
  const timeoutMs = options.timeoutMs ?? (Number(process.env.KAFKA_START_TIMEOUT_MS) || 90_000);
  const log = options.log ?? (() => {});

  let stopped = false;
  const handle = (pid: number, port: number, controllerPort: number, reused: boolean): BrokerHandle => ({
    bootstrap: `${HOST}:${port}`,
    port,
    controllerPort,
    pid,
    dir: L.dir,
    reused,
    stop: async () => {
      stopped = true;
      await stopBroker({ dir: L.dir });
      if (ephemeral) rmSync(L.dir, { recursive: true, force: true });
    },
  });

  const state = readState(L);
  if (state && isOurBroker(state.pid, L)) {
    if (wantedPort !== 0 && wantedPort !== state.port) {
      throw new KafkaLocalError(`local Kafka is already running on ${HOST}:${state.port} (pid ${state.pid}); run "npm run kafka:stop" before changing KAFKA_PORT`);
    }
    const ready = await waitReady(state.port, timeoutMs, () => (isOurBroker(state.pid, L) ? undefined : 'broker process exited'));
    if (!ready.ok) throw new KafkaLocalError(`local Kafka (pid ${state.pid}) is running but not answering: ${ready.reason}`, fileTail(L.serverLog, 30));
    return handle(state.pid, state.port, state.controllerPort, true);
  }

  const libDir = await ensureJars({ libDir: options.libDir ?? defaultLibDir(), log });
  const port = wantedPort === 0 ? await freePort() : wantedPort;
  let controllerPort = wantedControllerPort === 0 ? await freePort() : wantedControllerPort;
  while (controllerPort === port) controllerPort = await freePort();
  if (await portInUse(port)) throw new KafkaLocalError(`port ${port} is already in use by another process; set KAFKA_PORT to a free port`);
  if (await portInUse(controllerPort)) {
    throw new KafkaLocalError(`port ${controllerPort} is already in use by another process; set KAFKA_CONTROLLER_PORT to a free port`);
  }

  writeServerConfig(L, port, controllerPort, ephemeral);
  if (await formatStorage(L, libDir)) log(`formatted new storage in ${L.dataDir}`);

  const out = openSync(L.stdoutLog, 'a');
  writeFileSync(L.serverLog, '', { flag: 'a' });
  const logStart = readFileSync(L.serverLog).length;
  const heap = options.heap ?? process.env.KAFKA_HEAP_OPTS ?? DEFAULT_HEAP;
  const args = [
    ...heap.split(/\s+/).filter(Boolean),
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${SERVER_LOG4J}`, `-Dkafka.logs.dir=${L.logsDir}`,
    ...classpathArgs(libDir), 'kafka.Kafka', L.serverProps,
  ];
  const child = spawn(javaBin(), args, { cwd: L.dir, detached: !ephemeral, stdio: ['ignore', out, out] });
  closeSync(out);
  const spawnError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  if (spawnError || child.pid === undefined) {
    throw spawnError?.code === 'ENOENT' ? javaNotFound() : new KafkaLocalError(`could not start java: ${spawnError?.message ?? 'no pid'}`);
  }
  const pid = child.pid;
  child.unref();
  writeState(L, { pid, port, controllerPort, startedAt: new Date().toISOString() });
  if (ephemeral) {
    // The broker must not outlive a test run that crashed or forgot stop().
    process.once('exit', () => {
      if (stopped) return;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      rmSync(L.dir, { recursive: true, force: true });
    });
  }
  log(`starting Kafka on ${HOST}:${port} (pid ${pid}, logs in ${L.logsDir})`);

  const ready = await waitReady(port, timeoutMs, () =>
    child.exitCode !== null || child.signalCode !== null ? `broker exited (${child.exitCode ?? child.signalCode})` : undefined,
  );
  if (!ready.ok) {
    await terminate(pid, 5_000);
    clearState(L);
    const logTail = [fileTail(L.stdoutLog, 15), tail(readFileSync(L.serverLog, 'utf8').slice(logStart), 25)].filter(Boolean).join('\n');
    throw new KafkaLocalError(`local Kafka did not come up: ${ready.reason} (logs in ${L.logsDir})`, logTail);
  }
  return handle(pid, port, controllerPort, false);
}

/** Stops the broker of a state dir if it runs (SIGTERM, SIGKILL after timeoutMs); true if it ran. */
export async function stopBroker(options: { dir?: string; timeoutMs?: number } = {}): Promise<boolean> {
  const L = layout(path.resolve(options.dir ?? defaultDir()));
  const pid = readState(L)?.pid;
  const running = isOurBroker(pid, L) && !isZombie(pid);
  if (running) await terminate(pid, options.timeoutMs ?? 30_000);
  clearState(L);
  return running;
}

export interface BrokerStatus {
  running: boolean;
  answering: boolean;
  bootstrap?: string;
  pid?: number;
}

export async function brokerStatus(options: { dir?: string } = {}): Promise<BrokerStatus> {
  const L = layout(path.resolve(options.dir ?? defaultDir()));
  const state = readState(L);
  if (!state || !isOurBroker(state.pid, L)) return { running: false, answering: false };
  const probe = await probeBroker(state.port);
  return { running: true, answering: probe.ok, bootstrap: `${HOST}:${state.port}`, pid: state.pid };
}

/** Stops the broker and deletes its data, logs and config; the jars stay. */
export async function resetBroker(options: { dir?: string } = {}): Promise<void> {
  const L = layout(path.resolve(options.dir ?? defaultDir()));
  await stopBroker({ dir: L.dir });
  for (const p of [L.dataDir, L.logsDir, L.configDir, L.stateFile]) rmSync(p, { recursive: true, force: true });
}

async function waitReady(port: number, timeoutMs: number, deadReason: () => string | undefined): Promise<ProbeResult> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not started';
  while (Date.now() < deadline) {
    const dead = deadReason();
    if (dead !== undefined) return { ok: false, reason: dead };
    const probe = await probeBroker(port, 1500);
    if (probe.ok) return probe;
    last = probe.reason ?? last;
    await sleep(250);
  }
  return { ok: false, reason: `not ready after ${Math.round(timeoutMs / 1000)} s (${last})` };
}

/** Kafka's Uuid text form; a leading '-' is avoided as Kafka does, since CLI parsers take it for a flag. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Formats the KRaft storage of a new state dir; false when it was formatted before. */
async function formatStorage(L: Layout, libDir: string): Promise<boolean> {
  if (existsSync(path.join(L.dataDir, 'meta.properties'))) return false;
  // A data dir without meta.properties is a format that died half-way.
  rmSync(L.dataDir, { recursive: true, force: true });
  const res = await run(javaBin(), [
    ...classpathArgs(libDir), TOOLS_LOG4J,
    'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', clusterId(), '-c', L.serverProps,
  ]);
  if (res.error?.code === 'ENOENT') throw javaNotFound();
  if (res.code !== 0) throw new KafkaLocalError(`formatting the Kafka storage failed (exit ${res.code})`, tail(res.output, 30));
  return true;
}
