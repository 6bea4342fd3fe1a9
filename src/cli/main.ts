#!/usr/bin/env node
import fs from 'node:fs';
import { UBPError } from '../errors.ts';
import { UserBehaviorProducer } from '../producer.ts';
import { HELP, parseCli } from './args.ts';
import { createLogger } from './log.ts';
import { startProgress } from './progress.ts';
import { tuneHeap } from '../runtime/heap-tuning.ts';
import { LANE_COUNT } from '../model/simulation.ts';

/** The package version, read from the package.json above this file (in src/ or in dist/src/). */
function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'user-behavior-producer') return pkg.version ?? 'unknown';
    } catch {
      // Try the next candidate.
    }
  }
  return 'unknown';
}

/** The only place that parses argv, handles signals and exits the process. */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'verify') {
    const { verifyMain } = await import('./verify.ts');
    return verifyMain(argv.slice(1));
  }
  if (argv[0] === 'report') {
    const { reportMain } = await import('./report.ts');
    return reportMain(argv.slice(1));
  }
  const request = parseCli(argv);
  if (request.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (request.version) {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const logger = createLogger(request.options.logLevel ?? 'info', !process.stderr.isTTY);
  const producer = new UserBehaviorProducer(request.options, { logger, optionNames: request.names });
  const config = producer.config;
  if (config.printScenario) {
    process.stdout.write(config.scenario!.text);
    return 0;
  }
  tuneHeap(request.lowMemory, config.sink === 'kafka', config.workers);
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      logger.info(`${signal} received: stopping, flushing what was generated`);
      stop.abort();
    } else {
      logger.error(`${signal} received again: exiting without waiting for the flush`);
      process.exit(1);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  logger.info(
    `seed ${config.seed}${config.seedWasRandom ? ' (random; pass --seed to repeat this run)' : ''}, start ${new Date(config.startMs).toISOString()}, ` +
      `speed ${Number.isFinite(config.speed) ? config.speed + 'x' : 'max'}, sink ${config.sink === 'kafka' ? `kafka ${config.kafka.bootstrapServers.join(',')}/${config.kafka.topic}` : config.sink === 'file' ? `file ${config.output}` : 'stdout'}`,
    { seed: config.seed },
  );
  if (config.scenario !== null) {
    logger.info(`scenario ${config.scenario.name} (sha256 ${config.scenario.hash}, ${config.scenario.episodes.length} episodes)`, {
      scenario: config.scenario.name,
      scenarioHash: config.scenario.hash,
    });
  }
  logger.info(
    `rate ${config.rate} events/hour at multiplier 1.0; effective now ${Math.round(producer.effectiveRatePerHour())} events/hour` +
      (config.timePatterns ? '' : ' (time patterns off)') +
      (config.shard === null
        ? ''
        : `; shard ${config.shard.index}/${config.shard.count} (${producer.lanes.length} of ${LANE_COUNT} lanes)`) +
      (config.workers > 1 ? `; ${config.workers} workers` : ''),
  );
  let failure: unknown;
  const progress =
    !request.quiet && request.progress !== false ? startProgress(() => producer.status(), logger, Boolean(process.stderr.isTTY)) : null;
  try {
    await producer.runContinuous({ signal: stop.signal });
  } catch (err) {
    failure = err;
  } finally {
    progress?.stop();
  }
  try {
    await producer.close();
  } catch (err) {
    failure ??= err;
  }
  const m = producer.getMetrics();
  logger.info(
    `messages sent ${m.messagesSent}, failed ${m.messagesFailed}, bytes ${m.bytesSent}, success rate ${m.successRate.toFixed(2)}%, ` +
      `active sessions ${m.activeSessions}, ${m.eventsPerSecond} events/s over ${m.elapsedSeconds.toFixed(1)} s`,
    { metrics: m },
  );
  if (config.metricsJson) {
    try {
      fs.writeFileSync(config.metricsJson === '-' ? process.stdout.fd : config.metricsJson, JSON.stringify(m, null, 2) + '\n');
    } catch (err) {
      failure ??= new UBPError('SINK_WRITE', `cannot write --metrics-json ${config.metricsJson}: ${(err as Error).message}`);
    }
  }
  if (failure) throw failure;
  return 0;
}

function report(err: unknown): number {
  if (err instanceof UBPError) {
    process.stderr.write(`user-behavior-producer: ${err.message}\n`);
    return err.isUsage ? 2 : 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`user-behavior-producer: unexpected error: ${message.split('\n')[0]}\n`);
  if (process.env.UBP_DEBUG) process.stderr.write(String((err as Error)?.stack) + '\n');
  return 1;
}

main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = report(err);
    },
  )
  .finally(() => {
    // Sinks may keep sockets open; the run is over.
    setTimeout(() => process.exit(), 50).unref();
  });
