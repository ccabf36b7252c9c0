package io.oprelay.twilio;

import java.nio.charset.StandardCharsets;

/**
 * One OperatorResult as received: the exact JSON bytes Twilio sent for it (what gets published) and the typed view
 * parsed from those bytes (what the relay reasons about).
 */
public record RawResult(OperatorResult view, byte[] json) {

    public String id() {
        return view.id();
    }

    public String jsonText() {
        return new String(json, StandardCharsets.UTF_8);
    }
}
