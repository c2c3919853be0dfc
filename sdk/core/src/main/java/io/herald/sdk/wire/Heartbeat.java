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
 * @param applyErrorVersion    the newest config version the instance received but could not apply (it keeps
 *                             running on {@code appliedConfigVersion}); null while it applies what it gets,
 *                             and from SDKs that predate it
 * @param applyError           why it could not apply {@code applyErrorVersion}, at most {@link #MAX_APPLY_ERROR}
 *                             characters; null when there is no such version
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Heartbeat(String app, String instanceId, String host, String sdkVersion, long appliedConfigVersion,
                        Boolean transactionChecker, Long applyErrorVersion, String applyError) {

    /** The longest {@link #applyError} the control plane takes; the SDK cuts longer ones. */
    public static final int MAX_APPLY_ERROR = 2000;

    /** A heartbeat of an instance that applied every config it received. */
    public Heartbeat(String app, String instanceId, String host, String sdkVersion, long appliedConfigVersion,
                     Boolean transactionChecker) {
        this(app, instanceId, host, sdkVersion, appliedConfigVersion, transactionChecker, null, null);
    }

    /** A heartbeat of an instance without a transaction checker. */
    public Heartbeat(String app, String instanceId, String host, String sdkVersion, long appliedConfigVersion) {
        this(app, instanceId, host, sdkVersion, appliedConfigVersion, false);
    }
}
