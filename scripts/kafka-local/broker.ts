import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SERVER_LOG4J, writeServerConfig } from './config.ts';
import { KafkaLocalError } from './errors.ts';
import { fileTail, run, tail, waitReady } from './exec.ts';
import { TOOLS_LOG4J, classpathArgs, javaBin, javaNotFound } from './java.ts';
import { ensureJars } from './jars.ts';
import { HOST, defaultDir, defaultLibDir, envPort, layout, type Layout } from './paths.ts';
import { probeBroker } from './probe.ts';
import { clearState, exited, freePort, isOurBroker, portInUse, readState, terminate, writeState } from './process.ts';
import {
  DEFAULT_SECURE_PORTS,
  SECURE_PORT_ENV,
  SCRAM_MECHANISMS,
  checkSecureListeners,
  ensureCredentials,
  readCredentials,
  scramCredential,
  secureInfo,
  waitSecureReady,
  writeClientConfigs,
  type ListenerCheck,
  type SecureInfo,
  type SecurePorts,
  type SecureUser,
} from './secure.ts';
import { checkTlsMaterial, ensureTlsMaterial, tlsFiles } from './tls.ts';

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
  /**
   * Also open a SASL_SSL listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), a mutual-TLS listener and
   * a SASL_PLAINTEXT one, with a CA, certificates, a user and client config files in <dir>/secure.
   */
  secure?: boolean;
  /** 0 picks a free port. Defaults: KAFKA_SECURE_PORT, KAFKA_MTLS_PORT, KAFKA_SASL_PLAINTEXT_PORT or 9094, 9095, 9096; free ports when ephemeral. */
  securePorts?: Partial<SecurePorts>;
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
  /** The secure listeners, their user and files, when the broker runs with them. */
  secure?: SecureInfo;
  stop(): Promise<void>;
}

/** Starts the broker of a state dir, or finds it already running there. */
export async function startBroker(options: BrokerOptions = {}): Promise<BrokerHandle> {
  if (options.ephemeral !== true || options.dir !== undefined) return start(options, false);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kafka-local-'));
  try {
    return await start({ ...options, dir }, true);
  } catch (error) {
    // Nothing else knows this dir; the error carries the tail of the broker's logs.
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function start(options: BrokerOptions, temporaryDir: boolean): Promise<BrokerHandle> {
  const ephemeral = options.ephemeral === true;
  const L = layout(path.resolve(options.dir ?? defaultDir()));
  const wantedPort = options.port ?? (ephemeral ? 0 : envPort('KAFKA_PORT', 9092));
  const wantedControllerPort = options.controllerPort ?? (ephemeral ? 0 : envPort('KAFKA_CONTROLLER_PORT', 9093));
  const timeoutMs = options.timeoutMs ?? (Number(process.env.KAFKA_START_TIMEOUT_MS) || 90_000);
  const log = options.log ?? (() => {});
  const wantSecure = options.secure === true;
  const wantedSecurePorts = (Object.keys(SECURE_PORT_ENV) as (keyof SecurePorts)[]).map(
    (k) => [k, options.securePorts?.[k] ?? (ephemeral ? 0 : envPort(SECURE_PORT_ENV[k], DEFAULT_SECURE_PORTS[k]))] as const,
  );

  let stopped = false;
  const handle = (pid: number, port: number, controllerPort: number, reused: boolean, secure: SecureInfo | undefined): BrokerHandle => ({
    bootstrap: `${HOST}:${port}`,
    port,
    controllerPort,
    pid,
    dir: L.dir,
    reused,
    secure,
    stop: async () => {
      stopped = true;
      await stopBroker({ dir: L.dir });
      if (ephemeral) rmSync(L.dir, { recursive: true, force: true });
    },
  });

  const state = readState(L);
  if (state && isOurBroker(state.pid, L)) {
    if (wantedPort !== 0 && wantedPort !== state.port) {
      throw new KafkaLocalError(
        `local Kafka is already running on ${HOST}:${state.port} (pid ${state.pid}); run "npm run kafka:stop" before changing KAFKA_PORT`,
      );
    }
    if (wantSecure && state.secure === undefined) {
      throw new KafkaLocalError(
        `local Kafka is already running on ${HOST}:${state.port} (pid ${state.pid}) without the secure listeners; run "npm run kafka:stop", then start it with --secure`,
      );
    }
    for (const [k, wanted] of wantedSecurePorts) {
      if (wantSecure && wanted !== 0 && wanted !== state.secure?.[k]) {
        throw new KafkaLocalError(
          `local Kafka is already running with its ${SECURE_PORT_ENV[k]} listener on ${HOST}:${state.secure?.[k]} (pid ${state.pid}); run "npm run kafka:stop" before changing ${SECURE_PORT_ENV[k]}`,
        );
      }
    }
    const alive = (): string | undefined => (isOurBroker(state.pid, L) ? undefined : 'broker process exited');
    const ready = await waitReady(() => probeBroker(state.port, 1500), timeoutMs, alive);
    if (!ready.ok)
      throw new KafkaLocalError(`local Kafka (pid ${state.pid}) is running but not answering: ${ready.reason}`, fileTail(L.serverLog, 30));
    let secure: SecureInfo | undefined;
    if (state.secure !== undefined) {
      // The running JVM loaded its keystore at start: files made since would not match it.
      const problem = checkTlsMaterial(tlsFiles(L.secureDir));
      if (problem !== undefined) {
        throw new KafkaLocalError(
          `the TLS files in ${L.secureDir} changed or went away while local Kafka (pid ${state.pid}) runs (${problem}); restart it: "npm run kafka:stop", then start it with --secure`,
        );
      }
      secure = secureInfo(L.secureDir, state.secure, readCredentials(L.secureDir));
      await waitSecureReady(secure, {
        port: state.port,
        libDir: await ensureJars({ libDir: options.libDir ?? defaultLibDir(), log }),
        timeoutMs,
        scramAtFormat: false,
        deadReason: alive,
        log,
      });
      writeClientConfigs(secure);
    }
    return handle(state.pid, state.port, state.controllerPort, true, secure);
  }

  const libDir = await ensureJars({ libDir: options.libDir ?? defaultLibDir(), log });
  const port = wantedPort === 0 ? await freePort() : wantedPort;
  let controllerPort = wantedControllerPort === 0 ? await freePort() : wantedControllerPort;
  while (controllerPort === port) controllerPort = await freePort();
  if (await portInUse(port)) throw new KafkaLocalError(`port ${port} is already in use by another process; set KAFKA_PORT to a free port`);
  if (await portInUse(controllerPort)) {
    throw new KafkaLocalError(`port ${controllerPort} is already in use by another process; set KAFKA_CONTROLLER_PORT to a free port`);
  }
  let secure: SecureInfo | undefined;
  if (wantSecure) {
    const ports = await chooseSecurePorts(wantedSecurePorts, [port, controllerPort]);
    await ensureTlsMaterial(L.secureDir, log);
    secure = secureInfo(L.secureDir, ports, ensureCredentials(L.secureDir));
  }

  writeServerConfig(L, { port, controllerPort }, ephemeral, secure);
  const formatted = await formatStorage(L, libDir, secure?.user);
  if (formatted) log(`formatted new storage in ${L.dataDir}`);

  const out = openSync(L.stdoutLog, 'a');
  writeFileSync(L.serverLog, '', { flag: 'a' });
  const logStart = readFileSync(L.serverLog).length;
  const heap = options.heap ?? process.env.KAFKA_HEAP_OPTS ?? DEFAULT_HEAP;
  const args = [
    ...heap.split(/\s+/).filter(Boolean),
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${SERVER_LOG4J}`,
    `-Dkafka.logs.dir=${L.logsDir}`,
    ...classpathArgs(libDir),
    'kafka.Kafka',
    L.serverProps,
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
  writeState(L, { pid, port, controllerPort, ...(secure && { secure: secure.ports }), startedAt: new Date().toISOString() });
  if (ephemeral) {
    // The broker must not outlive a test run that crashed or forgot stop().
    process.once('exit', () => {
      if (stopped) return;
      // Checked: a broker stopped through another handle (a restart) leaves a pid that may be reused.
      if (isOurBroker(pid, L)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
        // A dying JVM can still create files while its dir is deleted; an exit handler cannot await.
        const until = Date.now() + 2_000;
        while (!exited(pid) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
      rmSync(L.dir, { recursive: true, force: true });
    });
  }
  log(`starting Kafka on ${HOST}:${port} (pid ${pid}, logs in ${L.logsDir})`);

  const deadReason = (): string | undefined =>
    child.exitCode !== null || child.signalCode !== null ? `broker exited (${child.exitCode ?? child.signalCode})` : undefined;
  const failed = async (reason: string, detail?: string): Promise<KafkaLocalError> => {
    await terminate(pid, { timeoutMs: 5_000 });
    clearState(L);
    const logTail = [fileTail(L.stdoutLog, 15), tail(readFileSync(L.serverLog, 'utf8').slice(logStart), 25)].filter(Boolean).join('\n');
    return new KafkaLocalError(`local Kafka did not come up: ${reason}${temporaryDir ? '' : ` (logs in ${L.logsDir})`}`, detail ?? logTail);
  };
  const ready = await waitReady(() => probeBroker(port, 1500), timeoutMs, deadReason);
  if (!ready.ok) throw await failed(ready.reason ?? 'not ready');
  if (secure) {
    try {
      await waitSecureReady(secure, { port, libDir, timeoutMs, scramAtFormat: formatted, deadReason, log });
    } catch (error) {
      throw await failed(
        error instanceof Error ? error.message : String(error),
        error instanceof KafkaLocalError ? error.detail : undefined,
      );
    }
    writeClientConfigs(secure);
  }
  return handle(pid, port, controllerPort, false, secure);
}

export interface StopOptions {
  dir?: string;
  /** How long a clean shutdown may take before SIGKILL. Default 30 s. */
  timeoutMs?: number;
  /** SIGKILL at once, as a crash would: the broker drops requests it has written but not answered. */
  kill?: boolean;
}

/** Stops the broker of a state dir if it runs and resolves once it is gone; true if it ran. */
export async function stopBroker(options: StopOptions = {}): Promise<boolean> {
  const L = layout(path.resolve(options.dir ?? defaultDir()));
  const pid = readState(L)?.pid;
  const running = isOurBroker(pid, L);
  if (running) await terminate(pid, { timeoutMs: options.timeoutMs ?? 30_000, signal: options.kill ? 'SIGKILL' : 'SIGTERM' });
  clearState(L);
  return running;
}

export interface BrokerStatus {
  running: boolean;
  answering: boolean;
  bootstrap?: string;
  pid?: number;
  /** With the secure listeners: each one tried as a client would. */
  secure?: { info: SecureInfo; checks: ListenerCheck[] };
}

export async function brokerStatus(options: { dir?: string } = {}): Promise<BrokerStatus> {
  const L = layout(path.resolve(options.dir ?? defaultDir()));
  const state = readState(L);
  if (!state || !isOurBroker(state.pid, L)) return { running: false, answering: false };
  const probe = await probeBroker(state.port);
  const status: BrokerStatus = { running: true, answering: probe.ok, bootstrap: `${HOST}:${state.port}`, pid: state.pid };
  if (state.secure !== undefined) {
    const info = secureInfo(L.secureDir, state.secure, readCredentials(L.secureDir));
    status.secure = { info, checks: await checkSecureListeners(info) };
  }
  return status;
}

/** Stops the broker and deletes its data, logs, config and secure dir (certificates, user); the jars stay. */
export async function resetBroker(options: { dir?: string } = {}): Promise<void> {
  const L = layout(path.resolve(options.dir ?? defaultDir()));
  await stopBroker({ dir: L.dir });
  for (const p of [L.dataDir, L.logsDir, L.configDir, L.secureDir, L.stateFile]) rmSync(p, { recursive: true, force: true });
}

async function chooseSecurePorts(
  wanted: readonly (readonly [keyof SecurePorts, number])[],
  otherListeners: readonly number[],
): Promise<SecurePorts> {
  const taken = new Set(otherListeners);
  const ports: Partial<SecurePorts> = {};
  for (const [k, want] of wanted) {
    let p = want === 0 ? await freePort() : want;
    while (want === 0 && taken.has(p)) p = await freePort();
    if (taken.has(p))
      throw new KafkaLocalError(
        `${SECURE_PORT_ENV[k]}=${p} is the port of another listener of this broker; give each listener its own port`,
      );
    if (await portInUse(p))
      throw new KafkaLocalError(`port ${p} is already in use by another process; set ${SECURE_PORT_ENV[k]} to a free port`);
    taken.add(p);
    ports[k] = p;
  }
  return ports as SecurePorts;
}

/** Kafka's Uuid text form; a leading '-' is avoided as Kafka does, since CLI parsers take it for a flag. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Formats the KRaft storage of a new state dir, with the SCRAM credentials of `user` if given
 * (free here, a JVM run of kafka-configs later); false when it was formatted before.
 */
async function formatStorage(L: Layout, libDir: string, user?: SecureUser): Promise<boolean> {
  if (existsSync(path.join(L.dataDir, 'meta.properties'))) return false;
  // A data dir without meta.properties is a format that died half-way.
  rmSync(L.dataDir, { recursive: true, force: true });
  const res = await run(javaBin(), [
    ...classpathArgs(libDir),
    TOOLS_LOG4J,
    'kafka.tools.StorageTool',
    'format',
    '--ignore-formatted',
    '-t',
    clusterId(),
    '-c',
    L.serverProps,
    ...(user ? SCRAM_MECHANISMS.flatMap((m) => ['--add-scram', scramCredential(m, user, true)]) : []),
  ]);
  if (res.error?.code === 'ENOENT') throw javaNotFound();
  if (res.code !== 0) throw new KafkaLocalError(`formatting the Kafka storage failed (exit ${res.code})`, tail(res.output, 30));
  return true;
}
