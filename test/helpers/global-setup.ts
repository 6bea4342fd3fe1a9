// Global setup of `npm test` (node --test --test-global-setup): one Kafka broker for the whole
// run instead of one per test file. The runner starts the test files after globalSetup, with
// its environment, so they find the broker in KAFKA_BOOTSTRAP_SERVERS (see getBroker()) and its
// secure listeners in SECURE_BROKER_ENV (see getSecureBroker()). The secure listeners cost about
// a second of the start (TLS material, and trying each listener before the tests run).
import { KafkaLocalError, startBroker, type BrokerHandle } from '../../scripts/kafka-local/index.ts';

/** Set instead of KAFKA_BOOTSTRAP_SERVERS when the broker could not start: the Kafka tests fail with this reason, the others still run. */
export const BROKER_FAILED_ENV = 'UBP_TEST_KAFKA_FAILED';
/** The run broker's SecureInfo as JSON: ports, user, and the paths of the CA, keys and client config files. */
export const SECURE_BROKER_ENV = 'UBP_TEST_KAFKA_SECURE';

let broker: BrokerHandle | undefined;

export async function globalSetup(): Promise<void> {
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
  await broker?.stop();
}
