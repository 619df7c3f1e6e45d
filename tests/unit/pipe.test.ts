// The bounded message queue between a socket and one peer (src/pipe.ts): high-water mark, the
// low-water mark that wakes a waiting writer, conflate, clear and end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pipe } from "../../src/pipe.ts";
import type { Message } from "../../src/message.ts";

const msg = (n: number): Message => [new Uint8Array([n & 0xff, n >> 8])];
const fill = (pipe: Pipe, n: number, from = 0) => {
  for (let i = from; i < from + n; i++) pipe.write(msg(i));
};
/** Counts calls of the pipe's onWritable. */
const countWakeUps = (pipe: Pipe) => {
  const counter = { n: 0 };
  pipe.onWritable = () => counter.n++;
  return counter;
};

test("messages come out in order, as the same objects (no copies)", () => {
  const pipe = new Pipe(10);
  const a = msg(1);
  const b = msg(2);
  pipe.write(a);
  pipe.write(b);
  assert.equal(pipe.size, 2);
  assert.equal(pipe.read(), a);
  assert.equal(pipe.read(), b);
  assert.equal(pipe.read(), undefined);
  assert.equal(pipe.size, 0);
});

test("order survives the internal compaction of a long queue", () => {
  const pipe = new Pipe(0);
  fill(pipe, 3000);
  for (let i = 0; i < 2000; i++) assert.equal(pipe.read()![0][0], i & 0xff);
  fill(pipe, 1000, 3000);
  const rest: number[] = [];
  for (let m; (m = pipe.read());) rest.push(m[0][0] | (m[0][1] << 8));
  assert.deepEqual(rest, Array.from({ length: 2000 }, (_, i) => 2000 + i));
});

test("full at the high-water mark, never with hwm 0", () => {
  const pipe = new Pipe(3);
  fill(pipe, 2);
  assert.equal(pipe.full, false);
  fill(pipe, 1);
  assert.equal(pipe.full, true);
  const unbounded = new Pipe(0);
  fill(unbounded, 10_000);
  assert.equal(unbounded.full, false);
});

test("a write past the high-water mark is kept (a decoded chunk may overshoot)", () => {
  const pipe = new Pipe(2);
  fill(pipe, 5);
  assert.equal(pipe.size, 5);
});

test("a writer that found the pipe full is woken once, when half of it has drained", () => {
  const pipe = new Pipe(10);
  const woken = countWakeUps(pipe);
  fill(pipe, 10);
  assert.equal(pipe.full, true);
  for (let i = 0; i < 4; i++) pipe.read();
  assert.equal(woken.n, 0, "6 left: above the low-water mark");
  pipe.read();
  assert.equal(woken.n, 1, "5 left: the low-water mark");
  while (pipe.read());
  assert.equal(woken.n, 1, "no second wake-up without a second wait");
});

test("low-water marks: hwm 1 wakes when empty, hwm 3 after one read", () => {
  const one = new Pipe(1);
  const wokenOne = countWakeUps(one);
  fill(one, 1);
  assert.equal(one.full, true);
  one.read();
  assert.equal(wokenOne.n, 1);

  const three = new Pipe(3);
  const wokenThree = countWakeUps(three);
  fill(three, 3);
  assert.equal(three.full, true);
  three.read();
  assert.equal(wokenThree.n, 1);
});

test("a reader draining a pipe nobody waited on wakes no writer", () => {
  const pipe = new Pipe(4);
  const woken = countWakeUps(pipe);
  fill(pipe, 4);
  while (pipe.read());
  assert.equal(woken.n, 0);
});

test("every write and the end tell the reader; end() only once", () => {
  const pipe = new Pipe(10);
  let calls = 0;
  pipe.onReadable = () => calls++;
  fill(pipe, 3);
  assert.equal(calls, 3);
  pipe.end();
  pipe.end();
  assert.equal(calls, 4);
});

test("an ended pipe still delivers what it holds", () => {
  const pipe = new Pipe(10);
  fill(pipe, 2);
  pipe.end();
  assert.equal(pipe.ended, true);
  assert.equal(pipe.read()![0][0], 0);
  assert.equal(pipe.read()![0][0], 1);
  assert.equal(pipe.read(), undefined);
});

test("clear() drops every message and wakes a waiting writer", () => {
  const pipe = new Pipe(2);
  const woken = countWakeUps(pipe);
  fill(pipe, 2);
  assert.equal(pipe.full, true);
  pipe.clear();
  assert.equal(pipe.size, 0);
  assert.equal(pipe.read(), undefined);
  assert.equal(woken.n, 1);
  pipe.clear();
  assert.equal(woken.n, 1, "nobody waits any more");
});

test("conflate keeps only the newest message and is never full", () => {
  const pipe = new Pipe(1, true);
  let readable = 0;
  pipe.onReadable = () => readable++;
  fill(pipe, 5);
  assert.equal(pipe.full, false);
  assert.equal(pipe.size, 1);
  assert.equal(readable, 5, "the reader hears of every write");
  assert.equal(pipe.read()![0][0], 4);
  assert.equal(pipe.read(), undefined);
  fill(pipe, 1, 7);
  assert.equal(pipe.read()![0][0], 7);
});

test("a high-water mark changed on a live pipe applies at once; raising it wakes a waiting writer", () => {
  const pipe = new Pipe(4);
  const woken = countWakeUps(pipe);
  fill(pipe, 2);
  pipe.hwm = 2;
  assert.equal(pipe.hasRoom, false);
  assert.equal(pipe.full, true);
  assert.equal(woken.n, 0);
  pipe.hwm = 10;
  assert.equal(woken.n, 1, "the writer that found it full hears of the room");
  assert.equal(pipe.hasRoom, true);
  pipe.hwm = 0;
  assert.equal(pipe.full, false, "0 is no limit");
});
