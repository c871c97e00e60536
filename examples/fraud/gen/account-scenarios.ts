// Fraud example, generator: the account-activity fraud scenarios (takeover, mules, credential
// stuffing, structuring), each shaped to cross its dsl/lib/fraud rule's thresholds (THRESHOLDS).
import type { Activity } from "./events.ts";
import { FAR_COUNTRIES, round } from "./geo.ts";
import {
  fraudAccount,
  fraudDevice,
  H,
  label,
  pickVictim,
  type Scenario,
  spread,
  THRESHOLDS,
} from "./scenario-kit.ts";
import { MINUTE_MS } from "./world.ts";

const ids = (as: readonly Activity[]): { ts: number; id: string }[] =>
  as.map((a) => ({ ts: a.ts, id: a.event_id }));

/** Password reset, a login from a new device, then a large transfer out, within 10-25 minutes. */
export const accountTakeover: Scenario = (ctx, at) => {
  const c = pickVictim(ctx);
  if (c === null) return false;
  const { rng, log } = ctx;
  const device = fraudDevice(ctx);
  const country = rng.chance(0.5) ? c.country.code : rng.pick(FAR_COUNTRIES).code;
  const base = { customer_id: c.id, device_id: device, country };
  const reset = log.act({ ...base, kind: "password_reset", ts: at });
  const login = log.act({ ...base, kind: "login", new_device: true, ts: at + rng.int(60, 360) * 1000 });
  const transfer = log.act({
    ...base,
    kind: "transfer",
    amount: round(rng.uniform(THRESHOLDS.atoMinTransfer * 1.5, 8500), 2),
    account: c.account,
    beneficiary_account: fraudAccount(ctx),
    ts: ctx.subtle ? at + rng.int(34, 50) * MINUTE_MS : login.ts + rng.int(2, 18) * MINUTE_MS,
  });
  label(ctx, "account_takeover", c.id, ids([reset, login, transfer]));
  return true;
};

/** A victim's transfer into a mule's account, cashed out (93-99.5% of it) 10-50 minutes later. */
export const muleChain: Scenario = (ctx, at) => {
  const sender = pickVictim(ctx);
  const mule = pickVictim(ctx);
  if (sender === null || mule === null) return false;
  const { rng, log } = ctx;
  const amount = round(rng.uniform(THRESHOLDS.muleMinAmount * 1.6, 4000), 2);
  const transfer = log.act({
    customer_id: sender.id,
    kind: "transfer",
    device_id: sender.devices[0]!,
    country: sender.country.code,
    amount,
    account: sender.account,
    beneficiary_account: mule.account,
    ts: at,
  });
  const cashout = log.act({
    customer_id: mule.id,
    kind: "cashout",
    country: mule.country.code,
    amount: Math.floor(amount * (ctx.subtle ? rng.uniform(0.6, 0.85) : rng.uniform(0.93, 0.995))),
    account: mule.account,
    ts: at + rng.int(10, 50) * MINUTE_MS,
  });
  label(ctx, "mule_chain", mule.account, ids([transfer, cashout]));
  return true;
};

/** 3-6 failed logins from abroad, then a successful one from the same country, within 10 minutes. */
export const failedLoginsNewCountry: Scenario = (ctx, at) => {
  const c = pickVictim(ctx);
  if (c === null) return false;
  const { rng, log } = ctx;
  const device = fraudDevice(ctx);
  const country = rng.pick(FAR_COUNTRIES.filter((x) => x.code !== c.country.code)).code;
  const min = THRESHOLDS.failedLoginsMin;
  const k = ctx.subtle ? min - 1 : rng.int(min, min + 3);
  const times = spread(ctx, at, rng.int(2, 6) * MINUTE_MS, k, 20_000);
  const base = { customer_id: c.id, device_id: device, country };
  const failures = times.map((t) => log.act({ ...base, kind: "login_failed", ts: t }));
  const success = log.act({
    ...base,
    kind: "login",
    new_device: true,
    ts: times[k - 1]! + rng.int(20, 180) * 1000,
  });
  label(ctx, "failed_logins_new_country", c.id, ids([...failures, success]));
  return true;
};

/** 3-5 transfers just under the reporting threshold (90.5-99.9% of it) within 2-18 hours. */
export const structuring: Scenario = (ctx, at) => {
  const c = pickVictim(ctx);
  if (c === null) return false;
  const { rng, log } = ctx;
  const limit = THRESHOLDS.structuringThreshold;
  const payees = [fraudAccount(ctx), fraudAccount(ctx)];
  const min = THRESHOLDS.structuringMinCount;
  const k = ctx.subtle ? min - 1 : rng.int(min, min + 2);
  const times = spread(ctx, at, rng.int(2, 18) * H, k, 10 * MINUTE_MS);
  const transfers = times.map((t) =>
    log.act({
      customer_id: c.id,
      kind: "transfer",
      device_id: c.devices[0]!,
      country: c.country.code,
      amount: round(rng.uniform(limit * (1 - THRESHOLDS.structuringMargin) + 50, limit - 10), 2),
      account: c.account,
      beneficiary_account: rng.pick(payees),
      ts: t,
    }),
  );
  label(ctx, "structuring", c.id, ids(transfers));
  return true;
};
