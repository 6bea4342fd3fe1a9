// npm run kafka:start|stop|status|reset|tool, and `fetch` for CI:
//   node scripts/kafka-local/cli.ts start [--secure]|stop|status|reset|fetch|tool <MainClass> [args...]
// env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_LOCAL_DIR (<repo>/.kafka),
//      KAFKA_HEAP_OPTS (-Xms256m -Xmx512m), KAFKA_START_TIMEOUT_MS (90000), JAVA_HOME;
//      with --secure: KAFKA_SECURE_PORT (9094), KAFKA_MTLS_PORT (9095), KAFKA_SASL_PLAINTEXT_PORT (9096)
import { brokerStatus, resetBroker, startBroker, stopBroker } from './broker.ts';
import { KafkaLocalError } from './errors.ts';
import { runTool } from './java.ts';
import { ensureJars } from './jars.ts';
import type { SecureInfo } from './secure.ts';

const USAGE = 'usage: kafka-local start [--secure]|stop|status|reset|fetch|tool <MainClass> [args...]';

const log = (message: string): void => {
  process.stderr.write(`kafka-local: ${message}\n`);
};

async function main([command, ...rest]: string[]): Promise<number> {
  switch (command) {
    case 'start': {
      const unknown = rest.filter((a) => a !== '--secure');
      if (unknown.length > 0) {
        process.stderr.write(`kafka-local: start takes only --secure (got ${unknown.join(' ')})\n${USAGE}\n`);
        return 2;
      }
      const started = Date.now();
      const broker = await startBroker({ log, secure: rest.includes('--secure') });
      log(
        broker.reused
          ? `already running (pid ${broker.pid})`
          : `ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${broker.pid})`,
      );
      if (broker.secure) process.stderr.write(describeSecure(broker.secure));
      // The address alone on stdout, so that scripts can take it: BOOTSTRAP=$(npm run -s kafka:start)
      process.stdout.write(`${broker.bootstrap}\n`);
      return 0;
    }
    case 'stop':
      log((await stopBroker()) ? 'stopped' : 'not running');
      return 0;
    case 'status': {
      const status = await brokerStatus();
      process.stdout.write(
        status.running ? `running ${status.bootstrap} pid ${status.pid}${status.answering ? '' : ' (not answering)'}\n` : 'stopped\n',
      );
      for (const check of status.secure?.checks ?? []) {
        process.stdout.write(`${check.result.ok ? 'up  ' : 'DOWN'} ${check.name}${check.result.ok ? '' : ` (${check.result.reason})`}\n`);
      }
      if (status.running && !status.secure) process.stdout.write('no secure listeners (start with --secure for them)\n');
      return 0;
    }
    case 'reset':
      await resetBroker();
      log('stopped and removed data, logs, config and the secure dir');
      return 0;
    case 'fetch':
      process.stdout.write(`${await ensureJars({ log })}\n`);
      return 0;
    case 'tool': {
      const [mainClass, ...args] = rest;
      if (mainClass === undefined)
        throw new KafkaLocalError('usage: kafka-local tool <MainClass> [args...], e.g. org.apache.kafka.tools.TopicCommand --help');
      return runTool(mainClass, args);
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

/** What to point a client at, for the person who just started the broker. */
function describeSecure(info: SecureInfo): string {
  const f = info.files;
  const mechanisms = info.mechanisms.join(', ');
  return [
    `secure listeners, user ${info.user.username} (dev-only password in ${f.credentials}):`,
    `  SASL_SSL        ${info.bootstrap.saslSsl}   ${mechanisms}`,
    `  SSL (mTLS)      ${info.bootstrap.mtls}   client certificate required`,
    `  SASL_PLAINTEXT  ${info.bootstrap.saslPlaintext}   ${mechanisms}`,
    `  CA certificate            ${f.caCert}`,
    `  client certificate, key   ${f.clientCert}, ${f.clientKey}`,
    `  SASL_SSL client config    ${f.clientProperties} (Java, --command-config)`,
    `                            ${f.clientLibrdkafkaProperties} (librdkafka, kcat -F)`,
    `  mTLS client config        ${f.clientMtlsProperties} (Java)`,
    `                            ${f.clientMtlsLibrdkafkaProperties} (librdkafka)`,
    '',
  ].join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof KafkaLocalError && error.detail) process.stderr.write(`${error.detail}\n`);
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
