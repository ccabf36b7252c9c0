package io.oprelay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Helpers shared by test profiles. */
public final class RelayTestProfiles {

    private RelayTestProfiles() {
    }

    /**
     * A port free on loopback whose successor is free too (the embedded broker's controller listens on the next
     * port), taken below the kernel's ephemeral range so that no client connection can grab either meanwhile.
     */
    public static int freePortPair() {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + random.nextInt(10_000);
            try (ServerSocket first = new ServerSocket(port); ServerSocket second = new ServerSocket(port + 1)) {
                first.setReuseAddress(true);
                second.setReuseAddress(true);
                return port;
            } catch (IOException taken) {
                // try another pair
            }
        }
        throw new IllegalStateException("no two consecutive free ports between 20000 and 30000");
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
