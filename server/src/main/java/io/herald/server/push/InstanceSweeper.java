package io.herald.server.push;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Removes SDK instances that sent no heartbeat for {@code herald.push.forget-after} (killed without
 * closing, or their close could not reach the control plane). Every server instance runs it; the
 * delete is idempotent, so N instances need no coordination.
 */
@Component
class InstanceSweeper implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(InstanceSweeper.class);

    private final ClientInstances instances;
    private final PushProperties props;
    private ScheduledExecutorService thread;

    InstanceSweeper(ClientInstances instances, PushProperties props) {
        this.instances = instances;
        this.props = props;
    }

    @Override
    public void afterPropertiesSet() {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-instance-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = props.forgetCheck().toMillis();
        thread.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    void sweep() {
        try {
            int n = instances.forget(props.forgetAfter());
            if (n > 0) {
                log.info("Removed {} SDK instance(s) without heartbeat for {} (herald.push.forget-after)", n, props.forgetAfter());
            }
        } catch (RuntimeException e) {
            log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Could not remove SDK instances without heartbeat for {}: {}", props.forgetAfter(), e.toString());
        }
    }

    @Override
    public void destroy() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
