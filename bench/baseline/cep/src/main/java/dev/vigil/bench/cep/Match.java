package dev.vigil.bench.cep;

/** One match: the small payment and the big one, by id (and line number, for ordering). */
public record Match(String cardId, String smallId, long smallSeq, String bigId, long bigSeq) {}
