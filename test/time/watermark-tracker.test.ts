import assert from "node:assert/strict";
import { test } from "node:test";
import { createWatermarkTracker } from "../../src/time/watermark-tracker.ts";

const parts = (idle?: number) =>
  createWatermarkTracker(
    [
      { id: "a/0", latenessMs: 10, holdsWatermark: true },
      { id: "b/0", latenessMs: 20, holdsWatermark: true },
      { id: "t/0", latenessMs: 0, holdsWatermark: false },
    ],
    idle,
  );

test("the watermark is -Infinity until every partition has produced", () => {
  const w = parts();
  w.observe("a/0", 100);
  assert.equal(w.advance(), Number.NEGATIVE_INFINITY);
  w.observe("b/0", 50);
  assert.equal(w.advance(), 30);
});

test("the task watermark is the least partition watermark (max seen - lateness), never going back", () => {
  const w = parts();
  w.observe("a/0", 100);
  w.observe("b/0", 200);
  assert.equal(w.advance(), 90);
  w.observe("a/0", 50); // out of order: the max stays
  assert.equal(w.advance(), 90);
  w.observe("a/0", 300);
  assert.equal(w.advance(), 180);
});

test("table partitions never hold the watermark back", () => {
  const w = parts();
  w.observe("a/0", 100);
  w.observe("b/0", 100);
  assert.equal(w.advance(), 80);
});

test("an ended partition stops holding the watermark; endAll goes to +Infinity", () => {
  const w = parts();
  w.observe("a/0", 100);
  w.end("b/0");
  assert.equal(w.advance(), 90);
  w.endAll();
  assert.equal(w.advance(), Number.POSITIVE_INFINITY);
});

test("a partition idle for longer than the timeout, in stream time, stops holding the watermark", () => {
  const w = parts(1_000);
  w.observe("a/0", 100);
  w.observe("b/0", 100);
  w.observe("a/0", 1_100); // b is 1000 behind: not yet idle
  assert.equal(w.advance(), 80);
  w.observe("a/0", 1_101); // b is 1001 behind stream time: idle
  assert.equal(w.advance(), 1_091);
  w.observe("b/0", 1_050); // b is back, behind: it holds again, but the watermark never regresses
  assert.equal(w.advance(), 1_091);
  w.observe("a/0", 1_300);
  assert.equal(w.advance(), 1_091); // b (1050 - 20) holds it; b is 250 behind, not idle
  w.observe("b/0", 1_250);
  assert.equal(w.advance(), 1_230);
});

test("a partition that never produced is idle once stream time passes the first event by the timeout", () => {
  const w = parts(500);
  w.observe("a/0", 1_000);
  assert.equal(w.advance(), Number.NEGATIVE_INFINITY);
  w.observe("a/0", 1_501);
  assert.equal(w.advance(), 1_491);
});

test("snapshot and restore keep watermarks, maxima and stream time (infinities included)", () => {
  const w = parts(500);
  w.observe("a/0", 100);
  w.observe("b/0", 300);
  w.advance();
  const snap = JSON.parse(JSON.stringify(w.snapshot()));
  const v = parts(500);
  v.restore(snap);
  assert.equal(v.current(), 90);
  assert.equal(v.streamTime(), 300);
  v.observe("a/0", 400);
  assert.equal(v.advance(), 280);
  const fresh = parts();
  fresh.restore(JSON.parse(JSON.stringify(parts().snapshot())));
  assert.equal(fresh.current(), Number.NEGATIVE_INFINITY);
  const ended = parts();
  ended.endAll();
  const e2 = parts();
  e2.restore(JSON.parse(JSON.stringify(ended.snapshot())));
  assert.equal(e2.current(), Number.POSITIVE_INFINITY);
});
