/**
 * The channel's regions when a sink writes lines from where they are (`keepRead`): a region
 * read stays the reader's until released, so its bytes cannot be overwritten before they are
 * written out, and the lines come in the order a thread made them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelOptions } from '../../src/model/simulation.ts';
import { ChannelReader, channelRegions, newChannelMemory, newLineRef, newLineRun } from '../../src/runtime/channel.ts';
import { LineMaker, LocalLines } from '../../src/runtime/line-maker.ts';
import { modelLines, SMALL_RUN } from '../helpers/model-lines.ts';

const OPTIONS: ModelOptions = { ...SMALL_RUN, seed: 5 };
const END = OPTIONS.startMs + 15 * 60_000;

test('keepRead: regions read are kept until released, and every line comes once, in order, unchanged', () => {
  const expected = modelLines(OPTIONS, END);
  assert.ok(expected.length > 8000, `${expected.length} events`);

  // Four regions (a run has more: see channelRegions): the ring goes round several times.
  const local = new LocalLines(OPTIONS, END, 4);
  local.keepRead = true;
  const run = newLineRun();
  /** The runs taken since the last release: views on the channel's memory, read only at release. */
  let taken: Buffer[] = [];
  const got: string[] = [];
  let releases = 0;
  let before = 0;
  for (;;) {
    if (local.hasLine()) {
      local.takeRun(Infinity, 50, run);
      taken.push(run.buf.subarray(run.start, run.end));
      continue;
    }
    if (local.finished) break;
    // Nothing more until the kept regions are given back: all four of them are kept.
    assert.equal(local.keeps, true, 'no line, not finished: regions are kept');
    assert.equal(local.hasLine(), false, 'asking again does not read a kept region twice');
    // The lines taken are still as they were made, as nothing could write over them.
    for (const b of taken) got.push(...b.toString('latin1').slice(0, -1).split('\n'));
    taken = [];
    assert.deepEqual(got.slice(before), expected.slice(before, got.length));
    assert.ok(got.length - before > 1000, 'four regions hold many lines');
    before = got.length;
    local.release();
    releases++;
    assert.equal(local.keeps, false);
  }
  for (const b of taken) got.push(...b.toString('latin1').slice(0, -1).split('\n'));
  assert.ok(releases >= 2, `${releases} releases`);
  assert.equal(got.length, expected.length);
  assert.deepEqual(got, expected);
});

test('channelRegions: 16 MB a channel up to 16 threads, then 256 MB in all, and never under 4 regions', () => {
  const bytes = (threads: number): number => newChannelMemory(channelRegions(threads)).data.byteLength;
  assert.equal(bytes(2), 16 * 2 ** 20);
  assert.equal(bytes(16), 16 * 2 ** 20);
  for (let threads = 2; threads <= 128; threads++) {
    assert.ok(
      threads * bytes(threads) <= Math.max(256 * 2 ** 20, threads * 2 * 2 ** 20),
      `${threads} threads: ${bytes(threads)} bytes a channel`,
    );
    assert.ok(channelRegions(threads) >= 4);
  }
  assert.ok(bytes(17) < bytes(16));
  assert.equal(channelRegions(1000), 4);
});

test('a channel in shared memory (a worker writes through a stage of its own) hands over every line unchanged, in order', () => {
  const expected = modelLines(OPTIONS, END);
  const memory = newChannelMemory(4);
  assert.ok(memory.data instanceof SharedArrayBuffer);
  const maker = new LineMaker(OPTIONS, END, memory, () => {});
  const reader = new ChannelReader(memory);
  const line = newLineRef();
  const got: string[] = [];
  let batches = 0;
  for (;;) {
    if (reader.hasLine()) {
      reader.take(line);
      got.push(line.buf.latin1Slice(line.start, line.end));
      continue;
    }
    if (reader.finished) break;
    // Read all there is: the ring has room, so the maker never waits here.
    assert.equal(maker.fillAhead(), true);
    batches++;
  }
  // More batches than regions: the ring went round, each batch copied from the stage several
  // times (a region of 512 KB holds eight stages of 64 KB).
  assert.ok(batches > 8, `${batches} batches`);
  assert.equal(got.length, expected.length);
  assert.deepEqual(got, expected);
});
