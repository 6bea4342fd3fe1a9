/**
 * Node's Buffer has had these Latin-1 methods on its prototype for as long as it has had
 * `write(text, offset, 'latin1')`, which calls them; they are not in its type declarations.
 * Called directly they skip argument parsing, which counts at half a dozen calls per event.
 */
export type Latin1Buffer = Buffer & {
  latin1Write(text: string, offset: number): number;
  latin1Slice(start: number, end: number): string;
};

/** Turns an item into the bytes of one line (without the newline). */
export interface ByteEncoder<T> {
  /** Most bytes one item can take. */
  readonly maxBytes: number;
  /** Write `item` at `pos` (with `maxBytes` of room) and return the position after it. */
  encodeInto(item: T, buf: Latin1Buffer, pos: number): number;
}

/** How a sink turns an item into a record: its bytes, and a tag for delivery reports. */
export interface RecordEncoder<T> extends ByteEncoder<T> {
  /** 0–31 (the event type, or an entity stream): delivery reports count records per tag. */
  tag(item: T): number;
}

/** The ASCII digits of 0–99, two bytes each ("00" … "99"). */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/**
 * A non-negative integer in decimal, zero-padded to `width` digits, as bytes at `pos`;
 * returns the position after it. Anything else (never made by the model) goes through String.
 * Two digits per division, from a table: about ten numbers go into each event.
 */
export function writeDigits(buf: Latin1Buffer, pos: number, n: number, width: number): number {
  // Small integers (all the model makes until 2038) in 32-bit arithmetic; anything else via String.
  if (!(n >= 0 && n <= 0x7fffffff && (n | 0) === n)) return pos + buf.latin1Write(String(n).padStart(width, '0'), pos);
  let digits =
    n < 10
      ? 1
      : n < 100
        ? 2
        : n < 1000
          ? 3
          : n < 10000
            ? 4
            : n < 100000
              ? 5
              : n < 1000000
                ? 6
                : n < 10000000
                  ? 7
                  : n < 100000000
                    ? 8
                    : n < 1000000000
                      ? 9
                      : 10;
  if (digits < width) digits = width;
  const end = pos + digits;
  let p = end;
  while (n >= 100) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) << 1;
    buf[--p] = PAIRS[r + 1]!;
    buf[--p] = PAIRS[r]!;
    n = q;
  }
  if (n >= 10) {
    buf[--p] = PAIRS[(n << 1) + 1]!;
    buf[--p] = PAIRS[n << 1]!;
  } else buf[--p] = 48 + n;
  while (p > pos) buf[--p] = 48;
  return end;
}

/** 0–99 as two digits at `pos` (no check: for parts of a time). */
export function writeTwoDigits(buf: Latin1Buffer, pos: number, n: number): number {
  buf[pos] = PAIRS[n << 1]!;
  buf[pos + 1] = PAIRS[(n << 1) + 1]!;
  return pos + 2;
}
