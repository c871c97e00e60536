// Nexmark benchmark: brute-force references. Each function computes, from the whole generated
// dataset at once, the rows its query file (queries/*.vigil) must emit: nested loops and whole
// groups, no streaming state, written from the query's text and the semantics documented in
// docs/windows-and-joins.md and docs/patterns.md, so they can be trusted to check Vigil with.
import type { Auction, Bid, NexmarkStreams, Person } from "./generate.ts";

export type OutRow = Record<string, unknown>;

const SECOND = 1000;
const Q3_STATES = new Set(["OR", "ID", "CA"]);

export function q0(s: NexmarkStreams): OutRow[] {
  return s.bids.map((b) => ({
    auction: b.auction,
    bidder: b.bidder,
    price: b.price,
    dateTime: b.dateTime,
    extra: b.extra,
  }));
}

export function q1(s: NexmarkStreams): OutRow[] {
  return s.bids.map((b) => ({
    auction: b.auction,
    bidder: b.bidder,
    price: 0.908 * b.price,
    dateTime: b.dateTime,
    extra: b.extra,
  }));
}

export function q2(s: NexmarkStreams): OutRow[] {
  return s.bids.filter((b) => b.auction % 123 === 0).map((b) => ({ auction: b.auction, price: b.price }));
}

/** Every (person, auction) pair with seller = id, at most 60 s apart, filtered. */
export function q3(s: NexmarkStreams): OutRow[] {
  const out: OutRow[] = [];
  for (const p of s.persons)
    for (const a of s.auctions)
      if (
        a.seller === p.id &&
        Math.abs(a.dateTime - p.dateTime) <= 60 * SECOND &&
        a.category === 10 &&
        Q3_STATES.has(p.state)
      )
        out.push({ name: p.name, city: p.city, state: p.state, id: a.id });
  return out;
}

/**
 * q3 as a temporal table join: every auction of category 10 with its seller as the persons table
 * holds it at the auction's time (registered at or before it; a table update at t comes before a
 * stream record at t).
 */
export function q3Table(s: NexmarkStreams): OutRow[] {
  const out: OutRow[] = [];
  for (const a of s.auctions)
    for (const p of s.persons)
      if (a.seller === p.id && p.dateTime <= a.dateTime && a.category === 10 && Q3_STATES.has(p.state))
        out.push({ name: p.name, city: p.city, state: p.state, id: a.id });
  return out;
}

/** Splits sorted times into sessions: runs whose consecutive times are less than `gap` apart. */
function sessions<T>(items: readonly T[], time: (t: T) => number, gap: number): T[][] {
  const sorted = [...items].sort((x, y) => time(x) - time(y));
  const out: T[][] = [];
  for (const item of sorted) {
    const last = out.at(-1);
    if (last !== undefined && time(item) - time(last.at(-1)!) < gap) last.push(item);
    else out.push([item]);
  }
  return out;
}

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const g = groups.get(key(item));
    if (g === undefined) groups.set(key(item), [item]);
    else g.push(item);
  }
  return groups;
}

/** Per auction: its bids at most 5 s from it and within [dateTime, expires], in 5 s-gap sessions: max price. */
export function q4(s: NexmarkStreams): OutRow[] {
  const bidsOf = groupBy(s.bids, (b) => b.auction);
  const out: OutRow[] = [];
  for (const a of s.auctions) {
    const joined = (bidsOf.get(a.id) ?? []).filter(
      (b) =>
        Math.abs(b.dateTime - a.dateTime) <= 5 * SECOND &&
        b.dateTime >= a.dateTime &&
        b.dateTime <= a.expires,
    );
    for (const session of sessions(joined, (b) => Math.max(b.dateTime, a.dateTime), 5 * SECOND))
      out.push({
        auction: a.id,
        category: a.category,
        final: Math.max(...session.map((b) => b.price)),
        bids: session.length,
      });
  }
  return out;
}

/** Bid count per auction and hopping window (10 s, every 2 s; epoch-aligned starts). */
export function q5(s: NexmarkStreams): OutRow[] {
  const counts = new Map<string, { auction: number; start: number; num: number }>();
  for (const b of s.bids) {
    const lastStart = Math.floor(b.dateTime / (2 * SECOND)) * 2 * SECOND;
    for (let start = lastStart; start > b.dateTime - 10 * SECOND; start -= 2 * SECOND) {
      const k = `${b.auction}/${start}`;
      const c = counts.get(k) ?? { auction: b.auction, start, num: 0 };
      c.num++;
      counts.set(k, c);
    }
  }
  return [...counts.values()].map((c) => ({
    auction: c.auction,
    num: c.num,
    starttime: c.start,
    endtime: c.start + 10 * SECOND,
  }));
}

/** Max price and bid count per 10 s tumbling window over all bids. */
export function q7(s: NexmarkStreams): OutRow[] {
  const windows = groupBy(s.bids, (b) => Math.floor(b.dateTime / (10 * SECOND)) * 10 * SECOND);
  return [...windows].map(([start, bids]) => ({
    maxprice: Math.max(...bids.map((b) => b.price)),
    bids: bids.length,
    window_start: start,
    dateTime: start + 10 * SECOND,
  }));
}

/** Persons who opened an auction in the tumbling 10 s window they registered in (one row each). */
export function q8(s: NexmarkStreams): OutRow[] {
  const win = (t: number) => Math.floor(t / (10 * SECOND)) * 10 * SECOND;
  const out: OutRow[] = [];
  for (const p of s.persons) {
    const same = s.auctions.filter(
      (a) =>
        a.seller === p.id &&
        Math.abs(a.dateTime - p.dateTime) <= 10 * SECOND &&
        win(a.dateTime) === win(p.dateTime),
    );
    if (same.length > 0) out.push({ id: p.id, name: p.name, stime: win(p.dateTime), auctions: same.length });
  }
  return out;
}

/** Bid count per bidder and session (10 s gap). */
export function q11(s: NexmarkStreams): OutRow[] {
  const out: OutRow[] = [];
  for (const [bidder, bids] of groupBy(s.bids, (b) => b.bidder))
    for (const session of sessions(bids, (b) => b.dateTime, 10 * SECOND))
      out.push({
        bidder,
        bid_count: session.length,
        starttime: session[0]!.dateTime,
        endtime: session.at(-1)!.dateTime + 10 * SECOND,
      });
  return out;
}

/**
 * The price-drop pattern, by its definition: per auction (bids in time order, ties in input order),
 * a match is a start bid, the strictly decreasing run right after it (at least 3 drops: a reluctant
 * loop can only stop where the run stops, since the next bid of a shorter prefix is another drop),
 * then a higher bid, all less than 10 s from the start. Skip past last: matches are taken by start,
 * each after the end of the previous one.
 */
export function priceDrops(s: NexmarkStreams): OutRow[] {
  const out: OutRow[] = [];
  for (const bids of groupBy(s.bids, (b) => b.auction).values()) {
    const seq = [...bids].sort((x, y) => x.dateTime - y.dateTime); // stable: ties keep input order
    for (let i = 0; i < seq.length; i++) {
      let j = i + 1;
      while (j < seq.length && seq[j]!.price < seq[j - 1]!.price) j++;
      const drops = j - i - 1;
      const rise = seq[j];
      if (drops < 3 || rise === undefined || rise.price <= seq[j - 1]!.price) continue;
      if (rise.dateTime - seq[i]!.dateTime >= 10 * SECOND) continue;
      out.push(priceDropRow(seq[i]!, seq[j - 1]!, rise, drops));
      i = j; // skip past last: the next match starts after the rise
    }
  }
  return out;
}

function priceDropRow(start: Bid, low: Bid, rise: Bid, drops: number): OutRow {
  return {
    auction: start.auction,
    drops,
    start_price: start.price,
    low: low.price,
    rise: rise.price,
    start_time: start.dateTime,
    at: rise.dateTime,
  };
}

/** True when bounding q3's join to 60 s and q4's to 5 s lost nothing, for this dataset (logged by the suite). */
export function boundsLoseNothing(s: NexmarkStreams): { q3: boolean; q4: boolean } {
  const personAt = new Map<number, Person>(s.persons.map((p) => [p.id, p]));
  const q3 = s.auctions.every((a: Auction) => {
    const p = personAt.get(a.seller);
    return p === undefined || Math.abs(p.dateTime - a.dateTime) <= 60 * SECOND;
  });
  const q4 = s.auctions.every((a) => a.expires - a.dateTime < 5 * SECOND);
  return { q3, q4 };
}
