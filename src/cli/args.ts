import { RUN_OPTIONS, row } from '../config/option-table.ts';
import { booleanKind } from '../config/kinds.ts';
import type { ProducerOptions } from '../config/options.ts';
import { parseFlags, renderHelp } from './flags.ts';

/** The run command's flags: every producer option, and what acts on the process itself. */
export const CLI_OPTIONS = {
  ...RUN_OPTIONS,
  lowMemory: row({
    kind: booleanKind(),
    default: false,
    defaultText: '—',
    switches: [
      {
        flag: 'low-memory',
        value: true,
        help: "V8's optimize-for-size mode: with the CLI's own heap bounds it saves little, and it is much slower with many sessions",
      },
    ],
    help: "V8's optimize-for-size mode",
    group: 'Simulation',
  }),
} as const;

export interface CliRequest {
  /**
   * Flag texts and switch values by option key. `resolveConfig` reads texts with the same
   * kinds as typed values, so these go to the producer as they are.
   */
  options: ProducerOptions;
  /** Option key → the flag a user typed, for error messages. */
  names: Record<string, string>;
  help: boolean;
  version: boolean;
  quiet: boolean;
  /** --progress / --no-progress, or undefined (then: on when stderr is a terminal). */
  progress: boolean | undefined;
  lowMemory: boolean;
}

/** Turn argv into producer options. Throws a USAGE error naming the flag on any bad input. */
export function parseCli(argv: readonly string[]): CliRequest {
  const { values, names, help, version } = parseFlags(CLI_OPTIONS, argv);
  const { lowMemory, ...options } = values;
  return {
    options: options as ProducerOptions, // texts, read by resolveConfig (see above)
    names,
    help,
    version,
    quiet: values.logLevel === 'warn',
    progress: values.progress as boolean | undefined,
    lowMemory: lowMemory === true,
  };
}

export const HELP = renderHelp(
  CLI_OPTIONS,
  `Usage: user-behavior-producer [flags]
       user-behavior-producer verify [flags]   (read a topic or file back and check it)
       user-behavior-producer report [flags]   (the realism report of a run: HTML with charts and a scorecard)

Generates realistic e-commerce user sessions and streams their events.`,
  ['Output', 'Security', 'Schema registry', 'Simulation', 'Faults and answer key', 'Kafka producer', 'Reporting'],
  'Exit codes: 0 done or stopped by SIGINT/SIGTERM after a clean flush; 1 runtime failure; 2 bad usage.',
);
