package dev.vigil.bench.cep;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Esper 9 on the card-testing pattern, in external (event) time: before each event the runtime's
 * clock is advanced to the event's time, so timers due by then fire first (a 10-minute bound is
 * strict, as in Vigil and Flink).
 */
final class Esper {
    private Esper() {}

    /**
     * MATCH_RECOGNIZE per card. {@code x*?} (reluctant, any event within 10 minutes of {@code s})
     * between {@code s} and {@code b} gives relaxed contiguity: {@code b} is the first later event
     * that satisfies b's condition; an event 10 minutes or more after {@code s} ends the attempt.
     */
    static final String MATCH_RECOGNIZE =
            "@name('card_testing') select * from Payment\n"
                    + "match_recognize (\n"
                    + "  partition by cardId\n"
                    + "  measures s.cardId as card, s.paymentId as sid, s.seq as sseq,\n"
                    + "           b.paymentId as bid, b.seq as bseq\n"
                    + "  after match skip past last row\n"
                    + "  pattern (s x*? b)\n"
                    + "  define\n"
                    + "    s as s.amount < 2,\n"
                    + "    x as x.ts - s.ts < 600000,\n"
                    + "    b as b.amount > 500 and b.merchant != s.merchant and b.ts - s.ts < 600000\n"
                    + ")";

    /**
     * An EPL pattern: every small payment starts a search for the first later big payment of the
     * same card at another merchant, within 10 minutes. EPL patterns have no after-match skip, so
     * these overlapping candidates are reduced to skip-past-last matches by {@link #skipPastLast}.
     */
    static final String EPL_PATTERN =
            "@name('card_testing') select s.cardId as card, s.paymentId as sid, s.seq as sseq,\n"
                    + "  b.paymentId as bid, b.seq as bseq\n"
                    + "from pattern [every s=Payment(amount < 2) ->\n"
                    + "  (b=Payment(cardId = s.cardId, amount > 500, merchant != s.merchant)\n"
                    + "   where timer:within(10 min))]";

    static Configuration configuration() {
        Configuration config = new Configuration();
        config.getCommon().addEventType("Payment", Payment.class);
        config.getRuntime().getThreading().setInternalTimerEnabled(false);
        return config;
    }

    /** Compiles once (outside the timed loops); each engine instance deploys the result. */
    static EPCompiled compile(String epl) throws Exception {
        return EPCompilerProvider.getCompiler().compile(epl, new CompilerArguments(configuration()));
    }

    /** One runtime with the statement deployed; a match is a listener call. */
    static final class Run implements Engine {
        private final EPRuntime runtime;
        private final EPEventService events;
        private final boolean selectSkipPastLast;
        private final List<Match> found = new ArrayList<>();

        Run(EPCompiled compiled, String uri, long startTime, boolean selectSkipPastLast) throws Exception {
            this.selectSkipPastLast = selectSkipPastLast;
            runtime = EPRuntimeProvider.getRuntime(uri, configuration());
            runtime.initialize();
            events = runtime.getEventService();
            events.advanceTime(startTime);
            EPDeployment deployment = runtime.getDeploymentService().deploy(compiled);
            EPStatement statement =
                    runtime.getDeploymentService().getStatement(deployment.getDeploymentId(), "card_testing");
            statement.addListener(
                    (newEvents, oldEvents, st, rt) -> {
                        if (newEvents == null) return;
                        for (EventBean e : newEvents) {
                            found.add(
                                    new Match(
                                            (String) e.get("card"),
                                            (String) e.get("sid"),
                                            (Long) e.get("sseq"),
                                            (String) e.get("bid"),
                                            (Long) e.get("bseq")));
                        }
                    });
        }

        @Override
        public void accept(Payment p) {
            events.advanceTime(p.ts);
            events.sendEventBean(p, "Payment");
        }

        @Override
        public List<Match> finish() {
            return selectSkipPastLast ? skipPastLast(found) : found;
        }

        @Override
        public long candidates() {
            return selectSkipPastLast ? found.size() : -1;
        }

        @Override
        public void close() {
            runtime.destroy();
        }
    }

    /**
     * Skip past last row over candidates that have at most one match per start: per card, in start
     * order, a candidate is kept when it starts after the last kept one ended.
     */
    static List<Match> skipPastLast(List<Match> candidates) {
        Map<String, List<Match>> byCard = new HashMap<>();
        for (Match m : candidates) byCard.computeIfAbsent(m.cardId(), k -> new ArrayList<>()).add(m);
        List<Match> kept = new ArrayList<>();
        for (List<Match> ms : byCard.values()) {
            ms.sort(Comparator.comparingLong(Match::smallSeq));
            long cursor = -1;
            for (Match m : ms) {
                if (m.smallSeq() > cursor) {
                    kept.add(m);
                    cursor = m.bigSeq();
                }
            }
        }
        return kept;
    }
}
