// Runtime: what follows a stream-join sees a watermark held back by the join's delay (within + grace + 1),
// so unmatched left rows (emitted late, stamped with their own time) and grace-late pairs are never late downstream.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../../src/core/value.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { rng } from "./support/plans.ts";

const SOURCE = `
stream ev from topic "ev"
  key k
  schema { k: string, v: int, ts: timestamp }
  event time ts, lateness 1s
stream lg from topic "lg"
  key k
  schema { k: string, ok: bool, ts: timestamp }
  event time ts, lateness 1s
rule plain
  from ev
  left join lg as l on l.k = k within 5s
  emit to "o1" { k, v, ok: l.ok }
rule windowed
  from ev
  left join lg as l on l.k = k within 5s
  window tumbling 1s
  aggregate count() as n
  emit final to "o2" { k, n }
rule unmatched
  from ev
  left join lg as l on l.k = k within 5s
  where l is null
  match x: v > 0
  emit to "o3" { k, v: x.v }
rule graced
  from ev
  join lg as l on l.k = k within 2s grace 3s
  window tumbling 1s
  aggregate count() as n
  emit final to "o4" { k, n }
rule graced_plain
  from ev
  join lg as l on l.k = k within 2s grace 3s
  emit to "o5" { k }
`;

function data(seed: number): Record<string, Row[]> {
  const r = rng(seed);
  const ev: Row[] = [];
  const lg: Row[] = [];
  for (let i = 0; i < 200; i++) {
    // Out of order within the lateness, so some right records arrive after their left partner.
    const ts = 10_000 + i * 700 + Math.floor(r() * 900);
    const k = `k${Math.floor(r() * 4)}`;
    if (r() < 0.6) ev.push({ k, v: 1 + Math.floor(r() * 5), ts });
    else lg.push({ k, ok: r() < 0.5, ts });
  }
  return { ev, lg };
}

const sum = (rows: readonly { value: Row }[]): number =>
  rows.reduce((s, o) => s + (o.value["n"] as number), 0);

for (const partitions of [1, 3]) {
  test(`left join then window / match: every joined row counted, no late dead letters (${partitions} partitions)`, async () => {
    const compiled = compileProgram([{ path: "join-delay.vigil", text: SOURCE }]);
    assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics.slice(0, 2)));
    const result = await runEmbedded({ plan: compiled.plan, inputs: { records: data(7) }, partitions });
    const late = result.deadLetters.filter((d) => d.reason === "late-record" && d.rule !== null);
    assert.deepEqual(
      late.map((d) => d.message),
      [],
    );
    const by = (rule: string) => result.canonical.filter((o) => o.rule === rule);
    const plain = by("plain");
    const nulls = plain.filter((o) => o.value["ok"] === null);
    assert.ok(nulls.length > 5, "the data has unmatched left rows");
    assert.ok(plain.length > nulls.length, "and matched ones");
    assert.equal(sum(by("windowed")), plain.length);
    assert.equal(by("unmatched").length, nulls.length);
    assert.ok(by("graced_plain").length > 0);
    assert.equal(sum(by("graced")), by("graced_plain").length);
  });
}
