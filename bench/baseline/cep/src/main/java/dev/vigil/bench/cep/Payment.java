package dev.vigil.bench.cep;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One payment, decoded from a line of the events file (the JSON the TypeScript generator writes).
 * Getters make it an Esper bean event type; {@code seq} is its line number, set after decoding (the
 * EPL pattern's skip-past-last selection orders matches by it).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class Payment {
    @JsonProperty("payment_id")
    public String paymentId;

    @JsonProperty("card_id")
    public String cardId;

    @JsonProperty("amount")
    public double amount;

    @JsonProperty("merchant")
    public String merchant;

    /** Event time, epoch ms. */
    @JsonProperty("ts")
    public long ts;

    public long seq;

    public String getPaymentId() {
        return paymentId;
    }

    public String getCardId() {
        return cardId;
    }

    public double getAmount() {
        return amount;
    }

    public String getMerchant() {
        return merchant;
    }

    public long getTs() {
        return ts;
    }

    public long getSeq() {
        return seq;
    }
}
