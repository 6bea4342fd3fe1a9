import { spawn, type StdioOptions } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { ensureJars } from './jars.ts';
import { KAFKA_DIR } from './paths.ts';

export function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function javaNotFound(): KafkaLocalError {
  return new KafkaLocalError(`java not found (${javaBin()}): install JDK 17+ or set JAVA_HOME`);
}

/** The JVM arguments that put the Kafka jars on the classpath. */
export function classpathArgs(libDir: string): string[] {
  return ['-cp', path.join(libDir, '*')];
}

/** Command-line tools log warnings to stderr and keep stdout for their own output. */
export const TOOLS_LOG4J = `-Dlog4j2.configurationFile=${path.join(KAFKA_DIR, 'log4j2-tools.properties')}`;

export interface ToolOptions {
  stdio?: StdioOptions;
  libDir?: string;
}

/** Runs a Java main class on the Kafka classpath (e.g. org.apache.kafka.tools.TopicCommand) and resolves with its exit code. */
export async function runTool(mainClass: string, args: readonly string[] = [], options: ToolOptions = {}): Promise<number> {
  const libDir = await ensureJars({ libDir: options.libDir, log: (m) => process.stderr.write(`${m}\n`) });
  const child = spawn(javaBin(), [...classpathArgs(libDir), TOOLS_LOG4J, mainClass, ...args], { stdio: options.stdio ?? 'inherit' });
  // The tool shares our terminal; Ctrl-C must stop it, not leave it running without us.
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? javaNotFound() : e));
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}
