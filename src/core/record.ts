// Core record envelope: what flows between operators inside a task. Records keep where they came
// from (topic, partition, offset) so alerts can carry their evidence (`vigil why`, brief section 7).
import type { Row } from "./value.ts";

/** Where an input record was read: its coordinates in the source log. */
export interface Origin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Evidence of a derived record: the input records it was built from (a window keeps first, last and count). */
export type Evidence =
  | { readonly kind: "events"; readonly events: readonly Origin[] }
  | { readonly kind: "range"; readonly first: Origin; readonly last: Origin; readonly count: number };

/**
 * A record in flight. `value` is the operator-level environment: for a source record it is
 * `{ [alias]: row }`; joins add the other side's alias; patterns bind step names; aggregates bind `$`.
 */
export interface StreamRecord {
  /** Partition key (string-encoded); null when the stream is unkeyed. */
  readonly key: string | null;
  readonly value: Row;
  /** Event time, epoch ms. */
  readonly timestamp: number;
  /** Where the triggering input record came from. */
  readonly origin: Origin;
  readonly evidence?: Evidence;
}

/** A record leaving the topology: already projected, bound for an output topic. */
export interface OutputRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Row;
  readonly timestamp: number;
  readonly rule: string;
  readonly evidence?: Evidence;
}

/** Why a record went to the dead-letter output. Stable codes: metrics count by them. */
export type DeadLetterReason =
  | "decode-error"
  | "schema-mismatch"
  | "late-record"
  | "operator-error"
  | "record-too-large";

export interface DeadLetter {
  readonly reason: DeadLetterReason;
  readonly message: string;
  readonly rule: string | null;
  readonly origin: Origin;
  /** The raw input as received (string for undecodable bytes). */
  readonly raw: string;
  readonly timestamp: number;
}
