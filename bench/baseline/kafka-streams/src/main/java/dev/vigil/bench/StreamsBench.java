// The Kafka Streams baseline of `npm run bench:e2e`: the same five modes as the Vigil rule files in
// bench/e2e/rules/, over the same preloaded topics, exactly_once_v2, one stream thread. It runs until
// SIGTERM; the bench decides when it is done (the group's committed offsets reach the log end).
package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;

public final class StreamsBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Serde<String> STRING = Serdes.String();

  private StreamsBench() {}

  public static void main(String[] argv) throws InterruptedException {
    Map<String, String> args = parseArgs(argv);
    Topology topology = build(args);
    KafkaStreams streams = new KafkaStreams(topology, config(args));
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(
        err -> {
          System.err.println("[kafka-streams] uncaught: " + err);
          err.printStackTrace();
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(20));
                  stopped.countDown();
                }));
    streams.setStateListener(
        (now, before) -> {
          System.err.println("[kafka-streams] state " + before + " -> " + now);
          if (now == KafkaStreams.State.ERROR) System.exit(3);
        });
    streams.start();
    stopped.await();
  }

  private static Properties config(Map<String, String> args) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, need(args, "app-id"));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, need(args, "bootstrap"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.STATE_DIR_CONFIG, need(args, "state-dir"));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    return p;
  }

  private static Topology build(Map<String, String> args) {
    StreamsBuilder builder = new StreamsBuilder();
    String mode = need(args, "mode");
    String output = need(args, "output");
    Consumed<String, String> consumed = Consumed.with(STRING, STRING);
    KStream<String, String> payments = builder.stream(need(args, "payments"), consumed);
    KStream<String, String> out;
    switch (mode) {
      case "passthrough" -> out = payments.mapValues(v -> write(parse(v)));
      case "filter" -> {
        double over = Double.parseDouble(args.getOrDefault("filter-over", "900"));
        out =
            payments
                .mapValues(StreamsBench::parse)
                .filter((k, v) -> v.path("amount").asDouble() > over)
                .mapValues(StreamsBench::write);
      }
      case "window" -> {
        long minutes = Long.parseLong(args.getOrDefault("window-minutes", "5"));
        out =
            payments
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMinutes(minutes)))
                .count()
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .map(
                    (wk, n) -> {
                      ObjectNode row = JSON.createObjectNode();
                      row.put("card_id", wk.key());
                      row.put("n", n);
                      row.put("window_start", wk.window().start());
                      row.put("window_end", wk.window().end());
                      return KeyValue.pair(wk.key(), write(row));
                    });
      }
      case "stream-join" -> {
        KStream<String, String> auths = builder.stream(need(args, "auths"), consumed);
        long withinMs = Long.parseLong(args.getOrDefault("within-ms", "5000"));
        long graceMs = Long.parseLong(args.getOrDefault("grace-ms", "10000"));
        JoinWindows window =
            JoinWindows.ofTimeDifferenceAndGrace(
                Duration.ofMillis(withinMs), Duration.ofMillis(graceMs));
        out =
            payments.join(
                auths,
                (p, a) -> {
                  JsonNode pay = parse(p);
                  JsonNode auth = parse(a);
                  ObjectNode row = JSON.createObjectNode();
                  row.set("id", pay.get("id"));
                  row.set("card_id", pay.get("card_id"));
                  row.set("amount", pay.get("amount"));
                  row.set("auth_id", auth.get("auth_id"));
                  row.set("auth_ts", auth.get("ts"));
                  return write(row);
                },
                window,
                StreamJoined.with(STRING, STRING, STRING));
      }
      case "table-join" -> {
        KTable<String, String> cards = builder.table(need(args, "cards"), consumed);
        out =
            payments.join(
                cards,
                (p, c) -> {
                  ObjectNode pay = (ObjectNode) parse(p);
                  JsonNode card = parse(c);
                  ObjectNode row = JSON.createObjectNode();
                  row.set("id", pay.get("id"));
                  row.set("card_id", pay.get("card_id"));
                  row.set("amount", pay.get("amount"));
                  row.set("merchant", pay.get("merchant"));
                  row.set("home_country", card.get("home_country"));
                  return write(row);
                });
      }
      default -> throw new IllegalArgumentException("unknown --mode " + mode);
    }
    out.to(output, Produced.with(STRING, STRING));
    return builder.build();
  }

  private static JsonNode parse(String value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String need(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name);
    return value;
  }

  private static Map<String, String> parseArgs(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("bad argument " + argv[i]);
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    return args;
  }
}
