// Benchmarks: the card-testing pattern (CEP) side by side with Esper 9 (MATCH_RECOGNIZE and an EPL
// pattern) and Flink CEP's NFA, on one events file that every engine reads (bench/data/card-testing.ts
// writes it once under .cache/bench/). The Java peers (bench/baseline/cep/) are built here with
// Maven and each runs in its own JVM: cold = loop 1, warm = median of loops 3-5. Vigil runs in this
// process through one task (decode -> merge -> pattern operator -> sink, memory stores, commits every
// 10k records: workloads/task-driver.ts), cold = run 1, warm = median of the later runs. A
// hand-written matcher (JSON.parse + a per-card scan) runs too. Every run of every engine must find
// the same matches (count and a digest of the (small, big) payment-id pairs), or the bench fails;
// the one tolerated difference is Esper MATCH_RECOGNIZE pairing other payments with the same count,
// when a reference of its own resolution of overlaps (first completion wins) explains every pair.
//
// Rates are events per CPU-second of the process (all its threads: JIT and GC included), as the other
// timed suites report (workloads/timing.ts); wall times go to stderr beside them.
//   few live partial matches: 1M payments (VIGIL_BENCH_EVENTS), 10k cards, 1% small payments;
//   many live partial matches: a tenth of the events at ten times the rate, 30% small payments (every
//     small one opens a partial match that lives up to 10 minutes: some 15-20k live at a time).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  CARD_TESTING_DEFAULTS,
  type CardTestingOptions,
  ensureEventsFile,
  optionsTag,
} from "../data/card-testing.ts";
import type { BenchRow } from "./measure.ts";
import { benchEvents } from "./workloads/payments.ts";
import { compileOrThrow, inputRecords, runTask, type TaskRun } from "./workloads/task-driver.ts";
import { benchRuns, coldWarm, type Timing, timedRows, warmOnly } from "./workloads/timing.ts";

const REPO = resolve(import.meta.dirname, "../..");
const CACHE = join(REPO, ".cache");
const JAVA_PROJECT = join(REPO, "bench/baseline/cep");
const JAR = join(JAVA_PROJECT, "target/cep-bench.jar");
const RULES = join(REPO, "bench/cep/card-testing.vigil");
const WITHIN_MS = 10 * 60_000;
const UNIT = "events/CPU-s";

/** The matches of a run, as every engine reports them: how many, and a digest of the pairs. */
interface Found {
  readonly matches: number;
  readonly digest: string;
}

/** A hand-written matcher's result: the pairs themselves, and how many partial matches were live. */
interface Reference extends Found {
  readonly pairs: readonly string[];
  /** Open small payments (live partial matches) over all cards, averaged over the events, and at most. */
  readonly liveMean: number;
  readonly liveMax: number;
}

/** SHA-256 of the sorted "smallId>bigId" lines, 16 hex digits (the Java side computes the same). */
function digestOf(pairs: string[]): Found & { pairs: string[] } {
  pairs.sort();
  const digest = createHash("sha256").update(pairs.join("\n")).digest("hex").slice(0, 16);
  return { matches: pairs.length, digest, pairs };
}

const same = (a: Found, b: Found): boolean => a.matches === b.matches && a.digest === b.digest;

function expectFound(what: string, got: Found, expected: Found): void {
  if (!same(got, expected))
    throw new Error(
      `card-testing pattern: ${what} found ${got.matches} matches (digest ${got.digest}), ` +
        `but the hand-written matcher (the pattern's definition, docs/patterns.md) found ${expected.matches} (digest ${expected.digest}): the engines disagree`,
    );
}

// --- the hand-written matcher -------------------------------------------------------------------

interface Open {
  readonly seq: number;
  readonly ts: number;
  readonly id: string;
  readonly merchant: string;
  /** The first later big payment at another merchant within 10 minutes, once seen. */
  end: { readonly seq: number; readonly id: string } | null;
}

/**
 * How overlapping candidates are resolved under skip past last:
 * - `earliest-start`: the definition (docs/patterns.md, as in SQL:2016 and Flink CEP): the candidate
 *   that starts first wins; a candidate that completed is held while an earlier small payment can
 *   still complete;
 * - `first-completion`: what Esper's MATCH_RECOGNIZE does when streaming: the first candidate to
 *   complete wins (the earliest start among those completing on the same event), and every partial
 *   match that started before its end is dropped, earlier-starting ones included.
 */
export type Policy = "earliest-start" | "first-completion";

/**
 * The pattern as a loop over the JSON lines: each small payment's candidate ends at the first later
 * big payment at another merchant less than 10 minutes after it (relaxed contiguity: skip till next
 * match); `policy` resolves overlapping candidates.
 */
export function handWrittenMatcher(lines: readonly string[], policy: Policy): Reference {
  const cards = new Map<string, Open[]>();
  const pairs: string[] = [];
  let live = 0;
  let liveSum = 0;
  let liveMax = 0;
  /** Emits held candidates that no earlier small payment can pre-empt any more; drops expired ones. */
  const release = (open: Open[], now: number): Open[] => {
    for (;;) {
      const first = open[0];
      if (first === undefined) return open;
      if (first.end !== null) {
        pairs.push(`${first.id}>${first.end.id}`);
        const cursor = first.end.seq;
        const kept = open.filter((o) => o.seq > cursor);
        live -= open.length - kept.length;
        open = kept;
      } else if (now - first.ts >= WITHIN_MS) {
        open.shift();
        live--;
      } else return open;
    }
  };
  for (let seq = 0; seq < lines.length; seq++) {
    const p = JSON.parse(lines[seq] as string) as {
      payment_id: string;
      card_id: string;
      amount: number;
      merchant: string;
      ts: number;
    };
    let open = cards.get(p.card_id);
    if (open !== undefined) {
      open = release(open, p.ts);
      if (p.amount > 500) {
        if (policy === "earliest-start") {
          for (const o of open)
            if (o.end === null && o.merchant !== p.merchant) o.end = { seq, id: p.payment_id };
          open = release(open, p.ts);
        } else {
          const winner = open.find((o) => o.merchant !== p.merchant);
          if (winner !== undefined) {
            pairs.push(`${winner.id}>${p.payment_id}`);
            live -= open.length;
            open = [];
          }
        }
      }
    }
    if (p.amount < 2) {
      open ??= [];
      open.push({ seq, ts: p.ts, id: p.payment_id, merchant: p.merchant, end: null });
      live++;
    }
    if (open === undefined || open.length === 0) cards.delete(p.card_id);
    else cards.set(p.card_id, open);
    liveSum += live;
    if (live > liveMax) liveMax = live;
  }
  for (const open of cards.values()) release(open, Number.POSITIVE_INFINITY);
  return { ...digestOf(pairs), liveMean: liveSum / Math.max(1, lines.length), liveMax };
}

// --- the Java peers -----------------------------------------------------------------------------

const JAVA_ENGINES = [
  { mode: "esper-mr", label: "Esper 9 MATCH_RECOGNIZE" },
  { mode: "esper-epl", label: "Esper 9 EPL pattern (every) + skip-past-last selection" },
  { mode: "flink-nfa", label: "Flink CEP 2.3 NFA per key" },
] as const;

interface JavaLoop {
  readonly engine: string;
  readonly loop: number;
  readonly events: number;
  readonly matches: number;
  readonly candidates: number | null;
  readonly wall_s: number;
  readonly cpu_s: number;
  readonly digest: string;
}

function runs(cmd: string, args: readonly string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.error === undefined && r.status === 0;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    newest = Math.max(newest, s.isDirectory() ? newestSource(path) : s.mtimeMs);
  }
  return newest;
}

/**
 * Builds the Java peers (`mvn -q -B package`, Maven's repository under .cache/m2) unless the jar is
 * newer than the pom and every source. Returns false, after a loud message, when Java or Maven is
 * missing; a failed build throws.
 */
function buildJavaPeers(): boolean {
  if (!runs("java", ["-version"])) {
    console.error(
      "\n  !!! patterns: no `java` on PATH: SKIPPING the Esper and Flink CEP peers (Vigil is only checked against the hand-written matcher) !!!\n",
    );
    return false;
  }
  const sources = Math.max(
    statSync(join(JAVA_PROJECT, "pom.xml")).mtimeMs,
    newestSource(join(JAVA_PROJECT, "src")),
  );
  if (existsSync(JAR) && statSync(JAR).mtimeMs > sources) {
    console.error("  java peers: target/cep-bench.jar is up to date");
    return true;
  }
  if (!runs("mvn", ["-v"])) {
    console.error(
      "\n  !!! patterns: no `mvn` on PATH to build bench/baseline/cep: SKIPPING the Esper and Flink CEP peers !!!\n",
    );
    return false;
  }
  console.error("  java peers: mvn -q -B package (bench/baseline/cep)");
  const started = performance.now();
  const r = spawnSync("mvn", ["-q", "-B", "package", `-Dmaven.repo.local=${join(CACHE, "m2")}`], {
    cwd: JAVA_PROJECT,
    stdio: ["ignore", 2, 2],
  });
  if (r.error !== undefined || r.status !== 0)
    throw new Error(
      `patterns: building bench/baseline/cep failed (mvn exit ${r.status ?? r.error?.message})`,
    );
  console.error(`  java peers: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/** Runs one Java mode for `loops` loops in a fresh JVM; returns its per-loop lines. */
function runJava(mode: string, file: string, loops: number): JavaLoop[] {
  const r = spawnSync("java", ["-Xms2g", "-Xmx2g", "-jar", JAR, mode, file, String(loops)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", 2],
    maxBuffer: 1 << 20,
  });
  if (r.error !== undefined || r.status !== 0)
    throw new Error(`patterns: java ${mode} failed (exit ${r.status ?? r.error?.message})`);
  const out = r.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as JavaLoop);
  if (out.length !== loops)
    throw new Error(`patterns: java ${mode} printed ${out.length} loops, not ${loops}`);
  return out;
}

function logLoops(name: string, loops: readonly JavaLoop[]): void {
  const each = loops.map((l) => `${(l.cpu_s * 1000).toFixed(0)} (${(l.wall_s * 1000).toFixed(0)})`);
  console.error(`  ${name}: CPU (wall) ms ${each.join(", ")}`);
}

/**
 * Esper's MATCH_RECOGNIZE resolves overlapping candidates by first completion, not earliest start
 * (see Policy). When its matches differ from the definition's, they must be exactly those of the
 * first-completion reference with the same count: then the bench goes on (loudly: the row's label
 * says how many pairs differ); a different count, or any other difference, fails the run.
 */
function esperMrDifference(lines: readonly string[], got: Found, want: Reference, label: string): string {
  const esperLike = handWrittenMatcher(lines, "first-completion");
  const explained = same(got, esperLike);
  if (!explained || got.matches !== want.matches)
    throw new Error(
      `card-testing pattern: Esper MATCH_RECOGNIZE found ${got.matches} matches (digest ${got.digest}), ` +
        `the hand-written matcher (the pattern's definition) ${want.matches} (digest ${want.digest}); ` +
        (explained
          ? "Esper's are exactly the first-completion reference's (Esper emits a match as soon as it completes and drops earlier-starting partial matches): a known difference in semantics, but the counts must agree"
          : `a first-completion reference finds ${esperLike.matches} (digest ${esperLike.digest}): unexplained, the engines disagree`),
    );
  const mine = new Set(want.pairs);
  const differ = esperLike.pairs.filter((p) => !mine.has(p)).length;
  console.error(
    `\n  !!! Esper MATCH_RECOGNIZE: the same ${got.matches} matches in number, but ${differ} of them pair other payments:` +
      " Esper emits a match as soon as it completes and drops the partial matches that started earlier" +
      " (Vigil, Flink CEP and SQL:2016 let the earliest start win); checked against a first-completion reference !!!\n",
  );
  return `${label} [${differ} of ${got.matches} pairs differ: first completion wins]`;
}

// --- one variant --------------------------------------------------------------------------------

interface Variant {
  readonly name: string;
  readonly options: CardTestingOptions;
}

async function runVariant(
  variant: Variant,
  java: boolean,
  vigilRuns: number,
  javaLoops: number,
): Promise<BenchRow[]> {
  const opts = variant.options;
  const file = join(CACHE, "bench", `card-testing-${opts.events}-${optionsTag(opts)}.jsonl`);
  const started = performance.now();
  const { events } = ensureEventsFile(file, opts);
  const lines = readFileSync(file, "utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines.length !== events) throw new Error(`patterns: ${file} has ${lines.length} lines, not ${events}`);
  console.error(
    `  ${variant.name}: ${events.toLocaleString("en-US")} payments, ${opts.cards.toLocaleString("en-US")} cards, ` +
      `${opts.smallShare * 100}% small: ${file} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );

  // The hand-written matcher gives the expected matches; every engine is checked against it.
  let expected: Reference | null = null;
  const handWritten = await warmOnly(
    "hand-written matcher: JSON.parse + per-card scan (TypeScript)",
    events,
    3,
    () => handWrittenMatcher(lines, "earliest-start"),
    (f) => {
      if (expected === null) expected = f;
      else expectFound("the hand-written matcher (a later run)", f, expected);
    },
  );
  const want = expected as Reference | null;
  if (want === null) throw new Error("patterns: the hand-written matcher did not run");
  console.error(
    `  ${variant.name}: ${want.matches} matches, digest ${want.digest}; live partial matches ` +
      `(open small payments, all cards): mean ${Math.round(want.liveMean)}, max ${want.liveMax}`,
  );

  // Java peers, each in its own JVM.
  const javaTimings: Timing[] = [];
  if (java) {
    const decode = runJava("decode", file, javaLoops);
    logLoops("Jackson decode only", decode);
    for (const e of JAVA_ENGINES) {
      const loops = runJava(e.mode, file, javaLoops);
      logLoops(e.label, loops);
      let label: string = e.label;
      let explained: Found | null = null;
      for (const l of loops) {
        if (l.events !== events)
          throw new Error(`patterns: ${e.mode} read ${l.events} events, not ${events}`);
        const got = { matches: l.matches, digest: l.digest };
        if (e.mode === "esper-mr" && !same(got, want) && !(explained !== null && same(got, explained))) {
          label = esperMrDifference(lines, got, want, e.label);
          explained = got;
        } else if (!(explained !== null && same(got, explained)))
          expectFound(`${e.label} (loop ${l.loop})`, got, want);
      }
      const candidates = loops[0]?.candidates;
      if (candidates !== null && candidates !== undefined)
        console.error(`  ${e.label}: ${candidates} overlapping candidates before the selection`);
      javaTimings.push(
        { name: `${label}, cold (loop 1)`, units: events, ms: [(loops[0]?.cpu_s ?? 0) * 1000] },
        {
          name: `${label}, warm (median of loops 3-${javaLoops})`,
          units: events,
          ms: loops.slice(2).map((l) => l.cpu_s * 1000),
        },
      );
    }
    javaTimings.push({
      name: `Jackson decode only, no engine (Java; median of loops 3-${javaLoops})`,
      units: events,
      ms: decode.slice(2).map((l) => l.cpu_s * 1000),
    });
  }

  // Vigil, in this process, over input records built before the timed code.
  const plan = compileOrThrow([RULES]);
  const parsed = lines.map((l) => JSON.parse(l) as { card_id: string; ts: number });
  const inputs = new Map([
    [
      "payments",
      inputRecords(
        "payments",
        lines,
        parsed.map((p) => p.card_id),
        parsed.map((p) => p.ts),
      ),
    ],
  ]);
  const vigilCheck = (r: TaskRun, run: number): void => {
    if (r.deadLetters.length > 0)
      throw new Error(
        `patterns: Vigil wrote ${r.deadLetters.length} dead letters (${r.deadLetters[0]?.message})`,
      );
    const pairs = r.outputs.map((o) => `${String(o.value["small_id"])}>${String(o.value["big_id"])}`);
    expectFound(`Vigil (run ${run + 1})`, digestOf(pairs), want);
  };
  const vigil = await coldWarm("Vigil, one task", events, vigilRuns, () => runTask(plan, inputs), vigilCheck);
  console.error(`  ${variant.name}: every engine found the same ${want.matches} matches`);

  const suite =
    `Patterns: card testing, ${variant.name} (${events.toLocaleString("en-US")} payments, ` +
    `${opts.cards.toLocaleString("en-US")} cards, ${want.matches} matches, ` +
    `${Math.round(want.liveMean).toLocaleString("en-US")} live partial matches on average)`;
  const [baseline, ...rest] = java
    ? [javaTimings[1]!, javaTimings[0]!, ...javaTimings.slice(2), handWritten, ...vigil]
    : [handWritten, ...vigil];
  return timedRows(suite, UNIT, baseline!, rest);
}

/** Runs both variants; the baseline of each is Esper's MATCH_RECOGNIZE, warm. */
export async function patterns(): Promise<BenchRow[]> {
  const events = benchEvents(1_000_000);
  const vigilRuns = benchRuns(4);
  const javaLoops = Math.max(5, vigilRuns);
  const java = buildJavaPeers();
  const variants: Variant[] = [
    { name: "few live partial matches", options: { ...CARD_TESTING_DEFAULTS, events } },
    {
      name: "many live partial matches",
      options: {
        ...CARD_TESTING_DEFAULTS,
        events: Math.max(1000, Math.round(events / 10)),
        smallShare: 0.3,
        meanGapMs: 8,
      },
    },
  ];
  const rows: BenchRow[] = [];
  for (const v of variants) rows.push(...(await runVariant(v, java, vigilRuns, javaLoops)));
  return rows;
}
