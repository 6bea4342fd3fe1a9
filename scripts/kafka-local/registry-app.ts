import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { run, tail } from './exec.ts';
import { REPO_ROOT, defaultDir } from './paths.ts';

/** registry/pom.xml: the Maven project that fetches Apicurio Registry. */
const POM = path.join(REPO_ROOT, 'registry', 'pom.xml');
const STAMP = '.complete';
/** The Quarkus runner of the unpacked application, beside its lib/. */
export const RUNNER_JAR = 'apicurio-registry-app-2.6.13.Final-runner.jar';

export function defaultAppDir(): string {
  return path.join(defaultDir(), 'apicurio');
}

export interface AppOptions {
  appDir?: string;
  log?: (message: string) => void;
}

/**
 * Makes sure the Apicurio Registry of the current registry/pom.xml is unpacked in appDir and
 * returns appDir. As with the broker's jars, the stamp holds the pom's hash and Maven unpacks
 * into a temporary folder that is then renamed, so an interrupted fetch leaves nothing half done.
 */
export async function ensureRegistryApp(options: AppOptions = {}): Promise<string> {
  const appDir = path.resolve(options.appDir ?? defaultAppDir());
  const want = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const stampFile = path.join(appDir, STAMP);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === want) return appDir;

  options.log?.('fetching Apicurio Registry with Maven (first run only, ~140 MB)...');
  mkdirSync(path.dirname(appDir), { recursive: true });
  const tmp = `${appDir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  // Markers of what was unpacked go with the unpacked copy: left in registry/target, they would
  // make the next unpack (after .kafka was deleted) skip the artifact.
  const markers = `${tmp}.markers`;
  const res = await run(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'dependency:unpack', `-DoutputDirectory=${tmp}`, `-DmarkersDirectory=${markers}`],
    { cwd: path.dirname(POM) },
  );
  rmSync(markers, { recursive: true, force: true });
  if (res.error?.code === 'ENOENT') {
    rmSync(tmp, { recursive: true, force: true });
    throw new KafkaLocalError('mvn not found on PATH: install Maven 3 (e.g. apt-get install maven) to fetch Apicurio Registry');
  }
  if (res.code !== 0 || !existsSync(path.join(tmp, RUNNER_JAR))) {
    rmSync(tmp, { recursive: true, force: true });
    throw new KafkaLocalError(`Maven could not fetch Apicurio Registry (exit ${res.code}); see its output above`, tail(res.output, 40));
  }
  writeFileSync(path.join(tmp, STAMP), `${want}\n`);
  rmSync(appDir, { recursive: true, force: true });
  try {
    renameSync(tmp, appDir);
  } catch (error) {
    // Another process finished the same fetch first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(stampFile)) throw error;
  }
  return appDir;
}
