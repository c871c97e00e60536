// Nexmark benchmark: the event generator, re-derived from the generator of the Flink Nexmark
// benchmark (github nexmark/nexmark, itself derived from Apache Beam's). Event n is a pure function
// of n and the config: its kind (n mod 50: 1 person, 3 auctions, 46 bids), its ids (from the event
// number), its time (from the inter-event delay) and its fields (a random stream seeded by n).
// README.md in this folder says which variant and parameters this follows and what it simplifies.
//   node --import tsx bench/nexmark/generate.ts [--events N] [--out DIR]   (persons/auctions/bids.jsonl)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EventRandom, nextExtra, nextPrice, nextString } from "./random.ts";

/** The generator's knobs; DEFAULT_CONFIG holds the values the suite uses. */
export interface NexmarkConfig {
  /** Events per second of event time (Nexmark's first-event rate): the inter-event delay is 1/rate. */
  readonly eventsPerSecond: number;
  /** Event time of event 0 (epoch ms). */
  readonly baseTime: number;
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  /** 1 - 1/ratio of the bids go to the hot auction; likewise for hot bidders and hot sellers. */
  readonly hotAuctionRatio: number;
  readonly hotBiddersRatio: number;
  readonly hotSellersRatio: number;
  /** Random bidders and sellers are drawn from the last this many persons (plus 10 not yet created). */
  readonly numActivePeople: number;
  /** Random bids go to the last this many auctions (plus 10 not yet created); also sets auction lengths. */
  readonly numInFlightAuctions: number;
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
}

export const DEFAULT_CONFIG: NexmarkConfig = {
  eventsPerSecond: 1000,
  baseTime: Date.UTC(2026, 0, 1),
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  hotAuctionRatio: 2,
  hotBiddersRatio: 4,
  hotSellersRatio: 4,
  numActivePeople: 1000,
  numInFlightAuctions: 100,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
};

export interface Person {
  id: number;
  name: string;
  emailAddress: string;
  creditCard: string;
  city: string;
  state: string;
  dateTime: number;
  extra: string;
}

export interface Auction {
  id: number;
  itemName: string;
  description: string;
  initialBid: number;
  reserve: number;
  dateTime: number;
  expires: number;
  seller: number;
  category: number;
  extra: string;
}

export interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  url: string;
  dateTime: number;
  extra: string;
}

export type NexmarkEvent =
  | { readonly kind: "person"; readonly row: Person }
  | { readonly kind: "auction"; readonly row: Auction }
  | { readonly kind: "bid"; readonly row: Bid };

/** The three streams of events 0 .. count-1, each in event order (which is also time order). */
export interface NexmarkStreams {
  readonly persons: Person[];
  readonly auctions: Auction[];
  readonly bids: Bid[];
}

const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
const CATEGORIES = 5;
/** Ids up to this many ahead of the last created person / auction may be referred to. */
const ID_LEAD = 10;
/** The hot seller, bidder and auction are the first of the current block of this many ids. */
const HOT_BLOCK = 100;
const HOT_CHANNELS = ["Google", "Facebook", "Baidu", "Apple"];
const CHANNELS = 10_000;
const STATES = ["AZ", "CA", "ID", "OR", "WA", "WY"];
const CITIES = [
  "Phoenix",
  "Los Angeles",
  "San Francisco",
  "Boise",
  "Portland",
  "Bend",
  "Redmond",
  "Seattle",
  "Kent",
  "Cheyenne",
];
const FIRST_NAMES = [
  "Peter",
  "Paul",
  "Luke",
  "John",
  "Saul",
  "Vicky",
  "Kate",
  "Julie",
  "Sarah",
  "Deiter",
  "Walter",
];
const LAST_NAMES = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];

function total(c: NexmarkConfig): number {
  return c.personProportion + c.auctionProportion + c.bidProportion;
}

/** Event time of event n: base time plus n inter-event delays, truncated to the millisecond. */
export function timestampOf(n: number, c: NexmarkConfig): number {
  const delayUs = 1_000_000 / c.eventsPerSecond;
  return c.baseTime + Math.floor(Math.floor(n * delayUs) / 1000);
}

/** The kind of event n: the first personProportion of every block of `total` ids are persons, then auctions. */
export function kindOf(n: number, c: NexmarkConfig): NexmarkEvent["kind"] {
  const offset = n % total(c);
  if (offset < c.personProportion) return "person";
  return offset < c.personProportion + c.auctionProportion ? "auction" : "bid";
}

/** Base-0 id of the last person created at or before event n (n itself if it is a person). */
export function lastPersonId(n: number, c: NexmarkConfig): number {
  const block = Math.floor(n / total(c));
  const offset = Math.min(n % total(c), c.personProportion - 1);
  return block * c.personProportion + offset;
}

/** Base-0 id of the last auction created at or before event n (n itself if it is an auction). */
export function lastAuctionId(n: number, c: NexmarkConfig): number {
  let block = Math.floor(n / total(c));
  let offset = (n % total(c)) - c.personProportion;
  if (offset < 0) {
    block--; // a person opens the block: the last auction is the previous block's last
    offset = c.auctionProportion - 1;
  } else offset = Math.min(offset, c.auctionProportion - 1);
  return block * c.auctionProportion + offset;
}

/** A random person among the active ones, or up to ID_LEAD ahead of the last one (base 0). */
function randomPersonId(n: number, random: EventRandom, c: NexmarkConfig): number {
  const people = lastPersonId(n, c) + 1;
  const active = Math.min(people, c.numActivePeople);
  return people - active + random.nextInt(active + ID_LEAD);
}

/** A random auction among the in-flight ones, or up to ID_LEAD ahead of the last one (base 0). */
function randomAuctionId(n: number, random: EventRandom, c: NexmarkConfig): number {
  const last = lastAuctionId(n, c);
  const first = Math.max(last - c.numInFlightAuctions, 0);
  return first + random.nextInt(last - first + 1 + ID_LEAD);
}

/** Auction length: uniform in [1, 2h], h the event time until numInFlightAuctions more auctions exist. */
function auctionLengthMs(n: number, random: EventRandom, c: NexmarkConfig): number {
  const eventsAhead = Math.floor((c.numInFlightAuctions * total(c)) / c.auctionProportion);
  const horizon = timestampOf(n + eventsAhead, c) - timestampOf(n, c);
  return 1 + random.nextInt(Math.max(horizon * 2, 1));
}

function pick<T>(random: EventRandom, items: readonly T[]): T {
  return items[random.nextInt(items.length)]!;
}

function person(n: number, random: EventRandom, c: NexmarkConfig): Person {
  const name = `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
  const emailAddress = `${nextString(random, 7)}@${nextString(random, 5)}.com`;
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) groups.push(String(random.nextInt(10_000)).padStart(4, "0"));
  const creditCard = groups.join(" ");
  const city = pick(random, CITIES);
  const state = pick(random, STATES);
  const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
  return {
    id: lastPersonId(n, c) + FIRST_PERSON_ID,
    name,
    emailAddress,
    creditCard,
    city,
    state,
    dateTime: timestampOf(n, c),
    extra: nextExtra(random, size, c.avgPersonByteSize),
  };
}

function auction(n: number, random: EventRandom, c: NexmarkConfig): Auction {
  const hotSeller = random.nextInt(c.hotSellersRatio) > 0;
  const seller = hotSeller
    ? Math.floor(lastPersonId(n, c) / HOT_BLOCK) * HOT_BLOCK
    : randomPersonId(n, random, c);
  const category = FIRST_CATEGORY_ID + random.nextInt(CATEGORIES);
  const initialBid = nextPrice(random);
  const dateTime = timestampOf(n, c);
  const expires = dateTime + auctionLengthMs(n, random, c);
  const itemName = nextString(random, 20);
  const description = nextString(random, 100);
  const reserve = initialBid + nextPrice(random);
  const size = 8 + itemName.length + description.length + 5 * 8;
  return {
    id: lastAuctionId(n, c) + FIRST_AUCTION_ID,
    itemName,
    description,
    initialBid,
    reserve,
    dateTime,
    expires,
    seller: seller + FIRST_PERSON_ID,
    category,
    extra: nextExtra(random, size, c.avgAuctionByteSize),
  };
}

function bid(n: number, random: EventRandom, c: NexmarkConfig): Bid {
  const hotAuction = random.nextInt(c.hotAuctionRatio) > 0;
  const auctionId = hotAuction
    ? Math.floor(lastAuctionId(n, c) / HOT_BLOCK) * HOT_BLOCK
    : randomAuctionId(n, random, c);
  // The hot bidder is the second person of the block, so hot bidders and hot sellers differ.
  const hotBidder = random.nextInt(c.hotBiddersRatio) > 0;
  const bidder = hotBidder
    ? Math.floor(lastPersonId(n, c) / HOT_BLOCK) * HOT_BLOCK + 1
    : randomPersonId(n, random, c);
  const price = nextPrice(random);
  const [channel, url] =
    random.nextInt(2) > 0
      ? hotChannel(random.nextInt(HOT_CHANNELS.length))
      : channelUrl(random.nextInt(CHANNELS));
  return {
    auction: auctionId + FIRST_AUCTION_ID,
    bidder: bidder + FIRST_PERSON_ID,
    price,
    channel,
    url,
    dateTime: timestampOf(n, c),
    extra: nextExtra(random, 4 * 8, c.avgBidByteSize),
  };
}

const CHANNEL_SALT = 0x0c4a;
const HOT_SALT = 0x0407;
const channelCache = new Map<number, readonly [string, string]>();

function baseUrl(random: EventRandom): string {
  const part = () => nextString(random, 5, "_");
  return `https://www.nexmark.com/${part()}/${part()}/${part()}/item.htm?query=1`;
}

/** Hot channel i (of 4) and its fixed URL. */
function hotChannel(i: number): readonly [string, string] {
  const key = -1 - i;
  let hit = channelCache.get(key);
  if (hit === undefined)
    channelCache.set(key, (hit = [HOT_CHANNELS[i]!, baseUrl(EventRandom.forEvent(i, HOT_SALT))]));
  return hit;
}

/** Channel `channel-i` and its fixed URL, nine in ten of them carrying a channel_id parameter. */
function channelUrl(i: number): readonly [string, string] {
  let hit = channelCache.get(i);
  if (hit === undefined) {
    const random = EventRandom.forEvent(i, CHANNEL_SALT);
    let url = baseUrl(random);
    if (random.nextInt(10) > 0) url += `&channel_id=${Math.abs(reverseBits32(i))}`;
    channelCache.set(i, (hit = [`channel-${i}`, url]));
  }
  return hit;
}

/** The 32 bits of i in reverse order, as a signed 32-bit integer. */
function reverseBits32(i: number): number {
  let x = i >>> 0;
  let r = 0;
  for (let b = 0; b < 32; b++) {
    r = (r << 1) | (x & 1);
    x >>>= 1;
  }
  return r | 0;
}

/** Event n. Example: `nexmarkEvent(0, DEFAULT_CONFIG).kind` is "person", `nexmarkEvent(1, ...)` an auction. */
export function nexmarkEvent(n: number, c: NexmarkConfig = DEFAULT_CONFIG): NexmarkEvent {
  const random = EventRandom.forEvent(n);
  const kind = kindOf(n, c);
  if (kind === "person") return { kind, row: person(n, random, c) };
  if (kind === "auction") return { kind, row: auction(n, random, c) };
  return { kind, row: bid(n, random, c) };
}

/** Events 0 .. count-1 split into their three streams. */
export function generateStreams(count: number, c: NexmarkConfig = DEFAULT_CONFIG): NexmarkStreams {
  const out: NexmarkStreams = { persons: [], auctions: [], bids: [] };
  for (let n = 0; n < count; n++) {
    const e = nexmarkEvent(n, c);
    if (e.kind === "person") out.persons.push(e.row);
    else if (e.kind === "auction") out.auctions.push(e.row);
    else out.bids.push(e.row);
  }
  return out;
}

/** The streams as JSONL texts by stream name (what `vigil replay` reads as `<stream>.jsonl`). */
export function streamLines(s: NexmarkStreams): { persons: string[]; auctions: string[]; bids: string[] } {
  return {
    persons: s.persons.map((r) => JSON.stringify(r)),
    auctions: s.auctions.map((r) => JSON.stringify(r)),
    bids: s.bids.map((r) => JSON.stringify(r)),
  };
}

function main(argv: readonly string[]): void {
  let events = 100_000;
  let dir = ".";
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === "--events") events = Number(argv[i + 1]);
    else if (argv[i] === "--out") dir = argv[i + 1] ?? ".";
    else throw new Error(`usage: generate.ts [--events N] [--out DIR]; unknown ${argv[i]}`);
  }
  const lines = streamLines(generateStreams(events));
  mkdirSync(dir, { recursive: true });
  for (const [name, rows] of Object.entries(lines))
    writeFileSync(join(dir, `${name}.jsonl`), `${rows.join("\n")}\n`);
  console.log(
    `${events} events: ${lines.persons.length} persons, ${lines.auctions.length} auctions, ${lines.bids.length} bids -> ${dir}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
