package io.oprelay.support;

import java.io.IOException;
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

    /**
     * A TCP port free on loopback right now, for a server a test starts later (the {@code @QuarkusTest} app, a packaged
     * relay): taken below the kernel's ephemeral range, like {@link #freePortPair()}, so that no client connection can
     * grab it before the server binds it.
     */
    public static int freePort() {
        return freeBelowEphemeralRange(1);
    }
}
