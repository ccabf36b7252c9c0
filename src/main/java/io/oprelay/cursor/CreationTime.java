package io.oprelay.cursor;

import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.Ttid;

import java.time.Instant;

/** When a result was created, as far as the cursor can tell. */
final class CreationTime {

    private CreationTime() {
    }

    /** {@code dateCreated}, else the time in its id, else {@code now} (so the result is kept in the window). */
    static long of(RawResult result, Instant now) {
        if (result.view().dateCreated() != null) {
            return result.view().dateCreated().toEpochMilli();
        }
        return Ttid.creationTime(result.id()).orElse(now).toEpochMilli();
    }
}
