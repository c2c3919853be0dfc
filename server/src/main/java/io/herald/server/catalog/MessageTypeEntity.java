package io.herald.server.catalog;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "message_type")
class MessageTypeEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "topic_id")
    TopicEntity topic;

    @Column(nullable = false)
    String name;

    String description;

    @Column(name = "json_schema")
    String jsonSchema;

    @Column(name = "created_at", nullable = false)
    Instant createdAt = Instant.now();

    /** The current schema's version: 0 before the first schema, then 1, 2, ... */
    @Column(name = "schema_version", nullable = false)
    int schemaVersion;

    /** A {@link SchemaCompatibility.Mode} name. */
    @Column(nullable = false)
    String compatibility = SchemaCompatibility.Mode.NONE.name();

    @OneToMany(mappedBy = "type", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("version")
    List<SchemaVersionEntity> versions = new ArrayList<>();

    /** Makes {@code schema} the current schema as a new version written by {@code by}. */
    void newVersion(String schema, String by) {
        jsonSchema = schema;
        schemaVersion++;
        SchemaVersionEntity v = new SchemaVersionEntity();
        v.type = this;
        v.version = schemaVersion;
        v.jsonSchema = schema;
        v.compatibility = compatibility;
        v.changedBy = by;
        versions.add(v);
    }

    MessageTypeView view() {
        return new MessageTypeView(name, description, jsonSchema, schemaVersion, compatibility);
    }
}
