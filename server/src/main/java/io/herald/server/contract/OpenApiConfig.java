package io.herald.server.contract;

import io.herald.server.security.Caller;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of the management API ({@code /v3/api-docs}, Swagger UI at
 * {@code /swagger-ui.html}): springdoc reads the controllers; this adds what it cannot see — the
 * bearer scheme, the problem+json answers every endpoint may give, the request bodies' rules as
 * the services enforce them ({@link RequestRules}) and the ingestion endpoint, which reads its
 * request itself ({@link IngestionDocs}).
 */
@Configuration
class OpenApiConfig {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";

    static {
        // The caller is resolved from the bearer token, not read from the request's parameters.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    OpenAPI heraldOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties b = build.getIfAvailable();
        return new OpenAPI()
                .info(new Info().title("Herald management API")
                        .version(b != null ? b.getVersion() : "v1")
                        .description("Apps, topics, message types, bindings, processors, schedules, producer settings,"
                                + " HTTP ingestion, traces, replays, transactions and the audit trail. Every call takes"
                                + " `Authorization: Bearer <token>`: the admin token may do everything, an app's API key"
                                + " what concerns that app. Errors are `application/problem+json` naming the field at fault.")
                        .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("The admin token (herald.security.admin-token) or an app's API key (hk_...)")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    @Bean
    OpenApiCustomizer heraldProblems() {
        return api -> {
            // springdoc builds the components' schemas from the controllers after the OpenAPI bean: add ours here
            api.getComponents().addSchemas(PROBLEM, problemSchema());
            RequestRules.apply(api);
            IngestionDocs.apply(api);
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> problems(path, method, op)));
        };
    }

    /** The answers every operation may give besides its own: problems, each with its reason. */
    private static void problems(String path, PathItem.HttpMethod method, Operation op) {
        ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
        op.setResponses(responses);
        // springdoc adds a "default" answer from the @ExceptionHandler of ApiProblems: the named ones say more
        responses.remove("default");
        responses.remove("500");
        boolean hasBody = op.getRequestBody() != null || path.endsWith("/events");
        boolean hasId = path.contains("{");
        boolean hasQuery = op.getParameters() != null && op.getParameters().stream().anyMatch(p -> "query".equals(p.getIn()));
        if (hasBody || hasQuery) {
            problem(responses, "400", "The body is not JSON of this shape, or a parameter has the wrong format");
        }
        problem(responses, "401", "No token, or one Herald does not know");
        problem(responses, "403", "The token may not do this (an app's key acting on another app)");
        if (hasId) {
            problem(responses, "404", "What the path names does not exist");
        }
        if (method != PathItem.HttpMethod.GET) {
            problem(responses, "409", "Conflicts with the catalog's state (already exists, still in use)");
        }
        if (hasBody || method != PathItem.HttpMethod.GET) {
            problem(responses, "422", "A field breaks a rule; `field` names the first, `errors` lists each");
        }
        problem(responses, "500", "Herald could not complete the request; the server log has the details");
        if (path.startsWith("/api/v1/topics") || path.startsWith("/api/v1/replays") || path.startsWith("/api/v1/dead-letters")) {
            problem(responses, "503", "Kafka did not answer; retry after the Retry-After seconds");
        }
    }

    static void problem(ApiResponses responses, String status, String description) {
        if (!responses.containsKey(status)) {
            responses.addApiResponse(status, new ApiResponse().description(description)
                    .content(new Content().addMediaType("application/problem+json",
                            new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
        }
    }

    /** RFC 9457 (formerly 7807) problem details as Herald writes them. */
    private static Schema<?> problemSchema() {
        Schema<Object> error = new ObjectSchema()
                .addProperty("field", new StringSchema().description("The field at fault, e.g. `types[0].jsonSchema`"))
                .addProperty("message", new StringSchema().description("What is wrong with it"));
        error.setRequired(java.util.List.of("field", "message"));
        Schema<Object> problem = new ObjectSchema().description("An error answer (application/problem+json, RFC 9457)")
                .addProperty("type", new StringSchema().description("A URI naming the kind of problem; `about:blank` when the status says it all"))
                .addProperty("title", new StringSchema().description("A short summary, e.g. `Invalid request`"))
                .addProperty("status", new IntegerSchema().minimum(java.math.BigDecimal.valueOf(400)).maximum(java.math.BigDecimal.valueOf(599)))
                .addProperty("detail", new StringSchema().description("What went wrong, naming the field and the rule"))
                .addProperty("instance", new StringSchema().description("The request's path"))
                .addProperty("field", new StringSchema().description("The (first) field at fault, when one is"))
                .addProperty("errors", new ArraySchema().items(error).description("Each field at fault (422 only)"));
        problem.setRequired(java.util.List.of("title", "status"));
        return problem;
    }

}
