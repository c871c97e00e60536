// Kafka I/O stage: operating on a group's dead-letter topic. `list` reads it and counts by reason,
// rule and source; `replay` re-drives the selected dead letters to their source topic and partition
// after a fix, each exactly once: one transaction writes the re-driven records and, in a compacted
// ledger topic (`<group>-dlq-redriven`, keyed by the input's coordinates), that they were re-driven;
// a later replay skips what the ledger holds. A re-driven record carries its original coordinates.

import type { DeadLetter, DeadLetterReason } from "../core/record.ts";
import { type Connection, kafkaClientConfig } from "./connection.ts";
import { headerText } from "./evidence-reader.ts";
import { Kafka, logLevel } from "./kafkajs.ts";
import { readPartitions, topicOffsets } from "./partition-reader.ts";
import { parseDeadLetter, type RawHeaders } from "./serdes.ts";
import { ensureTopics } from "./topics.ts";

/** Headers of a re-driven record: where the input first was, and why it was dead-lettered. */
export const REDRIVE_HEADERS = {
  topic: "vigil.redrive.topic",
  partition: "vigil.redrive.partition",
  offset: "vigil.redrive.offset",
  reason: "vigil.redrive.reason",
} as const;

export interface StoredDeadLetter {
  readonly letter: DeadLetter;
  /** Where the dead letter itself is: `<dlq topic>/<partition>/<offset>`. */
  readonly at: string;
  readonly headers: Readonly<Record<string, string>>;
}

export const ledgerTopic = (group: string): string => `${group}-dlq-redriven`;
const originKey = (d: DeadLetter): string => `${d.origin.topic}/${d.origin.partition}/${d.origin.offset}`;

function client(connection: Connection): Kafka {
  return new Kafka(kafkaClientConfig(connection, { logLevel: logLevel.NOTHING }));
}

async function allPartitions(
  kafka: Kafka,
  topic: string,
): Promise<{ topic: string; partition: number; from: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    return (await topicOffsets(admin, topic)).map((o) => ({ topic, partition: o.partition, from: 0 }));
  } finally {
    await admin.disconnect();
  }
}

/** Every dead letter of the topic, in partition and offset order (records that are not Vigil's are skipped). */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<StoredDeadLetter[]> {
  const out: StoredDeadLetter[] = [];
  await readPartitions(kafka, await allPartitions(kafka, topic), (p, messages) => {
    for (const m of messages) {
      const headers = m.headers as RawHeaders | undefined;
      const letter = parseDeadLetter(m.value?.toString() ?? null, headers, Number(m.timestamp));
      if (letter)
        out.push({ letter, at: `${p.topic}/${p.partition}/${m.offset}`, headers: headerText(headers) });
    }
  });
  return out;
}

export interface DeadLetterSummary {
  readonly total: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly byRule: Readonly<Record<string, number>>;
  readonly bySource: Readonly<Record<string, number>>;
  /** Up to `samples` dead letters per reason. */
  readonly samples: readonly StoredDeadLetter[];
  /** Inputs already re-driven (in the ledger). */
  readonly redriven: number;
}

function count(into: Record<string, number>, k: string): void {
  into[k] = (into[k] ?? 0) + 1;
}

export async function listDeadLetters(
  connection: Connection,
  opts: { readonly group: string; readonly topic: string; readonly samples?: number },
): Promise<DeadLetterSummary> {
  const kafka = client(connection);
  const letters = await readDeadLetters(kafka, opts.topic);
  const byReason: Record<string, number> = {};
  const byRule: Record<string, number> = {};
  const bySource: Record<string, number> = {};
  const samples: StoredDeadLetter[] = [];
  for (const s of letters) {
    count(byReason, s.letter.reason);
    count(byRule, s.letter.rule ?? "(decode)");
    count(bySource, s.letter.origin.topic);
    if (samples.filter((x) => x.letter.reason === s.letter.reason).length < (opts.samples ?? 3))
      samples.push(s);
  }
  const redriven = (await readLedger(kafka, opts.group)).size;
  return { total: letters.length, byReason, byRule, bySource, samples, redriven };
}

async function readLedger(kafka: Kafka, group: string): Promise<Set<string>> {
  const done = new Set<string>();
  await readPartitions(kafka, await allPartitions(kafka, ledgerTopic(group)), (_p, messages) => {
    for (const m of messages) if (m.key !== null) done.add(m.key.toString());
  });
  return done;
}

/**
 * The input to re-drive: decode errors and schema mismatches hold the raw input; late records and
 * operator errors hold the record in flight, `{ <alias>: row }`: its one row is the input.
 */
export function redriveValue(d: DeadLetter): string {
  if (d.reason === "decode-error" || d.reason === "schema-mismatch") return d.raw;
  try {
    const env = JSON.parse(d.raw) as unknown;
    if (typeof env === "object" && env !== null && !Array.isArray(env)) {
      const values = Object.values(env);
      if (values.length === 1 && typeof values[0] === "object" && values[0] !== null)
        return JSON.stringify(values[0]);
    }
  } catch {
    // not JSON: re-drive as stored
  }
  return d.raw;
}

export interface ReplayOptions {
  readonly group: string;
  readonly topic: string;
  readonly reason: DeadLetterReason;
  /** Only dead letters whose event time is at or after this (epoch ms). */
  readonly sinceMs?: number;
}

export interface ReplayResult {
  /** Dead letters matching the selection. */
  readonly selected: number;
  readonly redriven: number;
  /** Matching, but their input was re-driven before (the ledger holds it). */
  readonly alreadyRedriven: number;
}

export async function replayDeadLetters(connection: Connection, opts: ReplayOptions): Promise<ReplayResult> {
  const kafka = client(connection);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [{ name: ledgerTopic(opts.group), partitions: 1, compacted: true }]);
  } finally {
    await admin.disconnect();
  }
  const letters = (await readDeadLetters(kafka, opts.topic)).filter(
    (s) =>
      s.letter.reason === opts.reason &&
      !s.letter.origin.topic.startsWith("$") &&
      (opts.sinceMs === undefined || s.letter.timestamp >= opts.sinceMs),
  );
  const done = await readLedger(kafka, opts.group);
  const todo = new Map<string, StoredDeadLetter>();
  for (const s of letters) {
    const k = originKey(s.letter);
    if (!done.has(k) && !todo.has(k)) todo.set(k, s);
  }
  if (todo.size > 0) await redrive(kafka, opts.group, [...todo.values()]);
  return { selected: letters.length, redriven: todo.size, alreadyRedriven: letters.length - todo.size };
}

/** One transaction: the re-driven inputs and their ledger entries (a fixed id fences a concurrent replay). */
async function redrive(kafka: Kafka, group: string, letters: readonly StoredDeadLetter[]): Promise<void> {
  const producer = kafka.producer({
    transactionalId: `${group}-dlq-replay`,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { initialRetryTime: 5, maxRetryTime: 1000, retries: 30 },
  });
  await producer.connect();
  try {
    const tx = await producer.transaction();
    try {
      for (let i = 0; i < letters.length; i += 1000) {
        const chunk = letters.slice(i, i + 1000);
        const bySource = new Map<
          string,
          {
            partition: number;
            key: null;
            value: string;
            timestamp: string;
            headers: Record<string, string>;
          }[]
        >();
        for (const { letter } of chunk) {
          const list = bySource.get(letter.origin.topic) ?? [];
          bySource.set(letter.origin.topic, list);
          list.push({
            partition: letter.origin.partition,
            key: null,
            value: redriveValue(letter),
            timestamp: String(Math.max(0, Math.trunc(letter.timestamp))),
            headers: {
              [REDRIVE_HEADERS.topic]: letter.origin.topic,
              [REDRIVE_HEADERS.partition]: String(letter.origin.partition),
              [REDRIVE_HEADERS.offset]: String(letter.origin.offset),
              [REDRIVE_HEADERS.reason]: letter.reason,
            },
          });
        }
        const ledger = chunk.map((s) => ({
          key: originKey(s.letter),
          value: JSON.stringify({ reason: s.letter.reason, deadLetter: s.at, at: new Date().toISOString() }),
        }));
        const topicMessages = [...bySource].map(([topic, messages]) => ({ topic, messages }));
        await tx.sendBatch({
          topicMessages: [...topicMessages, { topic: ledgerTopic(group), messages: ledger }],
          acks: -1,
        });
      }
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
  } finally {
    await producer.disconnect();
  }
}
