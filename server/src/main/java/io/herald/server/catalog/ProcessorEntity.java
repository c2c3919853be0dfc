package io.herald.server.catalog;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OneToOne;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "processor")
class ProcessorEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @OneToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "binding_id")
    BindingEntity binding;

    @Enumerated(EnumType.STRING)
    ProcessorProtocol protocol;

    String address;

    @Column(name = "timeout_ms")
    long timeoutMs;

    @Column(name = "retry_interval_ms")
    long retryIntervalMs;

    @Column(name = "retry_count")
    int retryCount;

    @Column(name = "retry_exponential")
    boolean retryExponential;

    /** Extra statuses retried like a 5xx, comma-separated ("404,409"); 429 always is. */
    @Column(name = "retry_status_codes", nullable = false)
    String retryStatusCodes = "";

    int concurrency;

    @Column(name = "rate_per_second")
    Integer ratePerSecond;

    boolean paused;

    /** Sent back to the endpoint with every event; empty for none. */
    @Column(name = "pass_back", nullable = false)
    String passBack = "";

    /** The endpoint gets each event this long after it was written (0: at once). */
    @Column(name = "processing_delay_ms", nullable = false)
    long processingDelayMs;

    /** Where a new processor's group starts: earliest, latest, an ISO-8601 time; empty for the server's default. */
    @Column(name = "start_position", nullable = false)
    String startPosition = "";

    @Column(name = "created_at", nullable = false)
    Instant createdAt = Instant.now();

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt = Instant.now();

    ProcessorView view() {
        return new ProcessorView(id, binding.id, binding.app.name, binding.groupName, binding.topic.name, protocol,
                address, timeoutMs, retryIntervalMs, retryCount, retryExponential, ProcessorView.parseCodes(retryStatusCodes), concurrency, ratePerSecond, paused,
                passBack, processingDelayMs, startPosition, createdAt, updatedAt);
    }
}
