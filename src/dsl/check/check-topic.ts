// DSL checker: topic names. A stream's or table's `from topic "..."` and a rule's `emit to "..."`
// must be a valid Kafka topic name (what the broker accepts), so a rule cannot check clean and fail at deploy.
import type * as ast from "../ast/index.ts";
import type { Reporter } from "./report.ts";

const MAX_TOPIC_LENGTH = 249;
const TOPIC_CHARS = /^[A-Za-z0-9._-]+$/;

/** Why `name` is not a valid Kafka topic name, or null when it is. */
export function topicProblem(name: string): string | null {
  if (name.length === 0) return "it is empty";
  if (name === "." || name === "..") return "`.` and `..` are reserved";
  if (name.length > MAX_TOPIC_LENGTH) return `it has ${name.length} characters (at most ${MAX_TOPIC_LENGTH})`;
  if (!TOPIC_CHARS.test(name)) {
    const bad = [...name].find((c) => !TOPIC_CHARS.test(c)) ?? "";
    return `it contains ${JSON.stringify(bad)} (only letters, digits, \`.\`, \`_\` and \`-\` are allowed)`;
  }
  return null;
}

/** Reports V2206 at the string literal when it is not a valid Kafka topic name. */
export function checkTopic(topic: ast.StringLit, rep: Reporter): void {
  const reason = topicProblem(topic.value);
  if (reason !== null) rep.report("V2206", topic.span, { topic: JSON.stringify(topic.value), reason });
}
