// A local single-node Apache Kafka (KRaft, broker and controller in one JVM) for development,
// tests, benchmarks and CI, on machines with a JDK and Maven but no Docker and no Kafka
// distribution: the jars come from Maven Central through kafka/pom.xml. cli.ts is the command
// line (npm run kafka:*); this is what tests and the bench import.
export { brokerStatus, resetBroker, startBroker, stopBroker, type BrokerHandle, type BrokerOptions, type BrokerStatus } from './broker.ts';
export { KafkaLocalError } from './errors.ts';
export { runTool } from './java.ts';
export { ensureJars } from './jars.ts';
export { keycloakJavaHome, type OidcUser } from './keycloak.ts';
export { ensureKeycloak, ensureRegistryApp } from './registry-app.ts';
export {
  CCOMPAT_PATH,
  probeRegistry,
  registryStatus,
  startRegistry,
  stopRegistry,
  type RegistryHandle,
  type RegistryOptions,
} from './registry.ts';
export { javaPartitions } from './partitions.ts';
export { freePort } from './process.ts';
export { probeBroker, type ProbeSecurity } from './probe.ts';
export { checkSecureListeners, type SecureFiles, type SecureInfo, type SecurePorts, type SecureUser } from './secure.ts';
export { checkTlsMaterial, ensureTlsMaterial, type TlsFiles } from './tls.ts';
