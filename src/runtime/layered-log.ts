// Runtime stage: a caller's partitioned log with a private layer on top. Topics the caller's log
// holds are read from it; topics created through the layer (a run's repartition channels) live in
// the layer only, so a run never writes into the log it was given and a second run over the same
// log sees exactly the caller's records.
import { createPartitionedLog, type PartitionedLog } from "./partitioned-log.ts";

export function layeredLog(base: PartitionedLog): PartitionedLog {
  const own = createPartitionedLog();
  const at = (topic: string): PartitionedLog => (base.hasTopic(topic) ? base : own);
  return {
    createTopic: (topic, partitions) => at(topic).createTopic(topic, partitions),
    hasTopic: (topic) => base.hasTopic(topic) || own.hasTopic(topic),
    partitions: (topic) => at(topic).partitions(topic),
    topics: () => [...base.topics(), ...own.topics()],
    append: (topic, key, value, timestamp, partition) => {
      if (base.hasTopic(topic))
        throw new Error(`embedded run: cannot append to the given log's topic ${topic}`);
      return own.append(topic, key, value, timestamp, partition);
    },
    read: (topic, partition, offset, max) => at(topic).read(topic, partition, offset, max),
    endOffset: (topic, partition) => at(topic).endOffset(topic, partition),
  };
}
