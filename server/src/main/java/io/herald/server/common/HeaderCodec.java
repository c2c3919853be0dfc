package io.herald.server.common;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Kafka headers as one byte array for a database column (delayed events, pending transactions): a count, then for each header its UTF-8
 * name and its value, each length-prefixed (value length -1 = null). Binary rather than JSON so
 * that 100,000 due events are decoded in milliseconds and header bytes pass through untouched.
 */
public final class HeaderCodec {

    private HeaderCodec() {
    }

    public static byte[] encode(Iterable<Header> headers, Set<String> skip) {
        List<Header> kept = new ArrayList<>();
        for (Header h : headers) {
            if (!skip.contains(h.key())) {
                kept.add(h);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + kept.size() * 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(kept.size());
            for (Header h : kept) {
                byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
                out.writeShort(name.length);
                out.write(name);
                if (h.value() == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(h.value().length);
                    out.write(h.value());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static List<Header> decode(byte[] encoded) {
        if (encoded == null) {
            return new ArrayList<>();
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(encoded))) {
            int count = in.readInt();
            List<Header> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[in.readShort()];
                in.readFully(name);
                int length = in.readInt();
                byte[] value = null;
                if (length >= 0) {
                    value = new byte[length];
                    in.readFully(value);
                }
                out.add(new RecordHeader(new String(name, StandardCharsets.UTF_8), value));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt header block in the timer table", e);
        }
    }
}
