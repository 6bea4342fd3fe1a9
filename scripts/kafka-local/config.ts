import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { HOST, KAFKA_DIR, type Layout } from './paths.ts';
import type { SecureInfo } from './secure.ts';

export const SERVER_LOG4J = path.join(KAFKA_DIR, 'log4j2-server.properties');

/**
 * Fills the `{{name}}` placeholders of a template. A placeholder without a value is an error
 * rather than an empty string, so a typo in a template cannot start a broker with a blank setting.
 */
export function render(template: string, values: Readonly<Record<string, string | number>>, source = 'template'): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new KafkaLocalError(`${source} uses {{${name}}}, which has no value (known: ${Object.keys(values).join(', ')})`);
    return String(value);
  });
}

/**
 * An ephemeral broker (tests) checks retention once a day instead of every 5 minutes: records
 * carry their events' times, and a test that backfills 2024 into a 3-day topic must still find
 * them when it reads back. The broker you start by hand keeps Kafka's defaults.
 */
const TEST_RETENTION_CHECK_MS = 24 * 3600 * 1000;
const DEFAULT_RETENTION_CHECK_MS = 5 * 60 * 1000;
const DEFAULT_INITIAL_TASK_DELAY_MS = 30 * 1000;

export interface ServerPorts {
  port: number;
  controllerPort: number;
}

/**
 * Writes the broker's server.properties for these ports into its state dir; with `secure`, the
 * SASL_SSL, MTLS and SASL_PLAINTEXT listeners and their settings as well.
 */
export function writeServerConfig(layout: Layout, ports: ServerPorts, ephemeral = false, secure?: SecureInfo): void {
  const template = path.join(KAFKA_DIR, 'server.properties');
  const listeners: [name: string, protocol: string, port: number][] = [['PLAINTEXT', 'PLAINTEXT', ports.port]];
  if (secure) {
    listeners.push(
      ['SASL_SSL', 'SASL_SSL', secure.ports.saslSsl],
      ['MTLS', 'SSL', secure.ports.mtls],
      ['SASL_PLAINTEXT', 'SASL_PLAINTEXT', secure.ports.saslPlaintext],
    );
  }
  const all: typeof listeners = [...listeners, ['CONTROLLER', 'PLAINTEXT', ports.controllerPort]];
  const values = {
    host: HOST,
    controllerPort: ports.controllerPort,
    listeners: all.map(([name, , port]) => `${name}://${HOST}:${port}`).join(','),
    advertisedListeners: listeners.map(([name, , port]) => `${name}://${HOST}:${port}`).join(','),
    protocolMap: all.map(([name, protocol]) => `${name}:${protocol}`).join(','),
    dataDir: layout.dataDir,
    retentionCheckMs: ephemeral ? TEST_RETENTION_CHECK_MS : DEFAULT_RETENTION_CHECK_MS,
    initialTaskDelayMs: ephemeral ? TEST_RETENTION_CHECK_MS : DEFAULT_INITIAL_TASK_DELAY_MS,
  };
  let text = render(readFileSync(template, 'utf8'), values, template);
  if (secure) {
    const secureTemplate = path.join(KAFKA_DIR, 'server-secure.properties');
    const secureValues = {
      brokerKeystore: secure.files.brokerKeystore,
      caCert: secure.files.caCert,
      username: secure.user.username,
      password: secure.user.password,
    };
    text += `
${render(readFileSync(secureTemplate, 'utf8'), secureValues, secureTemplate)}`;
  }
  mkdirSync(layout.configDir, { recursive: true });
  mkdirSync(layout.logsDir, { recursive: true });
  // mode: the secure part holds the PLAIN user's password.
  writeFileSync(layout.serverProps, text, { mode: 0o600 });
}
