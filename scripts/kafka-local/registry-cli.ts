// npm run registry:start|stop|status, and `fetch` for CI:
//   node scripts/kafka-local/registry-cli.ts start|stop|status|fetch
// env: SCHEMA_REGISTRY_PORT (8081), KAFKA_LOCAL_DIR (<repo>/.kafka: the app in apicurio/, state in
//      registry/, Keycloak in keycloak/), SCHEMA_REGISTRY_HEAP_OPTS (-Xms64m -Xmx384m), SCHEMA_REGISTRY_START_TIMEOUT_MS (90000), JAVA_HOME
import { KafkaLocalError } from './errors.ts';
import { ensureKeycloak, ensureRegistryApp } from './registry-app.ts';
import { registryStatus, startRegistry, stopRegistry } from './registry.ts';

const USAGE = 'usage: registry-local start|stop|status|fetch';

const log = (message: string): void => {
  process.stderr.write(`schema-registry-local: ${message}\n`);
};

async function main([command, ...rest]: string[]): Promise<number> {
  if (rest.length > 0) {
    process.stderr.write(`schema-registry-local: ${command} takes no arguments (got ${rest.join(' ')})\n${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case 'start': {
      const started = Date.now();
      const registry = await startRegistry({ log });
      log(
        registry.reused
          ? `already running (pid ${registry.pid})`
          : `ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${registry.pid}); compatibility BACKWARD, schemas kept in memory`,
      );
      // The URL alone on stdout: REGISTRY=$(npm run -s registry:start)
      process.stdout.write(`${registry.url}\n`);
      return 0;
    }
    case 'stop':
      log((await stopRegistry()) ? 'stopped' : 'not running');
      return 0;
    case 'status': {
      const s = await registryStatus();
      process.stdout.write(
        s.running ? `running ${s.url} pid ${s.pid}${s.answering ? '' : ` (not answering: ${s.reason})`}\n` : 'stopped\n',
      );
      return 0;
    }
    case 'fetch':
      // Keycloak too: the tests of a registry with basic auth start one beside it.
      process.stdout.write(`${await ensureRegistryApp({ log })}\n${await ensureKeycloak({ log })}\n`);
      return 0;
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
