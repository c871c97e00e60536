// Nexmark benchmark: the hand-written baselines. Each is what a programmer would write for one
// query without an engine: one pass over the JSONL lines in time order (JSON.parse per line, as
// Vigil decodes them), hash maps for state, state dropped once time has passed it, output rows
// built as Vigil's are. Timed beside Vigil; their rows are also checked against reference.ts.
import type { Auction, Bid, Person } from "./generate.ts";
import type { OutRow } from "./reference.ts";

/** Input lines by stream name. */
export interface StreamLines {
  readonly persons: readonly string[];
  readonly auctions: readonly string[];
  readonly bids: readonly string[];
}

const SECOND = 1000;
const Q3_STATES = new Set(["OR", "ID", "CA"]);

export function q0(l: StreamLines): OutRow[] {
  return l.bids.map((line) => {
    const b = JSON.parse(line) as Bid;
    return { auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra };
  });
}

export function q1(l: StreamLines): OutRow[] {
  return l.bids.map((line) => {
    const b = JSON.parse(line) as Bid;
    return {
      auction: b.auction,
      bidder: b.bidder,
      price: 0.908 * b.price,
      dateTime: b.dateTime,
      extra: b.extra,
    };
  });
}

export function q2(l: StreamLines): OutRow[] {
  const out: OutRow[] = [];
  for (const line of l.bids) {
    const b = JSON.parse(line) as Bid;
    if (b.auction % 123 === 0) out.push({ auction: b.auction, price: b.price });
  }
  return out;
}

/** Calls `left` / `right` with the parsed rows of two streams, merged by dateTime (left first on ties). */
function merge<L extends { dateTime: number }, R extends { dateTime: number }>(
  leftLines: readonly string[],
  rightLines: readonly string[],
  left: (row: L) => void,
  right: (row: R) => void,
): void {
  let i = 0;
  let j = 0;
  let l = i < leftLines.length ? (JSON.parse(leftLines[i]!) as L) : null;
  let r = j < rightLines.length ? (JSON.parse(rightLines[j]!) as R) : null;
  while (l !== null || r !== null) {
    if (l !== null && (r === null || l.dateTime <= r.dateTime)) {
      left(l);
      l = ++i < leftLines.length ? (JSON.parse(leftLines[i]!) as L) : null;
    } else if (r !== null) {
      right(r);
      r = ++j < rightLines.length ? (JSON.parse(rightLines[j]!) as R) : null;
    }
  }
}

/** A FIFO of (time, key) entries, for dropping state older than a bound. */
class Expiry<K> {
  private readonly times: number[] = [];
  private readonly keys: K[] = [];
  private head = 0;
  add(time: number, key: K): void {
    this.times.push(time);
    this.keys.push(key);
  }
  /** Calls `drop` for every entry older than `before`, oldest first. */
  expire(before: number, drop: (key: K, time: number) => void): void {
    while (this.head < this.times.length && this.times[this.head]! < before) {
      drop(this.keys[this.head]!, this.times[this.head]!);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.keys.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Symmetric hash join of filtered persons and auctions, each side kept for 60 s. */
export function q3(l: StreamLines): OutRow[] {
  const out: OutRow[] = [];
  const persons = new Map<number, Person>();
  const bySeller = new Map<number, Auction[]>();
  const personExpiry = new Expiry<number>();
  const auctionExpiry = new Expiry<number>();
  const expire = (now: number) => {
    personExpiry.expire(now - 60 * SECOND, (id) => persons.delete(id));
    auctionExpiry.expire(now - 60 * SECOND, (seller, t) => {
      const kept = (bySeller.get(seller) ?? []).filter((a) => a.dateTime > t);
      if (kept.length === 0) bySeller.delete(seller);
      else bySeller.set(seller, kept);
    });
  };
  const row = (p: Person, a: Auction) => ({ name: p.name, city: p.city, state: p.state, id: a.id });
  merge<Person, Auction>(
    l.persons,
    l.auctions,
    (p) => {
      expire(p.dateTime);
      if (!Q3_STATES.has(p.state)) return;
      persons.set(p.id, p);
      personExpiry.add(p.dateTime, p.id);
      for (const a of bySeller.get(p.id) ?? []) out.push(row(p, a));
    },
    (a) => {
      expire(a.dateTime);
      if (a.category !== 10) return;
      const list = bySeller.get(a.seller);
      if (list === undefined) bySeller.set(a.seller, [a]);
      else list.push(a);
      auctionExpiry.add(a.dateTime, a.seller);
      const p = persons.get(a.seller);
      if (p !== undefined) out.push(row(p, a));
    },
  );
  return out;
}

/** A persons map by id, then one pass over the auctions: a seller counts from its registration time on. */
export function q3Table(l: StreamLines): OutRow[] {
  const persons = new Map<number, Person>();
  for (const line of l.persons) {
    const p = JSON.parse(line) as Person;
    persons.set(p.id, p);
  }
  const out: OutRow[] = [];
  for (const line of l.auctions) {
    const a = JSON.parse(line) as Auction;
    const p = persons.get(a.seller);
    if (a.category === 10 && p !== undefined && p.dateTime <= a.dateTime && Q3_STATES.has(p.state))
      out.push({ name: p.name, city: p.city, state: p.state, id: a.id });
  }
  return out;
}

interface OpenAuction {
  readonly a: Auction;
  max: number;
  count: number;
}

/** Open auctions by id; a bid inside an open auction's lifetime raises its max; closed ones are emitted. */
export function q4(l: StreamLines): OutRow[] {
  const out: OutRow[] = [];
  const open = new Map<number, OpenAuction>();
  let closing: OpenAuction[] = []; // kept sorted by expires (about 200 open at a time)
  const close = (now: number) => {
    let n = 0;
    while (n < closing.length && closing[n]!.a.expires < now) n++;
    if (n === 0) return;
    for (const o of closing.slice(0, n)) {
      open.delete(o.a.id);
      if (o.count > 0) out.push({ auction: o.a.id, category: o.a.category, final: o.max, bids: o.count });
    }
    closing = closing.slice(n);
  };
  merge<Auction, Bid>(
    l.auctions,
    l.bids,
    (a) => {
      close(a.dateTime);
      const o = { a, max: 0, count: 0 };
      open.set(a.id, o);
      let at = closing.length;
      while (at > 0 && closing[at - 1]!.a.expires > a.expires) at--;
      closing.splice(at, 0, o);
    },
    (b) => {
      close(b.dateTime);
      const o = open.get(b.auction);
      if (o === undefined || b.dateTime < o.a.dateTime || b.dateTime > o.a.expires) return;
      if (b.dateTime - o.a.dateTime > 5 * SECOND) return;
      o.max = Math.max(o.max, b.price);
      o.count++;
    },
  );
  close(Number.POSITIVE_INFINITY);
  return out;
}

/** Counts per open hopping window (10 s every 2 s) and auction; a window is emitted once time passes its end. */
export function q5(l: StreamLines): OutRow[] {
  const out: OutRow[] = [];
  const windows = new Map<number, Map<number, number>>(); // start -> auction -> count
  const flush = (now: number) => {
    for (const [start, counts] of windows) {
      if (start + 10 * SECOND > now) continue;
      for (const [auction, num] of counts)
        out.push({ auction, num, starttime: start, endtime: start + 10 * SECOND });
      windows.delete(start);
    }
  };
  for (const line of l.bids) {
    const b = JSON.parse(line) as Bid;
    flush(b.dateTime);
    const last = Math.floor(b.dateTime / (2 * SECOND)) * 2 * SECOND;
    for (let start = last; start > b.dateTime - 10 * SECOND; start -= 2 * SECOND) {
      let counts = windows.get(start);
      if (counts === undefined) windows.set(start, (counts = new Map()));
      counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
    }
  }
  flush(Number.POSITIVE_INFINITY);
  return out;
}

/** The running max and count of the current 10 s window, emitted when a bid opens the next one. */
export function q7(l: StreamLines): OutRow[] {
  const out: OutRow[] = [];
  let start = Number.NaN;
  let max = 0;
  let count = 0;
  const emit = () => {
    if (count > 0)
      out.push({ maxprice: max, bids: count, window_start: start, dateTime: start + 10 * SECOND });
  };
  for (const line of l.bids) {
    const b = JSON.parse(line) as Bid;
    const s = Math.floor(b.dateTime / (10 * SECOND)) * 10 * SECOND;
    if (s !== start) {
      emit();
      start = s;
      max = b.price;
      count = 0;
    }
    max = Math.max(max, b.price);
    count++;
  }
  emit();
  return out;
}

/** Per current 10 s window: its new persons and the auction count of each seller; joined at the window's end. */
export function q8(l: StreamLines): OutRow[] {
  const out: OutRow[] = [];
  let start = Number.NaN;
  let persons = new Map<number, string>();
  let sellers = new Map<number, number>();
  const advance = (t: number) => {
    const s = Math.floor(t / (10 * SECOND)) * 10 * SECOND;
    if (s === start) return;
    for (const [id, name] of persons) {
      const auctions = sellers.get(id);
      if (auctions !== undefined) out.push({ id, name, stime: start, auctions });
    }
    start = s;
    persons = new Map();
    sellers = new Map();
  };
  merge<Person, Auction>(
    l.persons,
    l.auctions,
    (p) => {
      advance(p.dateTime);
      persons.set(p.id, p.name);
    },
    (a) => {
      advance(a.dateTime);
      sellers.set(a.seller, (sellers.get(a.seller) ?? 0) + 1);
    },
  );
  advance(Number.POSITIVE_INFINITY);
  return out;
}

interface Session {
  start: number;
  last: number;
  count: number;
}

/** Open sessions by bidder; a bid 10 s or more after the bidder's last one closes the session. */
export function q11(l: StreamLines): OutRow[] {
  const out: OutRow[] = [];
  const open = new Map<number, Session>();
  const emit = (bidder: number, s: Session) =>
    out.push({ bidder, bid_count: s.count, starttime: s.start, endtime: s.last + 10 * SECOND });
  let nextSweep = Number.NEGATIVE_INFINITY;
  for (const line of l.bids) {
    const b = JSON.parse(line) as Bid;
    if (b.dateTime >= nextSweep) {
      for (const [bidder, s] of open)
        if (b.dateTime - s.last >= 10 * SECOND) {
          emit(bidder, s);
          open.delete(bidder);
        }
      nextSweep = b.dateTime + 10 * SECOND;
    }
    const s = open.get(b.bidder);
    if (s !== undefined && b.dateTime - s.last < 10 * SECOND) {
      s.last = b.dateTime;
      s.count++;
    } else {
      if (s !== undefined) emit(b.bidder, s);
      open.set(b.bidder, { start: b.dateTime, last: b.dateTime, count: 1 });
    }
  }
  for (const [bidder, s] of open) emit(bidder, s);
  return out;
}

/** Per auction, the current strictly decreasing run of bids; a higher bid after 3+ drops is a match. */
export function priceDrops(l: StreamLines): OutRow[] {
  const out: OutRow[] = [];
  const runs = new Map<number, Bid[]>();
  for (const line of l.bids) {
    const b = JSON.parse(line) as Bid;
    const run = runs.get(b.auction);
    if (run === undefined) {
      runs.set(b.auction, [b]);
      continue;
    }
    const last = run.at(-1);
    if (last !== undefined && b.price < last.price) {
      run.push(b);
      continue;
    }
    if (last !== undefined && b.price > last.price && run.length >= 4) {
      // the earliest start with 3+ drops after it and the rise less than 10 s after it
      const s = run.findIndex((start, i) => i <= run.length - 4 && b.dateTime - start.dateTime < 10 * SECOND);
      if (s >= 0 && s <= run.length - 4) {
        out.push({
          auction: b.auction,
          drops: run.length - 1 - s,
          start_price: run[s]!.price,
          low: last.price,
          rise: b.price,
          start_time: run[s]!.dateTime,
          at: b.dateTime,
        });
        runs.set(b.auction, []); // skip past last: the rise starts nothing
        continue;
      }
    }
    runs.set(b.auction, [b]);
  }
  return out;
}
