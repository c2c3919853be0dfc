package io.herald.server.contract;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.QueryParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP ingestion endpoint in the OpenAPI document. It reads its request itself (binary or
 * structured CloudEvents, a batch, or a plain body), so springdoc sees no parameters: its headers,
 * bodies and answers are written here.
 */
final class IngestionDocs {

    static final String PATH = "/api/v1/topics/{topic}/events";
    static final String CLOUD_EVENT = "CloudEvent";
    static final String EVENT_RESULT = "EventResult";
    static final String BATCH_RESULT = "BatchResult";

    /** Every header the endpoint reads, with what it means. */
    static final List<String[]> HEADERS = List.of(
            new String[] {"ce-specversion", "Binary mode: `1.0`. Its presence makes the request a binary-mode CloudEvent"},
            new String[] {"ce-id", "Binary mode: the event's id (becomes the message id); required with ce-specversion"},
            new String[] {"ce-source", "Binary mode: the producing app's name or a URI; required with ce-specversion"},
            new String[] {"ce-type", "Binary mode: the message type, declared on the topic; required with ce-specversion"},
            new String[] {"ce-time", "Binary mode: RFC 3339 time the event happened"},
            new String[] {"ce-subject", "Binary mode: the event's subject"},
            new String[] {"ce-dataschema", "Binary mode: URI of the schema the data follows"},
            new String[] {"ce-partitionkey", "The Kafka record key (CloudEvents partitioning extension): records with the same"
                    + " key keep their order"},
            new String[] {"Herald-Delay", "Deliver later: an ISO-8601 duration (PT30S) or seconds; not with Herald-Deliver-At"},
            new String[] {"Herald-Deliver-At", "Deliver at an RFC 3339 time; not with Herald-Delay"},
            new String[] {"Herald-Delay-Id", "With Herald-Delay or Herald-Deliver-At, single events only: the id to cancel the"
                    + " delayed event by (DELETE /api/v1/delayed/{id}); 1 to 200 characters"},
            new String[] {"Herald-Expires-At", "An RFC 3339 time after which the event is no longer delivered: SDK listeners"
                    + " and push processors dead-letter it with reason `expired` without handing it on (record header"
                    + " herald-expires-at); must lie ahead and after the time the event is due"});

    private IngestionDocs() {
    }

    static void apply(OpenAPI api) {
        PathItem item = api.getPaths() == null ? null : api.getPaths().get(PATH);
        if (item == null || item.getPost() == null) {
            throw new IllegalStateException("OpenAPI: the ingestion endpoint POST " + PATH + " is not in the document");
        }
        api.getComponents().addSchemas(CLOUD_EVENT, cloudEvent())
                .addSchemas(EVENT_RESULT, eventResult())
                .addSchemas(BATCH_RESULT, batchResult());
        Operation op = item.getPost();
        op.setSummary("Publish events to a topic");
        op.setDescription("One CloudEvent in binary mode (`ce-*` headers, the body is the data), in structured mode"
                + " (`application/cloudevents+json`), a plain body naming its type with `?type=`, or a batch"
                + " (`application/cloudevents-batch+json`, answered 207 with each item's status). The type must be declared"
                + " on the topic and the data must satisfy its JSON Schema. Answers once Kafka acknowledged the event.");
        List<Parameter> parameters = new ArrayList<>();
        for (Parameter p : op.getParameters() == null ? List.<Parameter>of() : op.getParameters()) {
            if ("path".equals(p.getIn())) {
                parameters.add(p);
            }
        }
        for (String[] h : HEADERS) {
            Schema<String> s = new StringSchema();
            if (h[0].equals("ce-specversion")) {
                s.setEnum(List.of("1.0"));
            }
            if (h[0].equals("Herald-Delay-Id")) {
                s.minLength(1).maxLength(200);
            }
            if (h[0].equals("Herald-Deliver-At") || h[0].equals("Herald-Expires-At") || h[0].equals("ce-time")) {
                s.format("date-time");
            }
            parameters.add(new HeaderParameter().name(h[0]).description(h[1]).required(false).schema(s));
        }
        parameters.add(new QueryParameter().name("type").required(false).schema(new StringSchema())
                .description("Plain body (no ce-specversion, not structured): the message type"));
        parameters.add(new QueryParameter().name("key").required(false).schema(new StringSchema())
                .description("Plain body: the Kafka record key"));
        op.setParameters(parameters);
        Schema<?> ref = new Schema<>().$ref("#/components/schemas/" + CLOUD_EVENT);
        op.setRequestBody(new RequestBody().required(false).description("The event, the data of a binary-mode event, or a batch")
                .content(new Content()
                        .addMediaType("application/json", new MediaType().schema(new Schema<>()
                                .description("Binary mode or plain body: the data, validated against the type's JSON Schema")))
                        .addMediaType("application/cloudevents+json", new MediaType().schema(ref))
                        .addMediaType("application/cloudevents-batch+json", new MediaType().schema(new ArraySchema().items(ref)))
                        .addMediaType("application/octet-stream", new MediaType().schema(new BinarySchema()
                                .description("Binary mode or plain body with data that is not JSON (types without a schema)")))));
        ApiResponses responses = new ApiResponses();
        responses.addApiResponse("201", new ApiResponse()
                .description("Kafka acknowledged the event, or it is stored for later delivery (then `Location` names it)")
                .content(new Content().addMediaType("application/json", new MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/" + EVENT_RESULT)))));
        responses.addApiResponse("207", new ApiResponse().description("A batch: each item's status, result or problem")
                .content(new Content().addMediaType("application/json", new MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/" + BATCH_RESULT)))));
        op.setResponses(responses);
        OpenApiConfig.problem(responses, "413", "The event or the batch is larger than herald.ingest.max-event-size or"
                + " max-batch-size / max-batch-events");
        OpenApiConfig.problem(responses, "415", "A content type the endpoint cannot read");
    }

    private static Schema<?> cloudEvent() {
        Schema<Object> s = new ObjectSchema().description("A CloudEvent 1.0 in structured mode (JSON format)")
                .addProperty("specversion", new StringSchema()._enum(List.of("1.0")))
                .addProperty("id", new StringSchema().minLength(1))
                .addProperty("source", new StringSchema().minLength(1).description("The producing app or a URI"))
                .addProperty("type", new StringSchema().minLength(1).description("A message type declared on the topic"))
                .addProperty("time", new StringSchema().format("date-time"))
                .addProperty("subject", new StringSchema())
                .addProperty("dataschema", new StringSchema().format("uri"))
                .addProperty("datacontenttype", new StringSchema().description("application/json when absent and data is given"))
                .addProperty("partitionkey", new StringSchema().description("The Kafka record key"))
                .addProperty("data", new Schema<>().description("The payload, validated against the type's JSON Schema"))
                .addProperty("data_base64", new StringSchema().format("byte").description("A binary payload, base64"));
        s.setRequired(List.of("specversion", "id", "source", "type"));
        return s;
    }

    private static Schema<?> eventResult() {
        return new ObjectSchema()
                .addProperty("id", new StringSchema().description("The message id"))
                .addProperty("topic", new StringSchema())
                .addProperty("partition", new IntegerSchema().description("Where Kafka wrote it; absent for a delayed event"))
                .addProperty("offset", new IntegerSchema().format("int64"))
                .addProperty("dueAt", new StringSchema().format("date-time").description("A delayed event: when it is delivered"))
                .addProperty("delayId", new StringSchema().description("A delayed event: the id to cancel it by"));
    }

    private static Schema<?> batchResult() {
        Schema<Object> item = new ObjectSchema()
                .addProperty("index", new IntegerSchema().minimum(java.math.BigDecimal.ZERO))
                .addProperty("status", new IntegerSchema().description("201, or the status of the item's problem"))
                .addProperty("id", new StringSchema())
                .addProperty("partition", new IntegerSchema())
                .addProperty("offset", new IntegerSchema().format("int64"))
                .addProperty("dueAt", new StringSchema().format("date-time"))
                .addProperty("delayId", new StringSchema())
                .addProperty("title", new StringSchema().description("A failed item: the problem's title"))
                .addProperty("detail", new StringSchema())
                .addProperty("field", new StringSchema());
        item.setRequired(List.of("index", "status"));
        return new ObjectSchema().addProperty("items", new ArraySchema().items(item));
    }
}
