// Kafka I/O stage: the consumer-group assignor of Vigil workers. A task reads partition p of every
// input topic (they are co-partitioned) and, after a re-key, channels p*N..p*N+N-1 of a repartition
// topic (N*N partitions), so the assignor hands out whole task partitions: everything of task
// partition p goes to one member (members sorted by id, p modulo their count). Deterministic.
import type { PartitionAssigner } from "kafkajs";
import { kafkajs } from "./kafkajs.ts";

/** Name announced in JoinGroup; every member of a Vigil group must use this assignor. */
export const TASK_ASSIGNER_NAME = "VigilTasks";

/** Pure part: task partitions per member. */
export function assignTasks(memberIds: readonly string[], partitions: number): Map<string, number[]> {
  const members = [...memberIds].sort();
  const result = new Map(members.map((m) => [m, [] as number[]]));
  for (let p = 0; p < partitions; p++) result.get(members[p % members.length]!)!.push(p);
  return result;
}

/**
 * The task partition of partition q of a topic with `count` partitions, when the inputs have `n`:
 * q itself, or q / n for a repartition topic's N*N channels (channel `to*N + from` belongs to `to`).
 */
export function taskPartition(q: number, count: number, n: number): number {
  return count > n && n > 0 ? Math.floor(q / n) : q;
}

/** The kafkajs PartitionAssigner: whole tasks (same partition of every topic) per member. */
export const taskAssigner: PartitionAssigner = ({ cluster }) => ({
  name: TASK_ASSIGNER_NAME,
  version: 1,
  async assign({ members, topics }) {
    const counts = topics.map((t) => cluster.findTopicPartitionMetadata(t).length);
    const n = Math.min(...counts.filter((c) => c > 0));
    const tasks = assignTasks(
      members.map((m) => m.memberId),
      Number.isFinite(n) ? n : 0,
    );
    return members.map(({ memberId }) => {
      const mine = new Set(tasks.get(memberId) ?? []);
      const assignment = Object.fromEntries(
        topics.map((t, i) => {
          const count = counts[i] ?? 0;
          const all = Array.from({ length: count }, (_, q) => q);
          return [t, all.filter((q) => mine.has(taskPartition(q, count, n)))];
        }),
      );
      return {
        memberId,
        memberAssignment: kafkajs.AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment,
          userData: Buffer.alloc(0),
        }),
      };
    });
  },
  protocol({ topics }) {
    return {
      name: TASK_ASSIGNER_NAME,
      metadata: kafkajs.AssignerProtocol.MemberMetadata.encode({
        version: 1,
        topics,
        userData: Buffer.alloc(0),
      }),
    };
  },
});
