import { parseArgs } from 'node:util';
import type { AnyRow, Group, OptionTable } from '../config/option-table.ts';
import { usageError } from '../errors.ts';

/**
 * Command lines from option tables: the parseArgs configuration, the flag → option mapping,
 * the help text and the README's flag table are all derived from the rows.
 */

/** Flags every command has besides its options. */
const COMMAND_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export interface ParsedFlags {
  /** Option key → the text of its flag, or a switch's value. Read and checked by resolveTable. */
  values: Record<string, unknown>;
  /** Option key → the flag the user typed (or the row's main flag), for messages. */
  names: Record<string, string>;
  help: boolean;
  version: boolean;
}

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parseArgsConfig(table: OptionTable): ParseArgsOptions {
  const config: ParseArgsOptions = { ...COMMAND_FLAGS };
  for (const r of Object.values(table)) {
    if (r.flag) {
      config[r.flag] = r.short ? { type: 'string', short: r.short } : { type: 'string' };
      for (const alias of r.aliases ?? []) config[alias] = { type: 'string' };
    }
    for (const s of r.switches ?? []) config[s.flag] = s.short ? { type: 'boolean', short: s.short } : { type: 'boolean' };
  }
  return config;
}

/** The main flag a row is known by. */
export function mainFlag(r: AnyRow): string {
  return `--${r.flag ?? r.switches?.[0]?.flag}`;
}

/** Turn argv into option values of `table`. Throws a USAGE error naming the flag on any bad input. */
export function parseFlags(table: OptionTable, argv: readonly string[], command = ''): ParsedFlags {
  const config = parseArgsConfig(table);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: glueNegativeValues(argv, config), options: config, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usageError(`${command}${describeParseError(err as Error & { code?: string }, command)}`);
  }
  const out: ParsedFlags = { values: {}, names: {}, help: values.help === true, version: values.version === true };
  for (const [key, r] of Object.entries(table)) {
    const given: { flag: string; value: unknown }[] = [];
    if (r.flag) {
      for (const flag of [r.flag, ...(r.aliases ?? [])]) if (values[flag] !== undefined) given.push({ flag, value: values[flag] });
    }
    for (const s of r.switches ?? []) if (values[s.flag] === true) given.push({ flag: s.flag, value: s.value });
    if (given.length > 1) throw usageError(`${command}give ${given.map((g) => `--${g.flag}`).join(' or ')}, not both`);
    out.names[key] = given.length === 1 ? `--${given[0]!.flag}` : mainFlag(r);
    if (given.length === 1) out.values[key] = given[0]!.value;
  }
  return out;
}

/**
 * `--rate -5`: parseArgs would take "-5" for a flag and report an ambiguity. Glue a value that
 * looks like a negative number to its flag (`--rate=-5`) so the range check names it.
 */
function glueNegativeValues(argv: readonly string[], config: ParseArgsOptions): string[] {
  const takesValue = (arg: string): boolean => {
    if (arg.startsWith('--')) return config[arg.slice(2)]?.type === 'string';
    return /^-[a-z]$/i.test(arg) && Object.values(config).some((f) => f.short === arg[1] && f.type === 'string');
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (next !== undefined && /^-[\d.]/.test(next) && takesValue(arg)) {
      out.push(`${arg}=${next}`.replace(/^(-[a-z])=/i, '$1'));
      i++;
    } else out.push(arg);
  }
  return out;
}

function describeParseError(err: Error & { code?: string }, command: string): string {
  const helpHint = `run ${command.replace(/: $/, ' ')}--help to see the flags`;
  // "Option '-o, --output <value>' argument missing": name the long flag.
  const quoted = /'(-[^']*)'/.exec(err.message)?.[1];
  const flag = quoted
    ?.split(/[\s,]+/)
    .filter((w) => w.startsWith('-'))
    .pop();
  const firstLine = err.message.split('\n')[0]!;
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? ''}; ${helpHint}`.replace('  ', ' ');
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (!flag) return firstLine;
      return `${flag} ${/argument missing|ambiguous/.test(err.message) ? 'needs a value' : 'does not take a value'}; ${helpHint}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(err.message)?.[1] ?? ''}; flags start with --`;
    default:
      return firstLine;
  }
}

/** How a row's default reads: `5000`, `localhost:9092`, `until stopped`, or none. */
export function defaultText(r: AnyRow): string | null {
  if (r.defaultText !== undefined) return r.defaultText === '—' ? null : r.defaultText;
  if (r.default === null) return null;
  return Array.isArray(r.default) ? r.default.join(',') : String(r.default);
}

interface FlagLine {
  /** `--sink kafka|stdout|file`, `--output, -o FILE` */
  usage: string;
  /** Other spellings of the same flag. */
  aliases: string[];
  help: string;
  /** Shown as "(default …)" in help and in the README's default column. */
  default: string | null;
}

/** One line per flag or switch, in table order. */
function flagLines(table: OptionTable, group?: Group): FlagLine[] {
  const lines: FlagLine[] = [];
  for (const r of Object.values(table)) {
    if (group !== undefined && r.group !== group) continue;
    if (r.flag) {
      const value = r.valueName ?? r.kind.choices?.join('|') ?? 'VALUE';
      const aliases = (r.aliases ?? []).map((a) => `--${a}`);
      lines.push({ usage: `--${r.flag}${r.short ? `, -${r.short}` : ''} ${value}`, aliases, help: r.help, default: defaultText(r) });
    }
    for (const s of r.switches ?? [])
      lines.push({ usage: `--${s.flag}${s.short ? `, -${s.short}` : ''}`, aliases: [], help: s.help, default: null });
  }
  return lines;
}

const USAGE_WIDTH = 30;

/** The help text of a command: its usage lines, then its flags by group. */
export function renderHelp(table: OptionTable, head: string, groups: readonly Group[], foot: string): string {
  const plain = (text: string): string => text.replaceAll('`', '');
  const out = [head, ''];
  for (const group of groups) {
    out.push(group);
    for (const line of flagLines(table, group)) {
      const notes = [...(line.default === null ? [] : [`default ${line.default}`]), ...line.aliases.map((a) => `alias ${a}`)];
      const help = plain(line.help) + (notes.length > 0 ? ` (${notes.join('; ')})` : '');
      // A usage too wide for its column gets a line of its own.
      if (line.usage.length > USAGE_WIDTH) out.push(`  ${line.usage}`, `  ${''.padEnd(USAGE_WIDTH)} ${help}`);
      else out.push(`  ${line.usage.padEnd(USAGE_WIDTH)} ${help}`);
    }
    out.push('');
  }
  out.push(`  ${'--help, -h'.padEnd(USAGE_WIDTH)} this text`, `  ${'--version'.padEnd(USAGE_WIDTH)} the version`, '', foot);
  return out.join('\n') + '\n';
}

/** The README's flag table (Markdown), derived from the same rows. */
export function markdownFlagTable(table: OptionTable): string {
  const code = (usage: string): string => usage.replace(/(--?[a-z][\w-]*(?: [^,(]+)?)/g, (m) => `\`${m.trim().replaceAll('|', '\\|')}\``);
  const rows = ['| flag | default | meaning |', '|---|---|---|'];
  for (const line of flagLines(table)) {
    const aliases = line.aliases.map((a) => ` (\`${a}\`)`).join('');
    rows.push(`| ${code(line.usage)}${aliases} | ${line.default ?? '—'} | ${line.help.replaceAll('|', '\\|')} |`);
  }
  rows.push('| `--help`, `-h` / `--version` | — | this text / the version |');
  return rows.join('\n');
}
