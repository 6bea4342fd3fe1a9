import { spawn } from 'node:child_process';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { tail } from './exec.ts';
import { classpathArgs, javaBin, javaNotFound } from './java.ts';
import { ensureJars } from './jars.ts';
import { REPO_ROOT } from './paths.ts';

const MURMUR_SOURCE = path.join(REPO_ROOT, 'scripts', 'java', 'Murmur2Partitions.java');

/**
 * The partitions the Java producer's default partitioner picks for `keys` (murmur2 of their UTF-8
 * bytes), computed by the real kafka-clients code: the oracle for our own port of it.
 */
export async function javaPartitions(keys: readonly string[], numPartitions: number, options: { libDir?: string } = {}): Promise<number[]> {
  if (!Number.isInteger(numPartitions) || numPartitions < 1)
    throw new KafkaLocalError(`numPartitions must be a positive integer, got ${numPartitions}`);
  if (keys.some((k) => k.includes('\n'))) throw new KafkaLocalError('keys for javaPartitions cannot contain a newline (it separates them)');
  const libDir = await ensureJars({ libDir: options.libDir });
  // Single-file source launch: java compiles it in memory, so there is no build step to keep.
  const child = spawn(javaBin(), [...classpathArgs(libDir), MURMUR_SOURCE, String(numPartitions)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdin.on('error', () => {
    // A java that died early is reported through its exit code.
  });
  child.stdin.end(keys.map((k) => `${k}\n`).join(''));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? javaNotFound() : e));
    child.once('close', resolve);
  });
  if (code !== 0) throw new KafkaLocalError(`Murmur2Partitions failed (exit ${code}): ${tail(err, 1)}`, err);
  const partitions = out
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
  if (partitions.length !== keys.length)
    throw new KafkaLocalError(`Murmur2Partitions returned ${partitions.length} results for ${keys.length} keys`);
  return partitions;
}
