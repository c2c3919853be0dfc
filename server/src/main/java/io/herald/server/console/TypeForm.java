package io.herald.server.console;

/** One message type in a form: name, description, optional JSON Schema text, compatibility mode. */
public class TypeForm {

    private String name;
    private String description;
    private String jsonSchema;
    private String compatibility;

    public TypeForm() {
    }

    TypeForm(String name, String description, String jsonSchema) {
        this(name, description, jsonSchema, null);
    }

    TypeForm(String name, String description, String jsonSchema, String compatibility) {
        this.name = name;
        this.description = description;
        this.jsonSchema = jsonSchema;
        this.compatibility = compatibility;
    }

    boolean blank() {
        return isBlank(name) && isBlank(description) && isBlank(jsonSchema);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
    public String getJsonSchema() { return jsonSchema; }
    public void setJsonSchema(String jsonSchema) { this.jsonSchema = jsonSchema; }
    public String getCompatibility() { return compatibility; }
    public void setCompatibility(String compatibility) { this.compatibility = compatibility; }
}
