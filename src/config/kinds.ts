/**
 * Kinds of option values. A kind reads a value from wherever it came from — the text of a
 * command-line flag, a number or string in a file, a typed value from library code — and
 * either returns it normalised or INVALID. It also says in words what it allows, which is
 * what every error message and the help text use.
 */

export const INVALID: unique symbol = Symbol('invalid');

export interface Kind<In, Out> {
  /** What is allowed, to finish "--rate must be …": `a positive number of events per hour`. */
  readonly what: string;
  /** The allowed values, shown in help as `kafka|stdout|file` (choices only). */
  readonly choices?: readonly string[];
  /** Normalise `value` (typed, or text from a flag or file), or INVALID. */
  read(value: unknown): Out | typeof INVALID;
  /** Phantom: the type library callers may pass. */
  readonly _in?: In;
}

const SIGNED_DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i;

/** A number from a number, or from decimal text (no hex, no empty string, no "Infinity"). */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && SIGNED_DECIMAL.test(value)) return Number(value);
  return Number.NaN;
}

export interface NumberBounds {
  /** Smallest allowed value, or above it when `above` is true. */
  min: number;
  above?: boolean;
  max?: number;
  integer?: boolean;
  /** Finishes the description: `of events per hour`. */
  unit?: string;
}

export function numberKind(bounds: NumberBounds): Kind<number, number> {
  const { min, above = false, max = Number.MAX_SAFE_INTEGER, integer = false, unit } = bounds;
  let what: string;
  if (integer && max === Number.MAX_SAFE_INTEGER) {
    what =
      min === 0 && !above
        ? 'a non-negative whole number'
        : min === 1 || (min === 0 && above)
          ? 'a positive whole number'
          : `a whole number from ${min}`;
  } else if (integer) what = `a whole number from ${min} to ${max}`;
  else what = min === 0 && above ? 'a positive number' : `a number from ${min} to ${max}`;
  if (unit) what += ` ${unit}`;
  return {
    what,
    read(value) {
      const n = toNumber(value);
      if (!Number.isFinite(n) || (above ? n <= min : n < min) || n > max || (integer && !Number.isInteger(n))) return INVALID;
      return n;
    },
  };
}

/** One of a fixed set of strings; `synonyms` maps other accepted spellings (text or typed) to a choice. */
export function choiceKind<const C extends string | number>(
  choices: readonly C[],
  synonyms: ReadonlyMap<unknown, C> = new Map(),
): Kind<C, C> {
  const names = choices.map(String);
  return {
    what: `one of ${names.join(', ')}`,
    choices: names,
    read(value) {
      const synonym = synonyms.get(value);
      if (synonym !== undefined) return synonym;
      const i = names.indexOf(String(value));
      return (typeof value === 'string' || typeof value === 'number') && i >= 0 ? choices[i]! : INVALID;
    },
  };
}

export function booleanKind(): Kind<boolean, boolean> {
  return {
    what: 'true or false',
    read: (value) => (value === true || value === 'true' ? true : value === false || value === 'false' ? false : INVALID),
  };
}

/** Non-empty text, optionally matching a pattern. */
export function textKind(what: string, pattern?: RegExp): Kind<string, string> {
  return {
    what,
    read: (value) => (typeof value === 'string' && value !== '' && (pattern === undefined || pattern.test(value)) ? value : INVALID),
  };
}

/** `host:port[,host:port]`, as text or a list. */
export function serverListKind(): Kind<string | readonly string[], readonly string[]> {
  return {
    what: 'a comma-separated list of host:port',
    read(value) {
      const parts = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
      if (parts === null || !parts.every((p) => typeof p === 'string')) return INVALID;
      const servers = (parts as string[]).map((s) => s.trim()).filter((s) => s !== '');
      return servers.length > 0 && servers.every((s) => /^[^\s:]+:\d{1,5}$/.test(s)) ? Object.freeze(servers) : INVALID;
    },
  };
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A moment: ISO 8601 text, a Date, or Unix milliseconds. Normalised to Unix milliseconds. */
export function instantKind(): Kind<string | Date | number, number> {
  return {
    what: 'an ISO 8601 date-time such as 2024-03-04T00:00:00Z',
    read(value) {
      const ms =
        value instanceof Date
          ? value.getTime()
          : typeof value === 'number'
            ? value
            : typeof value === 'string' && ISO_DATE_TIME.test(value)
              ? Date.parse(value)
              : Number.NaN;
      return Number.isFinite(ms) ? ms : INVALID;
    },
  };
}

/** A positive number, or the word `max` (normalised to Infinity). */
export function speedKind(): Kind<number | 'max', number> {
  const positive = numberKind({ min: 0, above: true });
  return {
    what: 'a positive number or "max"',
    read: (value) => (value === 'max' ? Infinity : positive.read(value)),
  };
}

export interface Shard {
  /** From 0. */
  readonly index: number;
  readonly count: number;
}

/** `I/N` (text) or { index, count }: shard I of N, 0 ≤ I < N ≤ `most`. */
export function shardKind(most: number): Kind<string | Shard, Shard> {
  const what = `I/N with whole numbers 0 ≤ I < N ≤ ${most}, e.g. 0/4`;
  return {
    what,
    read(value) {
      let index: number;
      let count: number;
      if (typeof value === 'string') {
        const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
        if (m === null) return INVALID;
        index = Number(m[1]);
        count = Number(m[2]);
      } else if (typeof value === 'object' && value !== null) {
        ({ index, count } = value as Shard);
      } else return INVALID;
      if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || count < 1 || index >= count || count > most) return INVALID;
      return Object.freeze({ index, count });
    },
  };
}

/** A number of threads from 1 to `most`, or "auto" (the machine's cores, at most `most`). */
export function workersKind(most: number, cores: () => number): Kind<number | 'auto', number> {
  const whole = numberKind({ min: 1, max: most, integer: true });
  return {
    what: `a whole number from 1 to ${most} or "auto"`,
    read: (value) => (value === 'auto' ? Math.max(1, Math.min(most, cores())) : whole.read(value)),
  };
}

/** A comma-separated list of some of `choices` (text or an array), normalised to their order, each once. */
export function listKind<const C extends string>(choices: readonly C[]): Kind<string | readonly C[], readonly C[]> {
  return {
    what: `a comma-separated list of ${choices.join(', ')}`,
    read(value) {
      const parts = typeof value === 'string' ? value.split(',').map((p) => p.trim()) : Array.isArray(value) ? value : null;
      if (parts === null || parts.length === 0 || !parts.every((p) => (choices as readonly unknown[]).includes(p))) return INVALID;
      return Object.freeze(choices.filter((c) => parts.includes(c)));
    },
  };
}
