// Kafka I/O stage: `vigil lag --group <id>`: per partition the group has committed offsets for,
// the committed offset, the log end, the lag and the member that owns it now (from the group's
// current assignment), as `kafka-consumer-groups --describe` prints them.

import { type Connection, kafkaClientConfig } from "./connection.ts";
import { AssignerProtocol, Kafka, logLevel } from "./kafkajs.ts";
import { topicOffsets } from "./partition-reader.ts";

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to read as committed by the group; null when it has committed none. */
  readonly committed: number | null;
  readonly logEnd: number;
  /** logEnd - committed (the whole partition when nothing is committed). */
  readonly lag: number;
  /** `clientId/host (memberId)` of the member assigned the partition; null when none is. */
  readonly owner: string | null;
}

export interface GroupLag {
  readonly group: string;
  /** The group coordinator's state: Stable, PreparingRebalance, Empty, Dead... */
  readonly state: string;
  readonly members: number;
  readonly partitions: readonly PartitionLag[];
}

export async function groupLag(connection: Connection, group: string): Promise<GroupLag> {
  const kafka = new Kafka(kafkaClientConfig(connection, { logLevel: logLevel.NOTHING }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = (await admin.describeGroups([group])).groups[0];
    const owners = new Map<string, string>();
    for (const m of described?.members ?? []) {
      if (m.memberAssignment.length === 0) continue;
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      for (const [topic, parts] of Object.entries(decoded?.assignment ?? {})) {
        for (const p of parts) owners.set(`${topic}/${p}`, `${m.clientId}${m.clientHost} (${m.memberId})`);
      }
    }
    const committed = await admin.fetchOffsets({ groupId: group });
    const partitions: PartitionLag[] = [];
    for (const t of [...committed].sort((a, b) => a.topic.localeCompare(b.topic))) {
      const ends = new Map((await topicOffsets(admin, t.topic)).map((o) => [o.partition, Number(o.high)]));
      for (const p of [...t.partitions].sort((a, b) => a.partition - b.partition)) {
        const at = Number(p.offset);
        const logEnd = ends.get(p.partition) ?? 0;
        const mine = at >= 0 ? at : null;
        partitions.push({
          topic: t.topic,
          partition: p.partition,
          committed: mine,
          logEnd,
          lag: Math.max(0, logEnd - (mine ?? 0)),
          owner: owners.get(`${t.topic}/${p.partition}`) ?? null,
        });
      }
    }
    return { group, state: described?.state ?? "Dead", members: described?.members.length ?? 0, partitions };
  } finally {
    await admin.disconnect();
  }
}
