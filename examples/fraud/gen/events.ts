// Fraud example, generator: the records of the four topics (shapes fixed by
// dsl/lib/fraud/streams.vigil) and the log that collects them with sequential ids.
import type { Card, Customer, Merchant } from "./world.ts";
import { pad } from "./world.ts";

export interface Payment {
  readonly payment_id: string;
  readonly card_id: string;
  readonly customer_id: string;
  readonly amount: number;
  readonly currency: string;
  readonly country: string;
  readonly merchant: string;
  readonly merchant_category: string;
  readonly lat: number;
  readonly lon: number;
  readonly device_id: string | null;
  readonly ts: number;
}

export type ActivityKind = "login" | "login_failed" | "password_reset" | "transfer" | "cashout";

/** Optional fields are left out when they do not apply (the schema's defaults fill them). */
export interface Activity {
  readonly event_id: string;
  readonly customer_id: string;
  readonly kind: ActivityKind;
  readonly device_id?: string;
  readonly country?: string;
  readonly new_device?: boolean;
  readonly amount?: number;
  readonly account?: string;
  readonly beneficiary_account?: string;
  readonly ts: number;
}

/** A payment before it gets its id. */
export type PaymentDraft = Omit<Payment, "payment_id">;
export type ActivityDraft = Omit<Activity, "event_id">;

/** Collects generated records; ids are sequential in creation order, so they are stable per seed. */
export class EventLog {
  readonly payments: Payment[] = [];
  readonly activity: Activity[] = [];

  pay(draft: PaymentDraft): Payment {
    const p = { payment_id: `P${pad(this.payments.length + 1, 8)}`, ...draft };
    this.payments.push(p);
    return p;
  }

  act(draft: ActivityDraft): Activity {
    const a = { event_id: `E${pad(this.activity.length + 1, 8)}`, ...draft };
    this.activity.push(a);
    return a;
  }
}

/** A payment at `merchant` with `card`; online payments are located at the paying device (home). */
export function paymentAt(
  cust: Customer,
  card: Card,
  merchant: Merchant,
  amount: number,
  ts: number,
  where: { lat: number; lon: number; device: string | null },
): PaymentDraft {
  return {
    card_id: card.id,
    customer_id: cust.id,
    amount,
    currency: merchant.country.currency,
    country: merchant.online ? cust.country.code : merchant.country.code,
    merchant: merchant.id,
    merchant_category: merchant.category,
    lat: where.lat,
    lon: where.lon,
    device_id: where.device,
    ts,
  };
}
