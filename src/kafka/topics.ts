// Kafka I/O stage: internal topics (compacted changelogs, repartition topics) created idempotently
// with the partition counts the topology requires, partition counts described, and co-partitioning
// checked with a message that says which topics differ and what to do.
import type { Admin, ITopicConfig } from "kafkajs";
import { kafkajs } from "./kafkajs.ts";

/** A topic the application needs. */
export interface TopicRequest {
  readonly name: string;
  readonly partitions: number;
  /** Changelogs are compacted; repartition topics use delete. */
  readonly compacted: boolean;
  readonly replicationFactor?: number;
  readonly config?: Readonly<Record<string, string>>;
}

/** What ensureTopics did. */
export interface EnsureTopicsResult {
  readonly created: readonly string[];
  readonly existing: readonly string[];
}

/** Thrown when topics exist with the wrong shape or are missing. */
export class TopicLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TopicLayoutError";
  }
}

/**
 * How the worker creates an output (or dead-letter) topic that does not exist yet; an existing topic
 * is used as it is. Every field is optional: absent ones take the defaults below.
 */
export interface SinkTopicSettings {
  /** Default: the input topics' partition count N. */
  readonly partitions?: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** `retention.ms`; default -1 (keep): records carry their event time as the Kafka timestamp. */
  readonly retentionMs?: number;
  /** `cleanup.policy`; default `delete`. */
  readonly cleanupPolicy?: "delete" | "compact" | "compact,delete";
  /** Any other topic config, e.g. `{ "max.message.bytes": "2097152" }`. */
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Outputs keep their records until told otherwise: a record's timestamp is its event time, so with
 * a time retention shorter than the age of the data the broker would delete outputs just written.
 */
export const SINK_RETENTION_DEFAULT_MS = -1;

/** The request for a sink topic the worker creates: defaults, then the sink's settings. */
export function sinkTopicRequest(name: string, n: number, settings: SinkTopicSettings = {}): TopicRequest {
  const policy = settings.cleanupPolicy ?? "delete";
  return {
    name,
    partitions: settings.partitions ?? n,
    compacted: false,
    ...(settings.replicationFactor !== undefined ? { replicationFactor: settings.replicationFactor } : {}),
    config: {
      "cleanup.policy": policy,
      "retention.ms": String(settings.retentionMs ?? SINK_RETENTION_DEFAULT_MS),
      ...settings.config,
    },
  };
}

function topicConfig(req: TopicRequest): ITopicConfig {
  const entries = Object.entries({ "cleanup.policy": req.compacted ? "compact" : "delete", ...req.config });
  return {
    topic: req.name,
    numPartitions: req.partitions,
    replicationFactor: req.replicationFactor ?? -1,
    configEntries: entries.map(([name, value]) => ({ name, value })),
  };
}

/**
 * Creates the missing topics and checks that existing ones have the requested partition count.
 * Safe to call from several workers at once (a concurrent create is treated as existing).
 */
export async function ensureTopics(
  admin: Admin,
  requests: readonly TopicRequest[],
): Promise<EnsureTopicsResult> {
  for (const r of requests) {
    if (!Number.isInteger(r.partitions) || r.partitions < 1) {
      throw new TopicLayoutError(
        `topic '${r.name}': partition count must be a positive integer (got ${r.partitions})`,
      );
    }
  }
  const present = new Set(await admin.listTopics());
  const missing = requests.filter((r) => !present.has(r.name));
  if (missing.length > 0) {
    try {
      await admin.createTopics({ topics: missing.map(topicConfig), waitForLeaders: true });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    // A create that raced with another worker's may report "already exists" while that worker's
    // topic is still being created, before the broker lists it: wait until it shows.
    await waitUntilListed(
      admin,
      missing.map((r) => r.name),
    );
  }
  const counts = await partitionCounts(
    admin,
    requests.map((r) => r.name),
  );
  const wrong = requests.filter((r) => counts.get(r.name) !== r.partitions);
  if (wrong.length > 0) {
    const lines = wrong.map(
      (r) => `'${r.name}' has ${counts.get(r.name)} partitions, ${r.partitions} are required`,
    );
    throw new TopicLayoutError(
      `internal topics exist with the wrong partition count: ${lines.join("; ")}. ` +
        "Delete them (state will be rebuilt from the inputs) or run with matching input topics.",
    );
  }
  const missingNames = new Set(missing.map((r) => r.name));
  return {
    created: requests.filter((r) => missingNames.has(r.name)).map((r) => r.name),
    existing: requests.filter((r) => !missingNames.has(r.name)).map((r) => r.name),
  };
}

const LISTED_TIMEOUT_MS = 15_000;

/** What a broker answers for a partition whose leadership has not settled yet (a new topic). */
const NOT_LED_YET = /NOT_LEADER|LEADER_NOT_AVAILABLE|UNKNOWN_TOPIC_OR_PARTITION/;

/**
 * Waits until every partition of `topics` answers ListOffsets from its leader. Right after a topic
 * is created the broker answers "not the leader" for a few seconds; a kafkajs consumer that fetches
 * then meets each such error by refreshing metadata and rejoining its group (consumerGroup.js
 * recoverFromFetch), dozens of rejoins at start. Returns the attempts it took.
 */
export async function waitForLeaders(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  for (const topic of new Set(topics)) {
    for (let wait = 20; ; wait = Math.min(500, wait * 2)) {
      attempts += 1;
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (err) {
        const type = String((err as { type?: string }).type);
        if (!NOT_LED_YET.test(type) || Date.now() > deadline) throw err;
        await new Promise((ok) => setTimeout(ok, wait));
      }
    }
  }
  return attempts;
}

async function waitUntilListed(admin: Admin, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + LISTED_TIMEOUT_MS;
  for (let wait = 50; ; wait = Math.min(1000, wait * 2)) {
    const present = new Set(await admin.listTopics());
    if (names.every((n) => present.has(n)) || Date.now() > deadline) return; // partitionCounts reports the rest
    await new Promise((ok) => setTimeout(ok, wait));
  }
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: { type?: string }[] } | null;
  if (e?.type === "TOPIC_ALREADY_EXISTS") return true;
  return (
    Array.isArray(e?.errors) &&
    e.errors.length > 0 &&
    e.errors.every((x) => x.type === "TOPIC_ALREADY_EXISTS")
  );
}

/** Partition count per topic; throws TopicLayoutError naming every topic that does not exist. */
export async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const present = new Set(await admin.listTopics());
  const absent = topics.filter((t) => !present.has(t));
  if (absent.length > 0)
    throw new TopicLayoutError(`topics do not exist: ${absent.map((t) => `'${t}'`).join(", ")}`);
  const unique = [...new Set(topics)];
  if (unique.length === 0) return new Map();
  const meta = await admin.fetchTopicMetadata({ topics: unique });
  return new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
}

/** Topics that must have equal partition counts, and who needs it (e.g. a join processor). */
export interface CopartitionRequirement {
  readonly processor: string;
  readonly topics: readonly string[];
}

/**
 * Checks co-partitioning: every group's topics must have the same partition count. Returns one
 * message per violated group (empty when all hold).
 * @example checkCopartitioned([{processor: "rule.join", topics: ["a", "b"]}], new Map([["a", 8], ["b", 4]]))
 *   // ["'rule.join' needs co-partitioned inputs, but 'a' has 8 partitions and 'b' has 4: ..."]
 */
export function checkCopartitioned(
  groups: readonly CopartitionRequirement[],
  counts: ReadonlyMap<string, number>,
): string[] {
  const problems: string[] = [];
  for (const group of groups) {
    const known = group.topics.filter((t) => counts.has(t));
    const distinct = new Set(known.map((t) => counts.get(t)));
    if (distinct.size <= 1) continue;
    const parts = known.map((t) => `'${t}' has ${counts.get(t)}`);
    const listed = parts.length === 2 ? parts.join(" and ") : parts.join(", ");
    problems.push(
      `'${group.processor}' needs co-partitioned inputs, but ${listed} partitions: ` +
        "the two sides of a join must have the same partition count and the same keying " +
        "(recreate one topic with the other's count, or re-key one side with `partition by` so Vigil repartitions it)",
    );
  }
  return problems;
}

/** The effective value of `names` for each topic (broker defaults included), topic -> name -> value. */
export async function topicConfigs(
  admin: Admin,
  topics: readonly string[],
  names: readonly string[],
): Promise<Map<string, Map<string, string>>> {
  const unique = [...new Set(topics)];
  if (unique.length === 0) return new Map();
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: unique.map((name) => ({
      type: kafkajs.ConfigResourceTypes.TOPIC,
      name,
      configNames: [...names],
    })),
  });
  return new Map(
    described.resources.map((r) => [
      r.resourceName,
      new Map(r.configEntries.map((e) => [e.configName, e.configValue])),
    ]),
  );
}
