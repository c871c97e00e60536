// Kafka I/O stage: the consumer-group assignor of Vigil workers. A task reads partition p of every
// input topic (they are co-partitioned), so the assignor hands out whole tasks: partition p of every
// subscribed topic goes to one member (members sorted by id, p modulo their count). Deterministic.
import kafkajs, { type PartitionAssigner } from "kafkajs";

/** Name announced in JoinGroup; every member of a Vigil group must use this assignor. */
export const TASK_ASSIGNER_NAME = "VigilTasks";

/** Pure part: task partitions per member. */
export function assignTasks(memberIds: readonly string[], partitions: number): Map<string, number[]> {
  const members = [...memberIds].sort();
  const result = new Map(members.map((m) => [m, [] as number[]]));
  for (let p = 0; p < partitions; p++) result.get(members[p % members.length]!)!.push(p);
  return result;
}

/** The kafkajs PartitionAssigner: whole tasks (same partition of every topic) per member. */
export const taskAssigner: PartitionAssigner = ({ cluster }) => ({
  name: TASK_ASSIGNER_NAME,
  version: 1,
  async assign({ members, topics }) {
    const counts = topics.map((t) => cluster.findTopicPartitionMetadata(t).length);
    const tasks = assignTasks(
      members.map((m) => m.memberId),
      Math.max(0, ...counts),
    );
    return members.map(({ memberId }) => {
      const mine = tasks.get(memberId) ?? [];
      const assignment = Object.fromEntries(
        topics.map((t, i) => [t, mine.filter((p) => p < (counts[i] ?? 0))]),
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
