import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { fileTail, waitReady } from './exec.ts';
import { HOST } from './paths.ts';
import { exited, freePort, terminate } from './process.ts';
import { ensureKeycloak } from './registry-app.ts';

// A throwaway Keycloak: the OpenID Connect server that a registry with basic auth checks
// passwords against. Apicurio Registry 2.6 has no user list of its own; with
// basic-auth-client-credentials it trades the user and password of a request for a token from
// the realm here (the user is a client id, the password its secret). Dev mode, in-memory
// database: every start is a fresh realm, which is what a test wants.

/** The realm the registry's users live in. */
export const REALM = 'registry';
/** The client the registry itself is, as the tokens' audience. */
export const REGISTRY_CLIENT = 'registry-api';

export interface OidcUser {
  name: string;
  password: string;
}

export interface KeycloakHandle {
  /** Keycloak's base URL; the realm is at `${url}/realms/${REALM}`. */
  url: string;
  /** The secret of REGISTRY_CLIENT, which the registry needs to ask for tokens. */
  registrySecret: string;
  pid: number;
  stop(): Promise<void>;
}

const javaMajor = (home: string): number => {
  try {
    const m = /^JAVA_VERSION="(\d+)/m.exec(readFileSync(path.join(home, 'release'), 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};

/**
 * A JDK new enough for Keycloak (21+): KEYCLOAK_JAVA_HOME, else JAVA_HOME if it is new enough,
 * else the newest under /usr/lib/jvm. The broker and the registry keep the default Java.
 */
export function keycloakJavaHome(): string {
  const given = process.env.KEYCLOAK_JAVA_HOME;
  if (given) return given;
  const candidates = [process.env.JAVA_HOME, ...listJvms()].filter((h): h is string => h !== undefined && h !== '');
  const best = candidates.map((home) => ({ home, major: javaMajor(home) })).sort((a, b) => b.major - a.major)[0];
  if (best === undefined || best.major < 21) {
    throw new KafkaLocalError(
      'Keycloak (the login server of a schema registry with basic auth) needs Java 21 or newer; install one or set KEYCLOAK_JAVA_HOME to it',
    );
  }
  return best.home;
}

function listJvms(): string[] {
  try {
    return readdirSync('/usr/lib/jvm').map((name) => path.join('/usr/lib/jvm', name));
  } catch {
    return [];
  }
}

/** Starts Keycloak with a realm where each user is a client with a secret. Stopped with the process at the latest. */
export async function startKeycloak(options: {
  users: readonly OidcUser[];
  logFile: string;
  timeoutMs: number;
  log?: (message: string) => void;
}): Promise<KeycloakHandle> {
  const home = await ensureKeycloak({ log: options.log });
  const javaHome = keycloakJavaHome();
  const [port, managementPort] = [await freePort(), await freePort()];
  const admin = { name: 'admin', password: randomBytes(12).toString('hex') };
  const out = openSync(options.logFile, 'w');
  const child = spawn(
    'bash',
    [
      path.join(home, 'bin', 'kc.sh'),
      'start-dev',
      `--http-host=${HOST}`,
      `--http-port=${port}`,
      `--http-management-port=${managementPort}`,
      '--db=dev-mem',
    ],
    {
      cwd: home,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        JAVA_HOME: javaHome,
        KC_BOOTSTRAP_ADMIN_USERNAME: admin.name,
        KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
        JAVA_OPTS_KC_HEAP: process.env.KEYCLOAK_HEAP_OPTS ?? '-Xms64m -Xmx512m',
      },
    },
  );
  closeSync(out);
  const spawnError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  if (spawnError || child.pid === undefined) throw new KafkaLocalError(`could not start Keycloak: ${spawnError?.message ?? 'no pid'}`);
  // kc.sh execs java, so this pid is Keycloak's JVM.
  const pid = child.pid;
  let stopped = false;
  const kill = (): void => {
    if (stopped || exited(pid)) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  };
  process.once('exit', kill);
  const url = `http://${HOST}:${port}`;
  const handle: KeycloakHandle = {
    url,
    registrySecret: randomBytes(16).toString('hex'),
    pid,
    stop: async () => {
      stopped = true;
      process.off('exit', kill);
      await terminate(pid, { timeoutMs: 20_000 });
    },
  };
  try {
    options.log?.(`starting Keycloak on ${HOST}:${port} (pid ${pid}, log ${options.logFile})`);
    const ready = await waitReady(
      () => probeKeycloak(url),
      options.timeoutMs,
      () => (child.exitCode !== null || child.signalCode !== null ? `Keycloak exited (${child.exitCode ?? child.signalCode})` : undefined),
      500,
    );
    if (!ready.ok) throw new KafkaLocalError(`Keycloak did not come up: ${ready.reason}`);
    const token = await adminToken(url, admin);
    await createRealm(url, token, [{ name: REGISTRY_CLIENT, password: handle.registrySecret }, ...options.users]);
    return handle;
  } catch (error) {
    await handle.stop();
    if (error instanceof KafkaLocalError) throw new KafkaLocalError(error.message, error.detail ?? fileTail(options.logFile, 25));
    throw error;
  }
}

/** Whether Keycloak serves its master realm. */
async function probeKeycloak(url: string): Promise<{ ok: boolean; reason?: string }> {
  try {
    const res = await fetch(`${url}/realms/master`, { signal: AbortSignal.timeout(1500) });
    await res.arrayBuffer();
    return res.ok ? { ok: true } : { ok: false, reason: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, reason: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message };
  }
}

async function adminToken(url: string, admin: OidcUser): Promise<string> {
  const res = await fetch(`${url}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: admin.name, password: admin.password }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || typeof body.access_token !== 'string') throw new KafkaLocalError(`Keycloak refused its own admin (HTTP ${res.status})`);
  return body.access_token;
}

/** The realm: the registry as a bearer-only client, each user a confidential client with a service account. */
async function createRealm(url: string, token: string, clients: readonly OidcUser[]): Promise<void> {
  const realm = {
    realm: REALM,
    enabled: true,
    clients: clients.map((c) => ({
      clientId: c.name,
      enabled: true,
      publicClient: false,
      secret: c.password,
      bearerOnly: c.name === REGISTRY_CLIENT,
      serviceAccountsEnabled: c.name !== REGISTRY_CLIENT,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
    })),
  };
  const res = await fetch(`${url}/admin/realms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(realm),
  });
  if (res.status !== 201) throw new KafkaLocalError(`Keycloak did not create the ${REALM} realm (HTTP ${res.status}: ${await res.text()})`);
}
