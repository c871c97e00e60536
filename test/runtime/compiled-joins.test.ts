// The compiled conformance program with a stream-stream join (right side re-keyed by the runtime)
// and table joins: the same output for any partition count and batch size.
import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import type { OutputRecord } from "../../src/core/record.ts";
import type { Row } from "../../src/core/value.ts";
import { compileProgram } from "../../src/plan/compile.ts";
import { runEmbedded } from "../../src/runtime/embedded-runner.ts";
import { rng } from "./support/plans.ts";

const FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../dsl/conformance/check/valid/joins.vigil",
);
const strip = (outs: readonly OutputRecord[]) => outs.map(({ evidence: _e, ...rest }) => rest);

function data(seed: number): Record<string, Row[]> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const payments: Row[] = [];
  const logins: Row[] = [];
  for (let i = 0; i < 300; i++) {
    const ts = 1_700_000_000_000 + i * 20_000 + Math.floor(r() * 9_000);
    const customer_id = `u${Math.floor(r() * 5)}`;
    const country = pick(["NL", "DE", "FR"]);
    if (r() < 0.5) {
      const card_id = `c${Math.floor(r() * 8)}`;
      payments.push({
        payment_id: `p${i}`,
        card_id,
        customer_id,
        amount: 10 + i,
        currency: "EUR",
        country,
        merchant: "m",
        lat: 1,
        lon: 2,
        geo: { city: "x" },
        ts,
      });
    } else {
      logins.push({ customer_id, device_id: "d", country, ok: r() < 0.7, ts });
    }
  }
  return {
    payments,
    logins,
    customers: Array.from({ length: 5 }, (_, i) => ({
      customer_id: `u${i}`,
      segment: i % 2 ? "new" : "old",
    })),
    cards: Array.from({ length: 8 }, (_, i) => ({
      card_id: `c${i}`,
      customer_id: `u${i % 5}`,
      home_country: "NL",
      limit: 100 + i * 50,
      opened: 0,
    })),
  };
}

test("compiled joins (stream join with a re-keyed right side, table joins): same output for any partitioning", async () => {
  const compiled = compileProgram([FILE]);
  assert.ok(compiled.plan, JSON.stringify(compiled.diagnostics.slice(0, 2)));
  const plan = compiled.plan;
  const inputs = { records: data(3) };
  const ref = await runEmbedded({ plan, inputs, partitions: 1, batchSize: 1_000 });
  assert.ok((ref.stats.outputsByRule["login_then_pay"] ?? 0) > 20);
  assert.ok((ref.stats.outputsByRule["card_over_limit"] ?? 0) > 20);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 40 }),
      async (partitions, batchSize) => {
        const r = await runEmbedded({ plan, inputs, partitions, batchSize });
        assert.deepEqual(strip(r.canonical), strip(ref.canonical));
        assert.deepEqual(r.deadLetters, []);
      },
    ),
    { numRuns: 8 },
  );
});
