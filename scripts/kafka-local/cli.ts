// npm run kafka:start|stop|status|reset|tool, and `fetch` for CI:
//   node scripts/kafka-local/cli.ts start|stop|status|reset|fetch|tool <MainClass> [args...]
// env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_LOCAL_DIR (<repo>/.kafka),
//      KAFKA_HEAP_OPTS (-Xms256m -Xmx512m), KAFKA_START_TIMEOUT_MS (90000), JAVA_HOME
import { brokerStatus, resetBroker, startBroker, stopBroker } from './broker.ts';
import { KafkaLocalError } from './errors.ts';
import { runTool } from './java.ts';
import { ensureJars } from './jars.ts';

const USAGE = 'usage: kafka-local start|stop|status|reset|fetch|tool <MainClass> [args...]';

const log = (message: string): void => {
  process.stderr.write(`kafka-local: ${message}\n`);
};

async function main([command, ...rest]: string[]): Promise<number> {
  switch (command) {
    case 'start': {
      const started = Date.now();
      const broker = await startBroker({ log });
      log(broker.reused ? `already running (pid ${broker.pid})` : `ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${broker.pid})`);
      // The address alone on stdout, so that scripts can take it: BOOTSTRAP=$(npm run -s kafka:start)
      process.stdout.write(`${broker.bootstrap}\n`);
      return 0;
    }
    case 'stop':
      log((await stopBroker()) ? 'stopped' : 'not running');
      return 0;
    case 'status': {
      const status = await brokerStatus();
      process.stdout.write(status.running ? `running ${status.bootstrap} pid ${status.pid}${status.answering ? '' : ' (not answering)'}\n` : 'stopped\n');
      return 0;
    }
    case 'reset':
      await resetBroker();
      log('stopped and removed data, logs and config');
      return 0;
    case 'fetch':
      process.stdout.write(`${await ensureJars({ log })}\n`);
      return 0;
    case 'tool': {
      const [mainClass, ...args] = rest;
      if (mainClass === undefined) throw new KafkaLocalError('usage: kafka-local tool <MainClass> [args...], e.g. org.apache.kafka.tools.TopicCommand --help');
      return runTool(mainClass, args);
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
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
