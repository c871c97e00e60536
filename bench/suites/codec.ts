// Benchmarks: Vigil's record codecs against the bare JSON calls, each call one batch of records,
// timed in interleaved rounds on CPU time (workloads/timing.ts interleaved: tinybench's wall-clock
// runs, one case after the other, gave impossible orderings at a load average of 10):
//   decode: a JSONL line -> Vigil's checked row (src/runtime/decode.ts decodeRecord: JSON.parse,
//     then every schema field checked and copied, defaults and nulls filled, timestamps read), and
//     the task's decode (src/runtime/task-input.ts decodeInput: the same plus the event time), vs
//     JSON.parse of the same lines; over the suites' payments (epoch-ms and ISO-8601 timestamps)
//     and the fraud demo's payments (12 fields);
//   encode: an output record -> the Kafka value and headers a worker sends (src/kafka/serdes.ts
//     serializeOutput: value JSON, vigil.rule / vigil.task headers, evidence as JSON) vs
//     JSON.stringify of the value; over real outputs of the tumbling window and stream-join rules.
// Before timing, the decoded rows are checked against JSON.parse's (every field, by checksum) and
// the encoded values and headers against the records they came from.
import { resolve } from "node:path";
import { DEFAULT_OPTIONS, datasetFiles, generateDataset } from "../../examples/fraud/gen/dataset.ts";
import type { OutputRecord } from "../../src/core/record.ts";
import type { RecordSchema } from "../../src/core/schema.ts";
import type { Row } from "../../src/core/value.ts";
import { HEADERS, serializeOutput } from "../../src/kafka/serdes.ts";
import type { StreamDecl } from "../../src/plan/plan.ts";
import { decodeRecord } from "../../src/runtime/decode.ts";
import type { InputRecord } from "../../src/runtime/task-api.ts";
import { decodeInput, type TopicFormat } from "../../src/runtime/task-input.ts";
import { streamJoinData } from "./joins.ts";
import type { BenchRow } from "./measure.ts";
import { Checksum, expectSame } from "./workloads/checksum.ts";
import { generatePayments } from "./workloads/payments.ts";
import { compileOrThrow, inputRecords, runTask } from "./workloads/task-driver.ts";
import { interleaved, type ShortCase, timedRows } from "./workloads/timing.ts";

const WORKLOADS = resolve(import.meta.dirname, "workloads");
const ROOT = resolve(import.meta.dirname, "../..");
/** Records per timed call. */
const BATCH = 10_000;
/** Interleaved rounds per suite. */
const ROUNDS = 15;

function streamDecl(file: string, name: string): StreamDecl {
  const decl = compileOrThrow([file]).streams.find((s) => s.name === name);
  if (decl === undefined) throw new Error(`${file} declares no stream ${name}`);
  return decl;
}

/** What JSON.parse gives, as Vigil's decoder should give it: schema fields in order, absent -> null, ISO -> epoch ms. */
function expectedRow(parsed: Record<string, unknown>, schema: RecordSchema): Row {
  const row: Record<string, unknown> = {};
  for (const f of schema.fields) {
    const v = parsed[f.name];
    row[f.name] =
      v === undefined ? null : f.type.kind === "timestamp" && typeof v === "string" ? Date.parse(v) : v;
  }
  return row as Row;
}

function checkDecode(what: string, lines: readonly string[], schema: RecordSchema): void {
  const engine = new Checksum();
  const baseline = new Checksum();
  for (const line of lines) {
    const r = decodeRecord(line, schema);
    if (!r.ok) throw new Error(`${what}: Vigil rejects a valid line (${r.message}): ${line}`);
    engine.add(JSON.stringify(r.row));
    baseline.add(JSON.stringify(expectedRow(JSON.parse(line) as Record<string, unknown>, schema)));
  }
  expectSame(`codec, decode ${what}`, engine, baseline);
}

function decodeSuite(what: string, lines: readonly string[], decl: StreamDecl): BenchRow[] {
  checkDecode(what, lines, decl.schema);
  const schema = decl.schema;
  const format: TopicFormat = { kind: "stream", decl };
  const inputs: InputRecord[] = lines.map((value, offset) => ({
    topic: decl.topic,
    partition: 0,
    offset,
    key: null,
    value,
    timestamp: 0,
  }));
  const bytes = lines.reduce((n, l) => n + l.length, 0) / lines.length;
  let sink = 0;
  const n = lines.length;
  const [baseline, ...cases] = interleaved(
    [
      {
        name: "JSON.parse",
        units: n,
        fn: () => {
          for (const l of lines) if (JSON.parse(l) !== null) sink++;
        },
      },
      {
        name: "decodeRecord (JSON.parse + schema check)",
        units: n,
        fn: () => {
          for (const l of lines) if (decodeRecord(l, schema).ok) sink++;
        },
      },
      {
        name: "decodeInput (the task's decode: + event time)",
        units: n,
        fn: () => {
          for (const r of inputs) sink += decodeInput(r, format).eventTime;
        },
      },
    ] satisfies ShortCase[],
    ROUNDS,
  );
  if (sink === 0 || baseline === undefined) throw new Error("codec: nothing decoded");
  return timedRows(
    `Codec: decode, ${what} (${n.toLocaleString("en-US")} lines of ${Math.round(bytes)} B a call)`,
    "records/CPU-s",
    baseline,
    cases,
  );
}

function checkEncode(what: string, outputs: readonly OutputRecord[]): void {
  const engine = new Checksum();
  const baseline = new Checksum();
  for (const o of outputs) {
    const w = serializeOutput(o, 0, "0_0");
    engine.add(w.value, w.key, w.headers?.[HEADERS.rule] ?? null, w.headers?.[HEADERS.evidence] ?? null);
    baseline.add(JSON.stringify(o.value), o.key, o.rule, o.evidence ? JSON.stringify(o.evidence) : null);
  }
  expectSame(`codec, encode ${what}`, engine, baseline);
}

function encodeSuite(what: string, outputs: readonly OutputRecord[]): BenchRow[] {
  if (outputs.length === 0) throw new Error(`codec: no ${what} outputs to encode`);
  checkEncode(what, outputs);
  let sink = 0;
  const n = outputs.length;
  const [baseline, ...cases] = interleaved(
    [
      {
        name: "JSON.stringify(value)",
        units: n,
        fn: () => {
          for (const o of outputs) sink += JSON.stringify(o.value).length;
        },
      },
      {
        name: "serializeOutput (value + rule, task, evidence headers)",
        units: n,
        fn: () => {
          for (const o of outputs) sink += serializeOutput(o, 0, "0_0").value?.length ?? 0;
        },
      },
    ] satisfies ShortCase[],
    ROUNDS,
  );
  if (sink === 0 || baseline === undefined) throw new Error("codec: nothing encoded");
  return timedRows(
    `Codec: encode, ${what} (${n.toLocaleString("en-US")} output records a call)`,
    "records/CPU-s",
    baseline,
    cases,
  );
}

/** Runs the suite: three decode inputs, two encode inputs. */
export async function codec(): Promise<BenchRow[]> {
  const payments = streamDecl(resolve(WORKLOADS, "payments.vigil"), "payments");
  const generated = generatePayments({ events: BATCH, cards: 1000, seed: 4, maxStepMs: 2 });
  const epoch = generated.map((p) => JSON.stringify(p));
  const iso = generated.map((p) => JSON.stringify({ ...p, ts: new Date(p.ts).toISOString() }));
  const fraudDecl = streamDecl(resolve(ROOT, "dsl/lib/fraud/streams.vigil"), "payments");
  const fraudText = datasetFiles(generateDataset(DEFAULT_OPTIONS)).get("payments.jsonl") ?? "";
  const fraud = fraudText
    .split("\n")
    .filter((l) => l.trim() !== "" && decodeRecord(l, fraudDecl.schema).ok)
    .slice(0, BATCH);

  const tumbling = compileOrThrow([resolve(WORKLOADS, "tumbling.vigil")]);
  const ps = generatePayments({ events: 5 * BATCH, cards: BATCH, seed: 5, maxStepMs: 2 });
  const windows = await runTask(
    tumbling,
    new Map([
      [
        "payments",
        inputRecords(
          "payments",
          ps.map((p) => JSON.stringify(p)),
          ps.map((p) => p.card_id),
          ps.map((p) => p.ts),
        ),
      ],
    ]),
  );
  const join = await runTask(
    compileOrThrow([resolve(WORKLOADS, "stream-join.vigil")]),
    streamJoinData(2 * BATCH, 100).inputs,
  );

  return [
    ...decodeSuite("suite payments, 6 fields, epoch-ms ts", epoch, payments),
    ...decodeSuite("suite payments, 6 fields, ISO-8601 ts", iso, payments),
    ...decodeSuite("fraud demo payments, 12 fields", fraud, fraudDecl),
    ...encodeSuite("tumbling window results (range evidence)", windows.outputs.slice(0, BATCH)),
    ...encodeSuite("stream-join pairs (evidence: 2 input events)", join.outputs.slice(0, BATCH)),
  ];
}
