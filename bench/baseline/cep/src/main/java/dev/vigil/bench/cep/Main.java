package dev.vigil.bench.cep;

import com.espertech.esper.common.client.EPCompiled;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code java -jar cep-bench.jar <mode> <events.jsonl> <loops>}: runs one engine on the card-testing
 * pattern {@code loops} times over the events file and prints one JSON line per loop.
 *
 * <p>Modes: {@code esper-mr} (MATCH_RECOGNIZE), {@code esper-epl} (EPL pattern, then skip-past-last
 * selection), {@code flink-nfa} (Flink CEP's NFA per key), {@code decode} (Jackson only, no engine).
 *
 * <p>Timed, per loop: decoding every line (held in memory as text, read from the file before the
 * first loop) with Jackson into a {@link Payment}, a fresh engine instance fed every payment in file
 * (event-time) order, the end of input, and counting the matches. Not timed: reading the file,
 * compiling the EPL (once), and the digest of the matches.
 *
 * <p>With the environment variable {@code CEP_BENCH_PRINT_MATCHES} set, every match of every loop is
 * also printed to stderr (to see where two engines differ).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: cep-bench <esper-mr|esper-epl|flink-nfa|decode> <events.jsonl> <loops>");
            System.exit(2);
        }
        String mode = args[0];
        List<String> lines = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        lines.removeIf(String::isBlank);
        int loops = Integer.parseInt(args[2]);
        ObjectReader reader = new ObjectMapper().readerFor(Payment.class);
        long startTime = reader.<Payment>readValue(lines.get(0)).ts;

        EPCompiled compiled = null;
        if (mode.startsWith("esper-")) {
            long c0 = System.nanoTime();
            compiled = Esper.compile(mode.equals("esper-mr") ? Esper.MATCH_RECOGNIZE : Esper.EPL_PATTERN);
            System.err.printf(Locale.ROOT, "%s: EPL compiled in %.2f s (not timed)%n", mode, (System.nanoTime() - c0) / 1e9);
        } else if (!mode.equals("flink-nfa") && !mode.equals("decode")) {
            throw new IllegalArgumentException("unknown mode " + mode);
        }

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int loop = 1; loop <= loops; loop++) {
            Engine engine =
                    switch (mode) {
                        case "esper-mr" -> new Esper.Run(compiled, "mr-" + loop, startTime, false);
                        case "esper-epl" -> new Esper.Run(compiled, "epl-" + loop, startTime, true);
                        case "flink-nfa" -> new FlinkNfa();
                        default -> null;
                    };
            long cpu0 = os.getProcessCpuTime();
            long thread0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            List<Match> matches;
            long seq = 0;
            if (engine == null) {
                long kept = 0;
                for (String line : lines) {
                    Payment p = reader.readValue(line);
                    p.seq = seq++;
                    if (p.amount < 2) kept++;
                }
                matches = List.of();
                if (kept < 0) throw new IllegalStateException();
            } else {
                for (String line : lines) {
                    Payment p = reader.readValue(line);
                    p.seq = seq++;
                    engine.accept(p);
                }
                matches = engine.finish();
            }
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            long thread = threads.getCurrentThreadCpuTime() - thread0;
            long candidates = engine == null ? -1 : engine.candidates();
            if (System.getenv("CEP_BENCH_PRINT_MATCHES") != null) {
                for (Match m : matches) System.err.println(mode + " match " + m);
            }
            if (engine != null) engine.close();
            System.out.printf(
                    Locale.ROOT,
                    "{\"engine\":\"%s\",\"loop\":%d,\"events\":%d,\"matches\":%d,\"candidates\":%s,"
                            + "\"wall_s\":%.4f,\"cpu_s\":%.4f,\"thread_cpu_s\":%.4f,\"digest\":\"%s\"}%n",
                    mode,
                    loop,
                    lines.size(),
                    matches.size(),
                    candidates < 0 ? "null" : Long.toString(candidates),
                    wall / 1e9,
                    cpu / 1e9,
                    thread / 1e9,
                    digest(matches));
            System.out.flush();
        }
        System.exit(0); // Flink's shared buffer starts a statistics timer thread
    }

    /** SHA-256 of the sorted "smallId>bigId" lines, 16 hex digits: equal sets of matches, equal digests. */
    static String digest(List<Match> matches) throws Exception {
        List<String> pairs = new ArrayList<>(matches.size());
        for (Match m : matches) pairs.add(m.smallId() + ">" + m.bigId());
        pairs.sort(null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(String.join("\n", pairs).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }
}
