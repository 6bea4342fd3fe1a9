// The Python virtual environment of the independent reader: Confluent's Python client with its
// Avro, Protobuf and JSON Schema deserializers, installed from PyPI into <KAFKA_LOCAL_DIR or
// .kafka>/venv. CI runs this file; the tests call ensureReaderVenv(), so a fresh clone's
// `npm test` installs it too. `node scripts/confluent-reader/venv.ts` prints the venv's python.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from '../kafka-local/errors.ts';
import { run, tail } from '../kafka-local/exec.ts';
import { defaultDir } from '../kafka-local/paths.ts';

const REQUIREMENTS = path.join(import.meta.dirname, 'requirements.txt');
const STAMP = '.complete';

/** The reader script: reads a topic with the deserializers and prints one JSON event per line. */
export const READER_SCRIPT = path.join(import.meta.dirname, 'read_topic.py');

/**
 * Makes sure the venv of the current requirements.txt exists and returns its python. The stamp
 * holds the hash of requirements.txt and is written last, so an install that failed or was cut
 * short is made anew on the next call (a venv names its interpreter by absolute path, so it is
 * built in place rather than renamed).
 */
export async function ensureReaderVenv(options: { dir?: string; log?: (message: string) => void } = {}): Promise<string> {
  const venv = path.resolve(options.dir ?? path.join(defaultDir(), 'venv'));
  const python = path.join(venv, 'bin', 'python');
  const want = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  const stampFile = path.join(venv, STAMP);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === want && existsSync(python)) return python;

  options.log?.('installing confluent-kafka and its Schema Registry extras from PyPI into ' + venv + ' (first run only)...');
  rmSync(venv, { recursive: true, force: true });
  try {
    await install(process.env.PYTHON ?? 'python3', venv);
  } catch (error) {
    rmSync(venv, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(stampFile, `${want}\n`);
  return python;
}

async function install(base: string, venv: string): Promise<void> {
  const made = await run(base, ['-m', 'venv', venv]);
  if (made.error?.code === 'ENOENT')
    throw new KafkaLocalError(`${base} not found: install Python 3.9+ (or set PYTHON) for the Confluent reader`);
  if (made.code !== 0) throw new KafkaLocalError(`${base} -m venv ${venv} failed (exit ${made.code})`, tail(made.output, 20));
  const pip = await run(path.join(venv, 'bin', 'python'), [
    '-m',
    'pip',
    'install',
    '-q',
    '--disable-pip-version-check',
    '-r',
    REQUIREMENTS,
  ]);
  if (pip.code !== 0) throw new KafkaLocalError(`pip could not install ${REQUIREMENTS} (exit ${pip.code})`, tail(pip.output, 30));
}

if (import.meta.main) {
  ensureReaderVenv({ log: (m) => process.stderr.write(`confluent-reader: ${m}\n`) }).then(
    (python) => process.stdout.write(`${python}\n`),
    (error: unknown) => {
      if (error instanceof KafkaLocalError && error.detail) process.stderr.write(`${error.detail}\n`);
      process.stderr.write(`confluent-reader: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
