package io.herald.sdk.internal.listen;

import io.herald.sdk.Message;
import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.wire.HeraldHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/** A received record seen as a {@link Message}; headers are decoded only when asked for. */
public final class DeliveredMessage<T> implements Message<T> {

    private final IncomingRecord record;
    private final String type;
    private final T payload;
    int attempt = 1;

    public DeliveredMessage(IncomingRecord record, String type, T payload) {
        this.record = record;
        this.type = type;
        this.payload = payload;
    }

    @Override
    public String id() {
        String id = WireHeaders.text(record.headers(), HeraldHeaders.CE_ID);
        return id != null ? id : record.topic() + "-" + record.partition() + "-" + record.offset();
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String source() {
        String source = WireHeaders.text(record.headers(), HeraldHeaders.CE_SOURCE);
        return source == null ? "" : source;
    }

    @Override
    public String key() {
        byte[] key = record.key();
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    @Override
    public T payload() {
        return payload;
    }

    @Override
    public String contentType() {
        String ct = WireHeaders.text(record.headers(), HeraldHeaders.CONTENT_TYPE);
        return ct == null ? "" : ct;
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String header(String name) {
        return WireHeaders.text(record.headers(), name);
    }

    @Override
    public String topic() {
        return record.topic();
    }

    @Override
    public int partition() {
        return record.partition();
    }

    @Override
    public long offset() {
        return record.offset();
    }

    @Override
    public Instant time() {
        Instant time = WireHeaders.time(record.headers());
        return time != null ? time : timestamp();
    }

    @Override
    public Instant timestamp() {
        return record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp());
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public String toString() {
        return "Message[" + record.topic() + "-" + record.partition() + "@" + record.offset() + ", type=" + type + "]";
    }
}
