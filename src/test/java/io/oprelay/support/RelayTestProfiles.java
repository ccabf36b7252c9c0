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
        return freeBelowEphemeralRange(2);
    }

    /**
     * A port free on loopback for a server the test starts later (the {@code @QuarkusTest} HTTP port), taken below the
     * kernel's ephemeral range for the same reason as {@link #freePortPair()}.
     */
    public static int freeServerPort() {
        return freeBelowEphemeralRange(1);
    }

    private static int freeBelowEphemeralRange(int consecutive) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + random.nextInt(10_000);
            if (allFree(port, consecutive)) {
                return port;
            }
        }
        throw new IllegalStateException("no " + consecutive + " consecutive free ports between 20000 and 30000");
    }

    private static boolean allFree(int first, int consecutive) {
        java.util.List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            for (int port = first; port < first + consecutive; port++) {
                ServerSocket socket = new ServerSocket(port);
                socket.setReuseAddress(true);
                held.add(socket);
            }
            return true;
        } catch (IOException taken) {
            return false;
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe socket cannot lose anything
                }
            }
        }
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
