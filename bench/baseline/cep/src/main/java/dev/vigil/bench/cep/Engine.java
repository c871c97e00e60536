package dev.vigil.bench.cep;

import java.util.List;

/** One engine run over the events: a fresh instance per loop, fed in event-time order. */
public interface Engine extends AutoCloseable {
    /** Feeds one payment (its event time is {@code p.ts}; times never decrease). */
    void accept(Payment p) throws Exception;

    /** Ends the input (releases what waits for time to pass) and returns every match. */
    List<Match> finish() throws Exception;

    /** Matches found before the engine's own skip-past-last selection (-1 when there is none). */
    default long candidates() {
        return -1;
    }

    @Override
    default void close() throws Exception {}
}
