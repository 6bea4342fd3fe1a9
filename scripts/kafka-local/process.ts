import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import net from 'node:net';
import { sleep } from './exec.ts';
import { HOST, type Layout } from './paths.ts';
import type { SecurePorts } from './secure.ts';

/** What a started broker leaves in its state dir, so that later commands find it. */
export interface BrokerState {
  pid: number;
  port: number;
  controllerPort: number;
  /** Set when it was started with the secure listeners. */
  secure?: SecurePorts;
  startedAt: string;
}

export function readState(layout: Layout): BrokerState | undefined {
  try {
    return JSON.parse(readFileSync(layout.stateFile, 'utf8')) as BrokerState;
  } catch {
    return undefined;
  }
}

export function writeState(layout: Layout, state: BrokerState): void {
  writeFileSync(layout.stateFile, `${JSON.stringify(state)}\n`);
}

export function clearState(layout: Layout): void {
  rmSync(layout.stateFile, { force: true });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZombie(pid: number): boolean {
  try {
    return /\)\s+Z\s/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Whether a process has finished exiting. kill(pid, 0) is not enough: a child that died while the
 * Node process that spawned it still runs stays a zombie until Node reaps it. Nor is the zombie
 * state: /proc shows the state of a JVM's main thread, which can end while its other threads still
 * shut the broker down and hold its ports; the process has exited once only that thread is left.
 */
export function exited(pid: number): boolean {
  if (!pidAlive(pid)) return true;
  if (!isZombie(pid)) return false;
  try {
    return readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true;
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    const r = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : '';
  }
}

/** A pid from a state file only counts while it is still that broker's JVM: pids get reused. */
export function isOurBroker(pid: number | undefined, layout: Layout): pid is number {
  if (pid === undefined || exited(pid)) return false;
  const command = commandLineOf(pid);
  // A JVM whose main thread has ended shows no command line while its other threads shut it down.
  if (command === '') return isZombie(pid);
  return command.includes('kafka.Kafka') && command.includes(layout.serverProps);
}

/**
 * Sends `signal` (SIGTERM by default), then SIGKILL if the process is still there after timeoutMs,
 * and resolves once it has exited, so that its ports and data dir are free for the next broker.
 */
export async function terminate(pid: number, options: { timeoutMs?: number; signal?: NodeJS.Signals } = {}): Promise<void> {
  try {
    process.kill(pid, options.signal ?? 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
  while (!exited(pid)) await sleep(50);
}

/** Whether something already listens on HOST:port (binding it ourselves is the only reliable test). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' || e.code === 'EACCES'));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** The lowest port `freePort` picks itself: above the well-known and the usual service ports. */
const PORT_FLOOR = 20_000;

/** The ports `freePort` has handed out in this process. */
const handedOut = new Set<number>();

/**
 * A port that was free a moment ago. Where the kernel says which ports it hands out as the
 * source ports of outgoing connections (Linux), the port is drawn below that range: a port
 * from it can be taken by any connection on the machine between this look and the server's
 * bind, and a broker restarted on its old ports then failed now and then with "Address
 * already in use".
 */
export async function freePort(): Promise<number> {
  const top = ephemeralLow();
  if (top !== null && top - PORT_FLOOR >= 1000) {
    for (let tries = 0; tries < 50; tries++) {
      const port = randomInt(PORT_FLOOR, top);
      // A port handed out a moment ago is free until its server binds it: never hand it out twice.
      if (handedOut.has(port) || (await listenOnce(port).catch(() => null)) === null) continue;
      handedOut.add(port);
      return port;
    }
  }
  return listenOnce(0);
}

/** The first port of the kernel's range for outgoing connections, or null where it cannot be read. */
function ephemeralLow(): number | null {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : null;
  } catch {
    return null;
  }
}

/** Listen on `port` (0: any) for a moment; resolves with the port listened on. */
function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: HOST }, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}
