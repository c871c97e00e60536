// Test support: prints `topic partition offset` of each partition's high watermark (read_uncommitted
// ListOffsets), which kafkajs's admin cannot ask for. Run with the broker jars on the classpath:
// java -cp "<jars>/*" test/support/HighWatermarks.java <bootstrap> <topic>...
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

public class HighWatermarks {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    try (Admin admin = Admin.create(props)) {
      List<String> topics = Arrays.asList(args).subList(1, args.length);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
        for (var p : d.partitions()) request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
      }
      var options = new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED);
      for (var e : admin.listOffsets(request, options).all().get().entrySet()) {
        System.out.println(e.getKey().topic() + " " + e.getKey().partition() + " " + e.getValue().offset());
      }
    }
  }
}
