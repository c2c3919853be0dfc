package io.herald.server.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.v1.proto.CloudEvent.CloudEventAttributeValue;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * CloudEvents in their protobuf format ({@code io.cloudevents.v1.CloudEvent} of the CloudEvents
 * spec, generated in io.cloudevents:cloudevents-protobuf) to and from the CloudEvents SDK's events.
 * Written here rather than through that module's {@code ProtobufFormat}, which reads only bytes:
 * gRPC already parsed the message, and a second parse would cost as much as the call. Attribute
 * errors name the attribute, as HTTP's {@code ce-*} errors do.
 */
public final class ProtoEvents {

    private ProtoEvents() {
    }

    /** The SDK event of a protobuf one; {@link ValidationException} naming {@code prefix + attribute} when it breaks the spec. */
    public static CloudEvent toEvent(io.cloudevents.v1.proto.CloudEvent proto, String prefix) {
        if (proto.getSpecVersion().isEmpty()) {
            throw new ValidationException(prefix + "spec_version", "is required (\"1.0\")");
        }
        SpecVersion version;
        try {
            version = SpecVersion.parse(proto.getSpecVersion());
        } catch (RuntimeException e) {
            throw new ValidationException(prefix + "spec_version", "'" + proto.getSpecVersion() + "' is not a CloudEvents version (\"1.0\")");
        }
        if (proto.getId().isEmpty()) {
            throw new ValidationException(prefix + "id", "is required");
        }
        if (proto.getSource().isEmpty()) {
            throw new ValidationException(prefix + "source", "is required");
        }
        if (proto.getType().isEmpty()) {
            throw new ValidationException(prefix + "type", "is required");
        }
        CloudEventBuilder b = CloudEventBuilder.fromSpecVersion(version).withId(proto.getId()).withType(proto.getType())
                .withSource(uri(proto.getSource(), prefix + "source"));
        String contentType = null;
        for (Map.Entry<String, CloudEventAttributeValue> a : proto.getAttributesMap().entrySet()) {
            String name = a.getKey();
            CloudEventAttributeValue v = a.getValue();
            switch (name) {
                case "datacontenttype" -> contentType = text(v, prefix + name);
                case "dataschema" -> b.withDataSchema(uri(text(v, prefix + name), prefix + name));
                case "subject" -> b.withSubject(text(v, prefix + name));
                case "time" -> b.withTime(time(v, prefix + name));
                default -> extension(b, name, v, prefix);
            }
        }
        switch (proto.getDataCase()) {
            case BINARY_DATA -> b.withData(contentType, proto.getBinaryData().toByteArray());
            case TEXT_DATA -> b.withData(contentType == null ? "text/plain" : contentType,
                    proto.getTextData().getBytes(StandardCharsets.UTF_8));
            case PROTO_DATA -> b.withData(contentType == null ? "application/protobuf" : contentType,
                    proto.getProtoData().toByteArray());
            default -> {
                if (contentType != null) {
                    b.withDataContentType(contentType);
                }
            }
        }
        return b.build();
    }

    /** The protobuf event of a Kafka record's headers and value (what a push processor sends). */
    public static io.cloudevents.v1.proto.CloudEvent.Builder builder(String id, String source, String type, String contentType,
                                                                     String time, byte[] data) {
        io.cloudevents.v1.proto.CloudEvent.Builder b = io.cloudevents.v1.proto.CloudEvent.newBuilder()
                .setSpecVersion("1.0").setId(nz(id)).setSource(nz(source)).setType(nz(type));
        if (contentType != null) {
            b.putAttributes("datacontenttype", string(contentType));
        }
        if (time != null) {
            try {
                Instant t = OffsetDateTime.parse(time).toInstant();
                b.putAttributes("time", CloudEventAttributeValue.newBuilder().setCeTimestamp(Timestamp.newBuilder()
                        .setSeconds(t.getEpochSecond()).setNanos(t.getNano())).build());
            } catch (RuntimeException e) {
                b.putAttributes("time", string(time));
            }
        }
        if (data != null && data.length > 0) {
            if (contentType != null && (contentType.startsWith("text/") || contentType.contains("json"))) {
                b.setTextData(new String(data, StandardCharsets.UTF_8));
            } else {
                b.setBinaryData(ByteString.copyFrom(data));
            }
        }
        return b;
    }

    public static CloudEventAttributeValue string(String value) {
        return CloudEventAttributeValue.newBuilder().setCeString(value).build();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static void extension(CloudEventBuilder b, String name, CloudEventAttributeValue v, String prefix) {
        if (!name.matches("[a-z0-9]{1,20}")) {
            throw new ValidationException(prefix + "attributes", "'" + name
                    + "' is not a CloudEvents attribute name (lower-case letters and digits, at most 20)");
        }
        switch (v.getAttrCase()) {
            case CE_BOOLEAN -> b.withExtension(name, v.getCeBoolean());
            case CE_INTEGER -> b.withExtension(name, v.getCeInteger());
            case CE_STRING -> b.withExtension(name, v.getCeString());
            case CE_BYTES -> b.withExtension(name, v.getCeBytes().toByteArray());
            case CE_URI -> b.withExtension(name, uri(v.getCeUri(), prefix + name));
            case CE_URI_REF -> b.withExtension(name, uri(v.getCeUriRef(), prefix + name));
            case CE_TIMESTAMP -> b.withExtension(name, offset(v.getCeTimestamp()));
            default -> throw new ValidationException(prefix + name, "has no value");
        }
    }

    private static String text(CloudEventAttributeValue v, String field) {
        return switch (v.getAttrCase()) {
            case CE_STRING -> v.getCeString();
            case CE_URI -> v.getCeUri();
            case CE_URI_REF -> v.getCeUriRef();
            default -> throw new ValidationException(field, "must be a string");
        };
    }

    private static OffsetDateTime time(CloudEventAttributeValue v, String field) {
        return switch (v.getAttrCase()) {
            case CE_TIMESTAMP -> offset(v.getCeTimestamp());
            case CE_STRING -> TimeInput.RFC_3339.read(field, v.getCeString());
            default -> throw new ValidationException(field, "must be a timestamp");
        };
    }

    private static OffsetDateTime offset(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).atOffset(ZoneOffset.UTC);
    }

    private static URI uri(String value, String field) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new ValidationException(field, "is not a URI reference: " + e.getMessage());
        }
    }
}
