package io.oprelay.events;

import java.util.Map;

/**
 * Topics of the event contract owned by other packages (hints, commands, dead letters): a CDI bean of the owning
 * package names them by their AsyncAPI channel id, so the contract reads the configured names without depending on
 * those packages.
 */
public interface ChannelAddresses {

    /** The configured topic of each channel this package writes, by channel id of the AsyncAPI document. */
    Map<String, String> addresses();
}
