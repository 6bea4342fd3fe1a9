/**
 * Node's Buffer has had these Latin-1 methods on its prototype for as long as it has had
 * `write(text, offset, 'latin1')`, which calls them; they are not in its type declarations.
 * Called directly they skip argument parsing, which counts at 20 calls per event.
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

/**
 * A non-negative integer in decimal, zero-padded to `width` digits, as bytes at `pos`;
 * returns the position after it. Anything else (never made by the model) goes through String.
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
  for (let p = end; p > pos; ) {
    const q = (n / 10) | 0;
    buf[--p] = 48 + n - q * 10;
    n = q;
  }
  return end;
}
