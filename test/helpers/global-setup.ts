// Global setup of `npm test` (node --test --test-global-setup): one Kafka broker for the whole
// run instead of one per test file. The runner starts the test files after globalSetup, with
// its environment, so they find the broker in KAFKA_BOOTSTRAP_SERVERS (see getBroker()) and its
// secure listeners in SECURE_BROKER_ENV (see getSecureBroker()). The secure listeners cost about
// a second of the start (TLS material, and trying each listener before the tests run). A schema
// registry (Apicurio, in memory) starts beside it, for the formats that register schemas; its URL
// is in SCHEMA_REGISTRY_URL (see getRegistry()).
import { KafkaLocalError, startBroker, startRegistry, type BrokerHandle, type RegistryHandle } from '../../scripts/kafka-local/index.ts';

/** Set instead of KAFKA_BOOTSTRAP_SERVERS when the broker could not start: the Kafka tests fail with this reason, the others still run. */
export const BROKER_FAILED_ENV = 'UBP_TEST_KAFKA_FAILED';
/** The run broker's SecureInfo as JSON: ports, user, and the paths of the CA, keys and client config files. */
export const SECURE_BROKER_ENV = 'UBP_TEST_KAFKA_SECURE';
/** The Confluent API URL of the run's schema registry (or one given from outside). */
export const REGISTRY_ENV = 'SCHEMA_REGISTRY_URL';
/** Set instead of SCHEMA_REGISTRY_URL when the registry could not start. */
export const REGISTRY_FAILED_ENV = 'UBP_TEST_REGISTRY_FAILED';

let broker: BrokerHandle | undefined;
let registry: RegistryHandle | undefined;

export async function globalSetup(): Promise<void> {
  // Both JVMs start at once: the registry takes about as long as the broker.
  await Promise.all([setUpBroker(), setUpRegistry()]);
}

async function setUpRegistry(): Promise<void> {
  const given = process.env[REGISTRY_ENV];
  if (given !== undefined && given !== '') return;
  const log = (message: string): void => {
    process.stderr.write(`schema-registry-local: ${message}\n`);
  };
  try {
    registry = await startRegistry({ ephemeral: true, log });
    process.env[REGISTRY_ENV] = registry.url;
  } catch (error) {
    if (error instanceof KafkaLocalError && error.detail) process.stderr.write(`${error.detail}\n`);
    const message = error instanceof Error ? error.message : String(error);
    log(message);
    process.env[REGISTRY_FAILED_ENV] = message;
  }
}

async function setUpBroker(): Promise<void> {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (given !== undefined && given !== '') return;
  const log = (message: string): void => {
    process.stderr.write(`kafka-local: ${message}\n`);
  };
  try {
    broker = await startBroker({ ephemeral: true, secure: true, log });
    process.env.KAFKA_BOOTSTRAP_SERVERS = broker.bootstrap;
    process.env[SECURE_BROKER_ENV] = JSON.stringify(broker.secure);
  } catch (error) {
    if (error instanceof KafkaLocalError && error.detail) process.stderr.write(`${error.detail}\n`);
    const message = error instanceof Error ? error.message : String(error);
    log(message);
    process.env[BROKER_FAILED_ENV] = message;
  }
}

export async function globalTeardown(): Promise<void> {
  await Promise.all([broker?.stop(), registry?.stop()]);
}
