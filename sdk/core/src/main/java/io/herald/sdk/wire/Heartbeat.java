package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What an SDK instance posts to {@code POST /api/v1/clients/heartbeat} (every 10 s by default).
 *
 * @param app                  the app
 * @param instanceId           stable id of this SDK instance for its lifetime
 * @param host                 host name
 * @param sdkVersion           Herald SDK version
 * @param appliedConfigVersion config version the instance runs
 * @param transactionChecker   whether the instance answers two-phase check-backs (has a {@code TransactionChecker});
 *                             absent (null) from SDKs that predate it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Heartbeat(String app, String instanceId, String host, String sdkVersion, long appliedConfigVersion,
                        Boolean transactionChecker) {

    /** A heartbeat of an instance without a transaction checker. */
    public Heartbeat(String app, String instanceId, String host, String sdkVersion, long appliedConfigVersion) {
        this(app, instanceId, host, sdkVersion, appliedConfigVersion, false);
    }
}
