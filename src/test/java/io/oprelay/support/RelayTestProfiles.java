package io.oprelay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Helpers shared by test profiles. */
public final class RelayTestProfiles {

    private RelayTestProfiles() {
    }

    /** A TCP port free on loopback right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
