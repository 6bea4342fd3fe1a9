// Types of scripts/kafka-local.mjs for the TypeScript code that imports it (tests, bench).
export class KafkaLocalError extends Error {
  detail?: string;
}
export interface BrokerHandle {
  bootstrap: string;
  port: number;
  controllerPort: number;
  pid: number;
  dir: string;
  reused: boolean;
  stop(): Promise<void>;
}
export interface BrokerOptions {
  dir?: string;
  libDir?: string;
  port?: number;
  controllerPort?: number;
  ephemeral?: boolean;
  timeoutMs?: number;
  heap?: string;
  log?: (message: string) => void;
}
export function ensureJars(opts?: { libDir?: string; log?: (message: string) => void }): Promise<string>;
export function startBroker(opts?: BrokerOptions): Promise<BrokerHandle>;
export function stopBroker(opts?: { dir?: string; timeoutMs?: number }): Promise<boolean>;
export function brokerStatus(opts?: { dir?: string }): Promise<{ running: boolean; answering: boolean; bootstrap?: string; pid?: number }>;
export function resetBroker(opts?: { dir?: string }): Promise<void>;
export function runTool(mainClass: string, args?: string[], opts?: { stdio?: unknown; libDir?: string; dir?: string }): Promise<number>;
export function javaPartitions(keys: string[], numPartitions: number, opts?: { libDir?: string }): Promise<number[]>;
export function probeBroker(port: number, timeoutMs?: number): Promise<{ ok: boolean; reason?: string; brokers?: number }>;
