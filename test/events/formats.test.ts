// The registry formats without a registry: each encoder's records decoded again (by the
// decoder verify and report use, given the shipped schema for the id) are the JSON format's
// text of the same events, byte for byte. test/integration/registry-formats.test.ts does the
// same through Kafka and a real registry, and with Confluent's own Python deserializers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { AvroEventWriter } from '../../src/events/avro-writer.ts';
import { toEvent } from '../../src/events/event.ts';
import { avroType, eventEncoder, eventSchema, WireDecoder, type RegistryFormat } from '../../src/events/formats.ts';
import type { Latin1Buffer } from '../../src/events/bytes.ts';
import { EventSerializer } from '../../src/events/serialize.ts';
import { Simulation } from '../../src/model/simulation.ts';
import { readMessageIndexes, wireSchemaId, writeMessageIndexes } from '../../src/events/wire.ts';

const OPTIONS = {
  seed: 11,
  startMs: Date.parse('2024-03-04T00:00:00Z'),
  ratePerHour: 100_000,
  minSessionSeconds: 60,
  maxSessionSeconds: 1800,
  timePatterns: true,
  userPoolSize: 0,
};

const FORMATS: readonly RegistryFormat[] = ['avro', 'protobuf', 'json-schema'];

for (const format of FORMATS) {
  test(`${format}: decoding each record by its schema id gives the JSON format's text of the event`, async () => {
    const schema = eventSchema(format);
    const sim = new Simulation(OPTIONS);
    const json = new EventSerializer(sim.instanceTag);
    // Ids per event type, as with one topic (and subject) per type.
    const encoder = eventEncoder(format, sim.instanceTag, (rec) => 100 + rec.type);
    const decoder = new WireDecoder(async (id) => {
      assert.ok(id >= 100 && id < 114, `schema id ${id}`);
      return { schemaType: schema.schemaType, schema: schema.text };
    });
    const buf = Buffer.alloc(encoder.maxBytes) as Latin1Buffer;
    const types = new Set<number>();
    let bytes = 0;
    let jsonBytes = 0;
    for (let i = 0; i < 50_000; i++) {
      const rec = sim.next();
      types.add(rec.type);
      const expected = json.serialize(rec);
      const end = encoder.encodeInto(rec, buf, 0);
      assert.equal(wireSchemaId(buf), 100 + rec.type);
      bytes += end;
      jsonBytes += expected.length;
      const actual = JSON.stringify(await decoder.decode(buf.subarray(0, end)));
      if (actual !== expected) assert.equal(actual, expected);
    }
    assert.equal(types.size, 14, 'all 14 event types were compared');
    if (format !== 'json-schema') assert.ok(bytes < jsonBytes * 0.75, `${format} takes ${bytes} bytes against JSON's ${jsonBytes}`);
  });
}

test("the fast Avro writer writes exactly avsc's bytes of the reference event object, past 2038 too", () => {
  const type = avroType();
  for (const startMs of [OPTIONS.startMs, Date.parse('2040-01-01T00:00:00Z')]) {
    const sim = new Simulation({ ...OPTIONS, startMs });
    const writer = new AvroEventWriter(sim.instanceTag);
    const buf = Buffer.alloc(1 << 16) as Latin1Buffer;
    for (let i = 0; i < 100_000; i++) {
      const rec = sim.next();
      const expected = type.toBuffer(toEvent(rec, sim.instanceTag));
      const actual = buf.subarray(0, writer.write(rec, buf, 0));
      if (!actual.equals(expected)) assert.deepEqual([...actual], [...expected]);
    }
  }
});

test('the same seed gives the same bytes in every format', () => {
  for (const format of FORMATS) {
    const runs = [0, 1].map(() => {
      const sim = new Simulation(OPTIONS);
      const encoder = eventEncoder(format, sim.instanceTag, () => 7);
      const buf = Buffer.alloc(encoder.maxBytes) as Latin1Buffer;
      const out: Buffer[] = [];
      for (let i = 0; i < 2_000; i++) out.push(Buffer.from(buf.subarray(0, encoder.encodeInto(sim.next(), buf, 0))));
      return Buffer.concat(out);
    });
    assert.ok(runs[0]!.equals(runs[1]!), format);
  }
});

test('json-schema records are the JSON text behind the 5-byte header', () => {
  const sim = new Simulation(OPTIONS);
  const json = new EventSerializer(sim.instanceTag);
  const sim2 = new Simulation(OPTIONS);
  const encoder = eventEncoder('json-schema', sim2.instanceTag, () => 258);
  const buf = Buffer.alloc(encoder.maxBytes) as Latin1Buffer;
  for (let i = 0; i < 100; i++) {
    const end = encoder.encodeInto(sim2.next(), buf, 0);
    assert.deepEqual([...buf.subarray(0, 5)], [0, 0, 0, 1, 2]);
    assert.equal(buf.toString('utf8', 5, end), json.serialize(sim.next()));
  }
});

test('Protobuf message indexes: [0] is the one byte 0, other paths are zigzag varints with their count', () => {
  const buf = Buffer.alloc(16);
  assert.equal(writeMessageIndexes(buf, 0, [0]), 1);
  assert.equal(buf[0], 0);
  assert.deepEqual(readMessageIndexes(buf, 0), { indexes: [0], next: 1 });
  const end = writeMessageIndexes(buf, 0, [1, 70]);
  assert.deepEqual([...buf.subarray(0, end)], [4, 2, 0x8c, 0x01]);
  assert.deepEqual(readMessageIndexes(buf, 0), { indexes: [1, 70], next: end });
});

test('the Avro schema reads records of itself and evolves BACKWARD-compatibly by a nullable field', () => {
  const schema = JSON.parse(eventSchema('avro').text) as { fields: { name: string; type: unknown; default?: unknown }[] };
  const writer = avro.Type.forSchema(schema as avro.Schema);
  const evolved = avro.Type.forSchema({
    ...schema,
    fields: [...schema.fields, { name: 'extra', type: ['null', 'string'], default: null }],
  } as avro.Schema);
  // A new reader schema resolves old data: what BACKWARD compatibility asks of a registry.
  assert.doesNotThrow(() => evolved.createResolver(writer));
});
