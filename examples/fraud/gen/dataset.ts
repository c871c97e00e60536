// Fraud example, generator: the whole dataset from options: population, fraud incidents (labels),
// legitimate traffic around them, and the file contents. Same options, same bytes.
import { type Activity, EventLog, type Payment } from "./events.ts";
import { incidentsPerScenario, injectAll } from "./inject.ts";
import { generateLegit, type Lookalike, planTrips } from "./legit.ts";
import { arrivalOrder, jsonl, withBrokenLines } from "./output.ts";
import { Rng } from "./prng.ts";
import type { Label, RuleName } from "./scenario-kit.ts";
import { secondaryLabels } from "./secondary.ts";
import { buildWorld, type World } from "./world.ts";

export interface GenerateOptions {
  readonly seed: number;
  readonly customers: number;
  readonly days: number;
  /** First simulated day, epoch ms (UTC midnight). */
  readonly start: number;
  /** Incidents of each scenario per 1,000 customer-days (at least one each). */
  readonly fraudRate: number;
  /** Broken lines added to each of payments and activity (dead-letter demo). */
  readonly brokenLines: number;
  /** Share of incidents that are evasive (just under the rule's threshold: labelled, not caught). */
  readonly evasiveShare: number;
  /** Legitimate look-alikes per 1,000 customer-days (a big purchase, a traveller's failed logins). */
  readonly lookalikeRate: number;
}

export const DEFAULT_OPTIONS: GenerateOptions = {
  seed: 7,
  customers: 2000,
  days: 7,
  start: Date.UTC(2026, 2, 2),
  fraudRate: 0.6,
  brokenLines: 4,
  evasiveShare: 0.1,
  lookalikeRate: 0.6,
};

export interface Dataset {
  readonly options: GenerateOptions;
  readonly world: World;
  /** In arrival (file) order. */
  readonly payments: readonly Payment[];
  readonly activity: readonly Activity[];
  /** Injected incidents first (sorted by start), then the secondary labels. */
  readonly labels: readonly Label[];
  readonly injected: Readonly<Record<RuleName, number>>;
  /** Legitimate look-alikes (unlabelled on purpose: the rules' honest false positives). */
  readonly lookalikes: readonly Lookalike[];
}

/** Generates the dataset (in memory). */
export function generateDataset(options: GenerateOptions = DEFAULT_OPTIONS): Dataset {
  const rng = new Rng(options.seed);
  const world = buildWorld(rng.fork("world"), options.customers, options.days, options.start);
  const trips = planTrips(rng.fork("trips"), world);
  const log = new EventLog();
  const labels: Label[] = [];
  const blocked = new Map<string, [number, number][]>();
  const ctx = {
    rng: rng.fork("fraud"),
    world,
    log,
    trips,
    blocked,
    used: new Set<string>(),
    labels,
    seq: 0,
    subtle: false,
  };
  const count = incidentsPerScenario(options.customers, options.days, options.fraudRate);
  const injected = injectAll(ctx, rng.fork("fraud"), count, options.evasiveShare);
  const lookalikes: Lookalike[] = [];
  generateLegit(rng.fork("legit"), world, trips, blocked, log, {
    rate: options.lookalikeRate,
    out: lookalikes,
  });
  const payments = arrivalOrder(rng.fork("arrival:payments"), log.payments);
  const activity = arrivalOrder(rng.fork("arrival:activity"), log.activity);
  const primary = [...labels].sort(byStart);
  const secondary = secondaryLabels(world, log.payments, primary).sort(byStart);
  return { options, world, payments, activity, labels: [...primary, ...secondary], injected, lookalikes };
}

function byStart(a: Label, b: Label): number {
  return a.start - b.start || (a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : 0);
}

/** File name -> contents: one JSONL file per stream and table, the labels, and a manifest. */
export function datasetFiles(ds: Dataset): Map<string, string> {
  const rng = new Rng(ds.options.seed).fork("broken");
  const brokenPayments = withBrokenLines(rng, lines(ds.payments), ds.options.brokenLines, "amount");
  const brokenActivity = withBrokenLines(rng, lines(ds.activity), ds.options.brokenLines, "kind");
  const cards = ds.world.customers.flatMap((c) =>
    c.cards.map((k) => ({
      card_id: k.id,
      customer_id: c.id,
      home_country: c.country.code,
      opened: k.opened,
      avg_amount_30d: k.avgAmount30d,
      last_used: k.lastUsed,
    })),
  );
  const customers = ds.world.customers.map((c) => ({
    customer_id: c.id,
    home_country: c.country.code,
    segment: c.segment,
  }));
  return new Map([
    ["payments.jsonl", `${brokenPayments.join("\n")}\n`],
    ["activity.jsonl", `${brokenActivity.join("\n")}\n`],
    ["cards.jsonl", jsonl(cards)],
    ["customers.jsonl", jsonl(customers)],
    ["labels.jsonl", jsonl(ds.labels)],
    ["manifest.json", `${JSON.stringify(manifest(ds), null, 2)}\n`],
  ]);
}

function lines(records: readonly unknown[]): string[] {
  return records.map((r) => JSON.stringify(r));
}

function manifest(ds: Dataset): unknown {
  return {
    generator: "examples/fraud/generate.ts",
    options: ds.options,
    counts: {
      customers: ds.world.customers.length,
      cards: ds.world.customers.reduce((n, c) => n + c.cards.length, 0),
      payments: ds.payments.length,
      activity: ds.activity.length,
      labels: ds.labels.length,
    },
    injected: ds.injected,
    evasive: ds.labels.filter((l) => l.evasive === true).length,
    lookalikes: countKinds(ds.lookalikes),
  };
}

function countKinds(items: readonly Lookalike[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i.kind] = (out[i.kind] ?? 0) + 1;
  return out;
}
