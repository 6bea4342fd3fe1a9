import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { run, tail } from './exec.ts';
import { KAFKA_DIR, defaultLibDir } from './paths.ts';

const POM = path.join(KAFKA_DIR, 'pom.xml');
const STAMP = '.complete';

export interface JarsOptions {
  libDir?: string;
  log?: (message: string) => void;
}

/**
 * Makes sure the jars of the current kafka/pom.xml are in libDir and returns libDir (the classpath
 * is `<libDir>/*`). The stamp holds the pom's hash, so a start with the jars in place costs nothing
 * and a bumped Kafka version refetches. Maven fills a temporary folder that is then renamed, so an
 * interrupted or concurrent fetch never leaves a half-filled lib folder.
 */
export async function ensureJars(options: JarsOptions = {}): Promise<string> {
  const libDir = path.resolve(options.libDir ?? defaultLibDir());
  const want = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const stampFile = path.join(libDir, STAMP);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === want) return libDir;

  options.log?.('fetching Kafka jars with Maven (first run only)...');
  mkdirSync(path.dirname(libDir), { recursive: true });
  const tmp = `${libDir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  const res = await run(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`, '-DincludeScope=runtime'],
    { cwd: KAFKA_DIR },
  );
  if (res.error?.code === 'ENOENT') {
    rmSync(tmp, { recursive: true, force: true });
    throw new KafkaLocalError('mvn not found on PATH: install Maven 3 (e.g. apt-get install maven) to fetch the Kafka jars');
  }
  if (res.code !== 0 || !existsSync(tmp)) {
    rmSync(tmp, { recursive: true, force: true });
    throw new KafkaLocalError(`Maven could not fetch the Kafka jars (exit ${res.code}); see its output above`, tail(res.output, 40));
  }
  writeFileSync(path.join(tmp, STAMP), `${want}\n`);
  rmSync(libDir, { recursive: true, force: true });
  try {
    renameSync(tmp, libDir);
  } catch (error) {
    // Another process finished the same fetch first; its copy is as good as ours.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(stampFile)) throw error;
  }
  return libDir;
}
