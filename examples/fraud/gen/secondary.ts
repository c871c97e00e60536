// Fraud example, generator: secondary labels. An injected payment can honestly be caught by a second
// rule too (card testing's big charge is also an amount spike; a fraudster's payment far from the
// card's previous one is impossible travel). Those are labelled as well, so precision stays honest.
import type { Payment } from "./events.ts";
import { distanceKm } from "./geo.ts";
import { H, type Label, THRESHOLDS } from "./scenario-kit.ts";
import type { World } from "./world.ts";

const TRAVEL_WITHIN_MS = 12 * H;

/** Labels for rules other than an incident's own that its payments cross; sorted, no duplicates. */
export function secondaryLabels(
  world: World,
  payments: readonly Payment[],
  labels: readonly Label[],
): Label[] {
  const avg = new Map(world.customers.flatMap((c) => c.cards.map((k) => [k.id, k.avgAmount30d] as const)));
  const byCard = new Map<string, Payment[]>();
  for (const p of payments) {
    const list = byCard.get(p.card_id) ?? [];
    list.push(p);
    byCard.set(p.card_id, list);
  }
  for (const list of byCard.values())
    list.sort((a, b) => a.ts - b.ts || (a.payment_id < b.payment_id ? -1 : 1));
  const byId = new Map(payments.map((p) => [p.payment_id, p]));
  const out = new Map<string, Label>();
  for (const l of labels) {
    for (const id of l.event_ids) {
      const p = byId.get(id);
      if (p === undefined) continue;
      if (l.scenario !== "amount_spike" && isSpike(p, avg.get(p.card_id))) {
        add(out, { scenario: "amount_spike", key: p.card_id, start: p.ts, end: p.ts, event_ids: [id] });
      }
      if (l.scenario !== "impossible_travel") {
        const list = byCard.get(p.card_id)!;
        const i = list.indexOf(p);
        for (const [a, b] of [
          [list[i - 1], p],
          [p, list[i + 1]],
        ] as const) {
          if (a !== undefined && b !== undefined && isImpossibleTravel(a, b)) {
            add(out, {
              scenario: "impossible_travel",
              key: p.card_id,
              start: a.ts,
              end: b.ts,
              event_ids: [a.payment_id, b.payment_id],
            });
          }
        }
      }
    }
  }
  return [...out.values()];
}

function add(out: Map<string, Label>, l: Label): void {
  out.set(`${l.scenario}/${l.event_ids.join(",")}`, l);
}

/** dsl/lib/fraud/amount_spike.vigil's condition. */
export function isSpike(p: Payment, avg: number | undefined): boolean {
  return (
    avg !== undefined &&
    avg > 0 &&
    p.amount > avg * THRESHOLDS.spikeFactor &&
    p.amount >= THRESHOLDS.spikeMinAmount
  );
}

/** dsl/lib/fraud/impossible_travel.vigil's condition for consecutive payments a, b on one card. */
export function isImpossibleTravel(a: Payment, b: Payment): boolean {
  if (!(b.ts > a.ts) || b.ts - a.ts > TRAVEL_WITHIN_MS) return false;
  const km = distanceKm(a.lat, a.lon, b.lat, b.lon);
  return km > THRESHOLDS.travelMinKm && km > THRESHOLDS.travelMaxKmh * ((b.ts - a.ts) / H);
}
