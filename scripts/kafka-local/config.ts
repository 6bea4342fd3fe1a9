import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { HOST, KAFKA_DIR, type Layout } from './paths.ts';

export const SERVER_LOG4J = path.join(KAFKA_DIR, 'log4j2-server.properties');

/**
 * Fills the `{{name}}` placeholders of a template. A placeholder without a value is an error
 * rather than an empty string, so a typo in a template cannot start a broker with a blank setting.
 */
export function render(template: string, values: Readonly<Record<string, string | number>>, source = 'template'): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new KafkaLocalError(`${source} uses {{${name}}}, which has no value (known: ${Object.keys(values).join(', ')})`);
    return String(value);
  });
}

/** Writes the broker's server.properties for these ports into its state dir. */
export function writeServerConfig(layout: Layout, port: number, controllerPort: number): void {
  const template = path.join(KAFKA_DIR, 'server.properties');
  const text = render(readFileSync(template, 'utf8'), { host: HOST, port, controllerPort, dataDir: layout.dataDir }, template);
  mkdirSync(layout.configDir, { recursive: true });
  mkdirSync(layout.logsDir, { recursive: true });
  writeFileSync(layout.serverProps, text);
}
