import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { run, tail } from './exec.ts';
import { REPO_ROOT, defaultDir } from './paths.ts';

const STAMP = '.complete';
/** The Quarkus runner of the unpacked Apicurio Registry, beside its lib/. */
export const RUNNER_JAR = 'apicurio-registry-app-2.6.13.Final-runner.jar';
/** Keycloak's home inside its unpacked folder (the tarball's top folder). */
export const KEYCLOAK_HOME = 'keycloak-26.5.6';

/** What Maven unpacks: the pom that names it, where it goes, and a file that proves it is there. */
interface Bundle {
  name: string;
  size: string;
  pom: string;
  dir: string;
  expect: string;
}

const REGISTRY: Omit<Bundle, 'dir'> = {
  name: 'Apicurio Registry',
  size: '~140 MB',
  pom: path.join(REPO_ROOT, 'registry', 'pom.xml'),
  expect: RUNNER_JAR,
};
const KEYCLOAK: Omit<Bundle, 'dir'> = {
  name: 'Keycloak',
  size: '~165 MB',
  pom: path.join(REPO_ROOT, 'registry', 'keycloak', 'pom.xml'),
  expect: path.join(KEYCLOAK_HOME, 'bin', 'kc.sh'),
};

export function defaultAppDir(): string {
  return path.join(defaultDir(), 'apicurio');
}

export function defaultKeycloakDir(): string {
  return path.join(defaultDir(), 'keycloak');
}

export interface AppOptions {
  appDir?: string;
  log?: (message: string) => void;
}

/** Makes sure the Apicurio Registry of registry/pom.xml is unpacked in appDir and returns appDir. */
export function ensureRegistryApp(options: AppOptions = {}): Promise<string> {
  return ensureUnpacked({ ...REGISTRY, dir: path.resolve(options.appDir ?? defaultAppDir()) }, options.log);
}

/** The same for Keycloak (registry/keycloak/pom.xml); returns Keycloak's home. */
export async function ensureKeycloak(options: AppOptions = {}): Promise<string> {
  const dir = await ensureUnpacked({ ...KEYCLOAK, dir: path.resolve(options.appDir ?? defaultKeycloakDir()) }, options.log);
  return path.join(dir, KEYCLOAK_HOME);
}

/**
 * As with the broker's jars, the stamp holds the pom's hash and Maven unpacks into a temporary
 * folder that is then renamed, so an interrupted fetch leaves nothing half done.
 */
async function ensureUnpacked(bundle: Bundle, log?: (message: string) => void): Promise<string> {
  const { dir } = bundle;
  const want = createHash('sha256').update(readFileSync(bundle.pom)).digest('hex');
  const stampFile = path.join(dir, STAMP);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === want) return dir;

  log?.(`fetching ${bundle.name} with Maven (first run only, ${bundle.size})...`);
  mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  // Markers of what was unpacked go with the unpacked copy: left in the pom's target/, they would
  // make the next unpack (after .kafka was deleted) skip the artifact.
  const markers = `${tmp}.markers`;
  const res = await run(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', bundle.pom, 'dependency:unpack', `-DoutputDirectory=${tmp}`, `-DmarkersDirectory=${markers}`],
    { cwd: path.dirname(bundle.pom) },
  );
  rmSync(markers, { recursive: true, force: true });
  if (res.error?.code === 'ENOENT') {
    rmSync(tmp, { recursive: true, force: true });
    throw new KafkaLocalError(`mvn not found on PATH: install Maven 3 (e.g. apt-get install maven) to fetch ${bundle.name}`);
  }
  if (res.code !== 0 || !existsSync(path.join(tmp, bundle.expect))) {
    rmSync(tmp, { recursive: true, force: true });
    throw new KafkaLocalError(`Maven could not fetch ${bundle.name} (exit ${res.code}); see its output above`, tail(res.output, 40));
  }
  writeFileSync(path.join(tmp, STAMP), `${want}\n`);
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch (error) {
    // Another process finished the same fetch first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(stampFile)) throw error;
  }
  return dir;
}
