// Fraud example, generator: what every fraud scenario shares: the label it leaves, the context it
// draws from (world, log, victims already used, cards to block), and the thresholds of the rules in
// dsl/lib/fraud (their params' defaults) that the scenarios are shaped to cross.
import type { EventLog } from "./events.ts";
import type { BlockedCards, Trip } from "./legit.ts";
import type { Rng } from "./prng.ts";
import type { Card, Customer, World } from "./world.ts";
import { DAY_MS, HOUR_MS } from "./world.ts";

/** The eleven rules of dsl/lib/fraud, which are also the scenario names. */
export const RULE_NAMES = [
  "velocity_1h",
  "velocity_24h",
  "amount_spike",
  "card_testing",
  "impossible_travel",
  "account_takeover",
  "device_many_cards",
  "mule_chain",
  "failed_logins_new_country",
  "dormant_card_burst",
  "structuring",
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** One injected incident: the rule that should catch it, the key that rule uses, its time span and events. */
export interface Label {
  readonly scenario: RuleName;
  /** card_id, customer_id, device_id or account: what the rule is keyed by. */
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly event_ids: readonly string[];
  /** Present (true) on evasive incidents, shaped to stay under the rule's threshold. */
  readonly evasive?: true;
}

/** The params of dsl/lib/fraud/*.vigil (their defaults) that the scenarios must cross. */
export const THRESHOLDS = {
  velocity1hMaxCount: 10,
  velocity24hMaxCount: 40,
  spikeFactor: 5,
  spikeMinAmount: 200,
  cardTestingSmall: 2,
  cardTestingMinSmall: 3,
  cardTestingBig: 500,
  travelMaxKmh: 900,
  travelMinKm: 300,
  atoMinTransfer: 1000,
  deviceMaxCards: 3,
  muleMinAmount: 500,
  muleTolerance: 0.1,
  failedLoginsMin: 3,
  dormantAfterMs: 90 * DAY_MS,
  dormantBurstCount: 3,
  structuringThreshold: 10_000,
  structuringMargin: 0.1,
  structuringMinCount: 3,
} as const;

export interface ScenarioCtx {
  readonly rng: Rng;
  readonly world: World;
  readonly log: EventLog;
  readonly trips: ReadonlyMap<string, Trip>;
  readonly blocked: BlockedCards;
  /** Customers already involved in an incident (each customer is a victim at most once). */
  readonly used: Set<string>;
  readonly labels: Label[];
  /** Counter for fraudster devices and accounts. */
  seq: number;
  /**
   * True for an evasive incident: the fraudster stays just under the rule's threshold, so the rule
   * misses it (it is still labelled: recall below 100% is the honest result).
   */
  subtle: boolean;
}

/** A scenario: injects one incident starting near `at`; false when no suitable victim is left. */
export type Scenario = (ctx: ScenarioCtx, at: number) => boolean;

/** A random unused, non-travelling customer satisfying `ok`, marked used; null when none is found. */
export function pickVictim(ctx: ScenarioCtx, ok: (c: Customer) => boolean = () => true): Customer | null {
  const all = ctx.world.customers;
  for (let tries = 0; tries < 200; tries++) {
    const c = all[ctx.rng.int(0, all.length - 1)]!;
    if (ctx.used.has(c.id) || ctx.trips.has(c.id) || !ok(c)) continue;
    ctx.used.add(c.id);
    return c;
  }
  return null;
}

export function activeCard(c: Customer): Card {
  return c.cards.find((k) => !k.dormant)!;
}

/** Blocks legitimate use of a card around an incident (the bank stops the card after the fraud). */
export function block(ctx: ScenarioCtx, cardId: string, from: number, to: number): void {
  const list = ctx.blocked.get(cardId) ?? [];
  list.push([from, to]);
  ctx.blocked.set(cardId, list);
}

export function label(
  ctx: ScenarioCtx,
  scenario: RuleName,
  key: string,
  events: readonly { ts: number; id: string }[],
): void {
  const times = events.map((e) => e.ts);
  ctx.labels.push({
    scenario,
    key,
    start: Math.min(...times),
    end: Math.max(...times),
    event_ids: events.map((e) => e.id),
    ...(ctx.subtle ? { evasive: true as const } : {}),
  });
}

export function fraudDevice(ctx: ScenarioCtx): string {
  return `F${String(++ctx.seq).padStart(5, "0")}`;
}

export function fraudAccount(ctx: ScenarioCtx): string {
  return `XF${String(++ctx.seq).padStart(5, "0")}`;
}

/** `n` increasing times spread over [from, from + span), at least `gap` ms apart. */
export function spread(ctx: ScenarioCtx, from: number, span: number, n: number, gap = 1000): number[] {
  const times = Array.from({ length: n }, () => from + Math.floor(ctx.rng.uniform(0, span))).sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < times.length; i++) times[i] = Math.max(times[i]!, times[i - 1]! + gap);
  return times;
}

export const H = HOUR_MS;
