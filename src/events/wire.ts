/**
 * The Confluent wire format of a record value: magic byte 0, the schema id as a 4-byte big-endian
 * integer, then the payload; a Protobuf payload is preceded by the path of its message type in
 * the schema (the "message indexes"), and [0] — the first message of the file — is the one byte 0.
 */

export const MAGIC_BYTE = 0;
export const HEADER_BYTES = 5;

/** Writes the magic byte and the schema id at `pos`; returns the position after them. */
export function writeWireHeader(buf: Buffer, pos: number, schemaId: number): number {
  buf[pos] = MAGIC_BYTE;
  buf.writeUInt32BE(schemaId, pos + 1);
  return pos + HEADER_BYTES;
}

/** Whether a record value is in the wire format (JSON text starts with `{`, never with byte 0). */
export function isWireFormat(value: Uint8Array): boolean {
  return value.length >= HEADER_BYTES && value[0] === MAGIC_BYTE;
}

export function wireSchemaId(value: Uint8Array): number {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).readUInt32BE(1);
}

/** Reads Protobuf message indexes from `pos`: the path of the message type, and where the payload starts. */
export function readMessageIndexes(value: Uint8Array, pos: number): { indexes: number[]; next: number } {
  const count = readZigZag(value, pos);
  pos = count.next;
  if (count.value === 0) return { indexes: [0], next: pos };
  const indexes: number[] = [];
  for (let i = 0; i < count.value; i++) {
    const index = readZigZag(value, pos);
    indexes.push(index.value);
    pos = index.next;
  }
  return { indexes, next: pos };
}

/** Writes message indexes at `pos` ([0] as the single byte 0, as Confluent's serializers do). */
export function writeMessageIndexes(buf: Buffer, pos: number, indexes: readonly number[]): number {
  if (indexes.length === 1 && indexes[0] === 0) {
    buf[pos] = 0;
    return pos + 1;
  }
  pos = writeZigZag(buf, pos, indexes.length);
  for (const index of indexes) pos = writeZigZag(buf, pos, index);
  return pos;
}

function readZigZag(value: Uint8Array, pos: number): { value: number; next: number } {
  let n = 0;
  let shift = 0;
  for (;;) {
    if (pos >= value.length || shift > 28) throw new RangeError('malformed varint in the Protobuf message indexes');
    const b = value[pos++]!;
    n |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  return { value: (n >>> 1) ^ -(n & 1), next: pos };
}

/** A 32-bit integer as a zigzag varint: 7 bits a byte, low first (Protobuf's sint32, Avro's int). */
export function writeZigZag(buf: Buffer, pos: number, n: number): number {
  let z = ((n << 1) ^ (n >> 31)) >>> 0;
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}
