package dev.vigil.bench.cep;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.cep.time.TimerService;

/**
 * Flink CEP's NFA, driven directly per key as flink-cep's NFATestHarness does (no cluster, no
 * DataStream job), with what CepOperator adds around it for event time: one NFAState per key, one
 * SharedBuffer over keyed state (scoped to the current key, as a heap state backend is), before
 * each event {@code advanceTime} to its time then {@code process}, and a timer at
 * {@code start + within} for each new partial match (it advances the key's time, which prunes
 * timed-out partial matches and releases the completed matches they held back). Not included:
 * CepOperator's per-key element queue (it buffers each event until the watermark passes; the
 * input here is already in event-time order) and state serialization (heap state keeps objects).
 */
final class FlinkNfa implements Engine {
    static final Duration WITHIN = Duration.ofMinutes(10);

    /** small (amount under 2) followed by big (over 500, another merchant), within 10 minutes, skip past last. */
    static Pattern<Payment, ?> pattern() {
        return Pattern.<Payment>begin("small", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(p -> p.amount < 2))
                .followedBy("big")
                .where(
                        new IterativeCondition<Payment>() {
                            @Override
                            public boolean filter(Payment p, Context<Payment> ctx) throws Exception {
                                if (!(p.amount > 500)) return false;
                                for (Payment small : ctx.getEventsForPattern("small")) {
                                    return !p.merchant.equals(small.merchant);
                                }
                                return false;
                            }
                        })
                .within(WITHIN);
    }

    private record Timer(long time, String key) {}

    private static final TimerService NO_PROCESSING_TIME = () -> 0L;

    private final NFA<Payment> nfa;
    private final AfterMatchSkipStrategy skip;
    private final KeyedHeapStateStore state = new KeyedHeapStateStore();
    private final SharedBuffer<Payment> buffer;
    private final Map<String, NFAState> nfaStates = new HashMap<>();
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>((a, b) -> Long.compare(a.time(), b.time()));
    private final Set<Timer> timerSet = new HashSet<>();
    private final List<Match> found = new ArrayList<>();

    FlinkNfa() throws Exception {
        Pattern<Payment, ?> pattern = pattern();
        skip = pattern.getAfterMatchSkipStrategy();
        nfa = NFACompiler.compileFactory(pattern, false).createNFA();
        // Not opened: the conditions are plain (not rich) ones, and NFATestHarness does not open either.
        buffer =
                new SharedBuffer<>(
                        state,
                        TypeInformation.of(Payment.class).createSerializer(new SerializerConfigImpl()));
    }

    @Override
    public void accept(Payment p) throws Exception {
        while (!timers.isEmpty() && timers.peek().time() <= p.ts) {
            Timer t = timers.poll();
            timerSet.remove(t);
            onTimer(t);
        }
        String key = p.cardId;
        state.setCurrentKey(key);
        NFAState nfaState = nfaStates.get(key);
        if (nfaState == null) nfaState = nfa.createInitialNFAState();
        advance(nfaState, p.ts);
        try (SharedBufferAccessor<Payment> accessor = buffer.getAccessor()) {
            collect(nfa.process(accessor, nfaState, p, p.ts, skip, NO_PROCESSING_TIME));
        }
        if (nfaState.isNewStartPartialMatch()) {
            Timer t = new Timer(p.ts + WITHIN.toMillis(), key);
            if (timerSet.add(t)) timers.add(t);
        }
        store(key, nfaState);
    }

    private void onTimer(Timer t) throws Exception {
        NFAState nfaState = nfaStates.get(t.key());
        if (nfaState == null) return;
        state.setCurrentKey(t.key());
        advance(nfaState, t.time());
        store(t.key(), nfaState);
    }

    private void advance(NFAState nfaState, long time) throws Exception {
        try (SharedBufferAccessor<Payment> accessor = buffer.getAccessor()) {
            Tuple2<Collection<Map<String, List<Payment>>>, Collection<Tuple2<Map<String, List<Payment>>, Long>>>
                    out = nfa.advanceTime(accessor, nfaState, time, skip);
            collect(out.f0);
        }
    }

    /** As CepOperator.updateNFA, and its removal of a key whose only partial match is the start state. */
    private void store(String key, NFAState nfaState) {
        nfaState.resetStateChanged();
        nfaState.resetNewStartPartialMatch();
        if (nfaState.getPartialMatches().size() == 1 && nfaState.getCompletedMatches().isEmpty()) {
            nfaStates.remove(key);
        } else {
            nfaStates.put(key, nfaState);
        }
    }

    private void collect(Collection<Map<String, List<Payment>>> matches) {
        for (Map<String, List<Payment>> m : matches) {
            Payment small = m.get("small").get(0);
            Payment big = m.get("big").get(0);
            found.add(new Match(small.cardId, small.paymentId, small.seq, big.paymentId, big.seq));
        }
    }

    @Override
    public List<Match> finish() throws Exception {
        for (String key : new ArrayList<>(nfaStates.keySet())) {
            state.setCurrentKey(key);
            NFAState nfaState = nfaStates.get(key);
            advance(nfaState, Long.MAX_VALUE);
            store(key, nfaState);
        }
        return found;
    }

    @Override
    public void close() throws Exception {
        buffer.releaseCacheStatisticsTimer();
    }
}
