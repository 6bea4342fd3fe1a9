import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import https from 'node:https';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { fileTail, waitReady } from './exec.ts';
import { javaBin, javaNotFound } from './java.ts';
import { HOST, defaultDir, envPort } from './paths.ts';
import { exited, freePort, pidAlive, portInUse, terminate } from './process.ts';
import { REALM, REGISTRY_CLIENT, startKeycloak, type KeycloakHandle, type OidcUser } from './keycloak.ts';
import { RUNNER_JAR, ensureRegistryApp } from './registry-app.ts';

// A local Apicurio Registry with its Confluent-compatible API, for formats that register schemas
// (--format avro|protobuf|json-schema). In-memory storage: a restart forgets every schema, which
// is what tests want; the topics written with the old ids need the same registry to be read.

/** Where Apicurio serves the Confluent Schema Registry API. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';
const DEFAULT_PORT = 8081;
const DEFAULT_HEAP = '-Xms64m -Xmx384m';

export interface RegistryOptions {
  /** State dir: state file and logs. Default <KAFKA_LOCAL_DIR or .kafka>/registry. */
  dir?: string;
  appDir?: string;
  /** 0 picks a free port. Default SCHEMA_REGISTRY_PORT or 8081 (free port when ephemeral). */
  port?: number;
  /** For one test run: a temporary dir, a free port, not detached, stopped with the process. */
  ephemeral?: boolean;
  /** Default SCHEMA_REGISTRY_START_TIMEOUT_MS or 90 s. */
  timeoutMs?: number;
  log?: (message: string) => void;
  /**
   * Serve HTTPS only, with this PEM (key, certificate and chain in one file, as the secure
   * broker's `broker.pem`); `ca` is what clients, and the readiness probe, trust.
   */
  tls?: { keystore: string; ca: string };
  /**
   * Basic auth: only these users, with their passwords, may read or write. The registry checks
   * them against a Keycloak started beside it (stopped with it). Ephemeral registries only.
   */
  auth?: { users: readonly OidcUser[] };
}

export interface RegistryHandle {
  /** The Confluent API's base URL, for --schema-registry. */
  url: string;
  port: number;
  pid: number;
  dir: string;
  reused: boolean;
  stop(): Promise<void>;
}

interface RegistryState {
  pid: number;
  port: number;
  /** The CA to trust when it serves HTTPS. */
  ca?: string;
  startedAt: string;
}

interface RegistryLayout {
  dir: string;
  stateFile: string;
  log: string;
}

function registryLayout(dir: string): RegistryLayout {
  return { dir, stateFile: path.join(dir, 'registry.json'), log: path.join(dir, 'registry.log') };
}

export function defaultRegistryDir(): string {
  return path.join(defaultDir(), 'registry');
}

const urlOf = (port: number, tls = false): string => `${tls ? 'https' : 'http'}://${HOST}:${port}${CCOMPAT_PATH}`;

function readState(L: RegistryLayout): RegistryState | undefined {
  try {
    return JSON.parse(readFileSync(L.stateFile, 'utf8')) as RegistryState;
  } catch {
    return undefined;
  }
}

/** The marker in the JVM's command line that ties a process to its state dir: pids get reused. */
const marker = (L: RegistryLayout): string => `-Dubp.registry.dir=${L.dir}`;

function isOurRegistry(pid: number | undefined, L: RegistryLayout): pid is number {
  if (pid === undefined || exited(pid)) return false;
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return command.includes(marker(L)) && command.some((a) => a.endsWith(RUNNER_JAR));
  } catch {
    return pidAlive(pid);
  }
}

/**
 * Whether the Confluent API answers: a listening socket is not enough while Quarkus starts. With
 * basic auth, as `user`: a 200 then also proves the login server behind it works.
 */
export async function probeRegistry(
  url: string,
  timeoutMs = 2000,
  ca?: string,
  user?: OidcUser,
): Promise<{ ok: boolean; reason?: string }> {
  const headers: Record<string, string> =
    user === undefined ? {} : { authorization: `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}` };
  if (url.startsWith('https:')) return probeHttps(url, timeoutMs, headers, ca);
  try {
    const res = await fetch(`${url}/subjects`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok ? { ok: true } : { ok: false, reason: `HTTP ${res.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { ok: false, reason: cause?.code ?? (error as Error).message };
  }
}

/** The same over HTTPS, trusting `ca` (fetch takes no CA). */
function probeHttps(
  url: string,
  timeoutMs: number,
  headers: Record<string, string>,
  ca?: string,
): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve) => {
    const req = https.get(
      `${url}/subjects`,
      { headers, ca: ca === undefined ? undefined : readFileSync(ca), timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? { ok: true } : { ok: false, reason: `HTTP ${res.statusCode}` }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, reason: error.code ?? error.message }));
  });
}

/** Starts the registry of a state dir, or finds it already running there. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryHandle> {
  if (options.ephemeral !== true || options.dir !== undefined) return start(options);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'schema-registry-local-'));
  try {
    return await start({ ...options, dir });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function start(options: RegistryOptions): Promise<RegistryHandle> {
  const ephemeral = options.ephemeral === true;
  if (options.auth !== undefined && !ephemeral)
    throw new KafkaLocalError('a schema registry with basic auth is for one test run: ephemeral only');
  const L = registryLayout(path.resolve(options.dir ?? defaultRegistryDir()));
  const wantedPort = options.port ?? (ephemeral ? 0 : envPort('SCHEMA_REGISTRY_PORT', DEFAULT_PORT));
  const timeoutMs = options.timeoutMs ?? (Number(process.env.SCHEMA_REGISTRY_START_TIMEOUT_MS) || 90_000);
  const log = options.log ?? (() => {});
  let stopped = false;
  let keycloak: KeycloakHandle | undefined;
  const tls = options.tls;
  const handle = (pid: number, port: number, reused: boolean): RegistryHandle => ({
    url: urlOf(port, tls !== undefined),
    port,
    pid,
    dir: L.dir,
    reused,
    stop: async () => {
      stopped = true;
      await stopRegistry({ dir: L.dir });
      await keycloak?.stop();
      if (ephemeral) rmSync(L.dir, { recursive: true, force: true });
    },
  });

  const state = readState(L);
  if (state && isOurRegistry(state.pid, L)) {
    if (wantedPort !== 0 && wantedPort !== state.port) {
      throw new KafkaLocalError(
        `the local schema registry is already running on ${HOST}:${state.port} (pid ${state.pid}); run "npm run registry:stop" before changing SCHEMA_REGISTRY_PORT`,
      );
    }
    if ((state.ca !== undefined) !== (tls !== undefined)) {
      throw new KafkaLocalError(
        `the local schema registry is already running on ${HOST}:${state.port} (pid ${state.pid}) ${state.ca !== undefined ? 'with' : 'without'} TLS; stop it first`,
      );
    }
    const url = urlOf(state.port, tls !== undefined);
    const ready = await waitReady(
      () => probeRegistry(url, 1500, tls?.ca),
      timeoutMs,
      () => (isOurRegistry(state.pid, L) ? undefined : 'registry process exited'),
    );
    if (!ready.ok)
      throw new KafkaLocalError(
        `the local schema registry (pid ${state.pid}) is running but not answering: ${ready.reason}`,
        fileTail(L.log, 30),
      );
    return handle(state.pid, state.port, true);
  }

  const appDir = await ensureRegistryApp({ appDir: options.appDir, log });
  const port = wantedPort === 0 ? await freePort() : wantedPort;
  if (await portInUse(port))
    throw new KafkaLocalError(`port ${port} is already in use by another process; set SCHEMA_REGISTRY_PORT to a free port`);
  mkdirSync(L.dir, { recursive: true });
  if (options.auth !== undefined) {
    keycloak = await startKeycloak({ users: options.auth.users, logFile: path.join(L.dir, 'keycloak.log'), timeoutMs, log });
  }
  const out = openSync(L.log, 'w');
  const heap = process.env.SCHEMA_REGISTRY_HEAP_OPTS ?? DEFAULT_HEAP;
  const args = [
    ...heap.split(/\s+/).filter(Boolean),
    marker(L),
    `-Dquarkus.http.host=${HOST}`,
    ...(tls === undefined
      ? [`-Dquarkus.http.port=${port}`]
      : [
          // HTTPS only: plain requests are refused, and the plain port is any free one.
          `-Dquarkus.http.port=${await freePort()}`,
          `-Dquarkus.http.ssl-port=${port}`,
          '-Dquarkus.http.insecure-requests=disabled',
          `-Dquarkus.http.ssl.certificate.files=${tls.keystore}`,
          `-Dquarkus.http.ssl.certificate.key-files=${tls.keystore}`,
        ]),
    // Apicurio's default is NONE; Confluent's is BACKWARD, which is what users of --format meet.
    '-Dregistry.rules.global.compatibility=BACKWARD',
    ...(keycloak === undefined
      ? []
      : [
          // Every request needs a user: Apicurio trades its basic-auth user and password for a
          // token from the realm (client credentials), so a user is a client there.
          '-Dregistry.auth.enabled=true',
          '-Dregistry.auth.basic-auth-client-credentials.enabled=true',
          `-Dregistry.keycloak.url=${keycloak.url}`,
          `-Dregistry.keycloak.realm=${REALM}`,
          `-Dquarkus.oidc.client-id=${REGISTRY_CLIENT}`,
          `-Dregistry.auth.client-secret=${keycloak.registrySecret}`,
        ]),
    '-jar',
    path.join(appDir, RUNNER_JAR),
  ];
  const child = spawn(javaBin(), args, { cwd: appDir, detached: !ephemeral, stdio: ['ignore', out, out] });
  closeSync(out);
  const spawnError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  if (spawnError || child.pid === undefined) {
    await keycloak?.stop();
    throw spawnError?.code === 'ENOENT' ? javaNotFound() : new KafkaLocalError(`could not start java: ${spawnError?.message ?? 'no pid'}`);
  }
  const pid = child.pid;
  child.unref();
  writeFileSync(
    L.stateFile,
    `${JSON.stringify({ pid, port, startedAt: new Date().toISOString(), ...(tls ? { ca: tls.ca } : {}) } satisfies RegistryState)}\n`,
  );
  if (ephemeral) {
    // The registry must not outlive a test run that crashed or forgot stop().
    process.once('exit', () => {
      if (stopped || !isOurRegistry(pid, L)) return;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
      rmSync(L.dir, { recursive: true, force: true });
    });
  }
  log(`starting Apicurio Registry on ${HOST}:${port} (pid ${pid}, log ${L.log})`);
  const deadReason = (): string | undefined =>
    child.exitCode !== null || child.signalCode !== null ? `registry exited (${child.exitCode ?? child.signalCode})` : undefined;
  const url = urlOf(port, tls !== undefined);
  const ready = await waitReady(() => probeRegistry(url, 1500, tls?.ca, options.auth?.users[0]), timeoutMs, deadReason);
  if (!ready.ok) {
    await terminate(pid, { timeoutMs: 5_000 });
    await keycloak?.stop();
    rmSync(L.stateFile, { force: true });
    throw new KafkaLocalError(`the local schema registry did not come up: ${ready.reason} (log ${L.log})`, fileTail(L.log, 25));
  }
  return handle(pid, port, false);
}

/** Stops the registry of a state dir if it runs; true if it ran. */
export async function stopRegistry(options: { dir?: string } = {}): Promise<boolean> {
  const L = registryLayout(path.resolve(options.dir ?? defaultRegistryDir()));
  const pid = readState(L)?.pid;
  const running = isOurRegistry(pid, L);
  if (running) await terminate(pid, { timeoutMs: 20_000 });
  rmSync(L.stateFile, { force: true });
  return running;
}

export interface RegistryStatus {
  running: boolean;
  answering: boolean;
  url?: string;
  pid?: number;
  reason?: string;
}

export async function registryStatus(options: { dir?: string } = {}): Promise<RegistryStatus> {
  const L = registryLayout(path.resolve(options.dir ?? defaultRegistryDir()));
  const state = readState(L);
  if (!state || !isOurRegistry(state.pid, L)) return { running: false, answering: false };
  const url = urlOf(state.port, state.ca !== undefined);
  const probe = await probeRegistry(url, 2000, state.ca);
  return { running: true, answering: probe.ok, url, pid: state.pid, reason: probe.reason };
}
