package io.herald.server.catalog;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** One version of a message type's schema: what it was, under which mode, who wrote it and when. */
@Entity
@Table(name = "message_type_schema")
class SchemaVersionEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "message_type_id")
    MessageTypeEntity type;

    @Column(nullable = false)
    int version;

    @Column(name = "json_schema")
    String jsonSchema;

    @Column(nullable = false)
    String compatibility;

    @Column(name = "changed_by", nullable = false)
    String changedBy;

    @Column(name = "changed_at", nullable = false)
    Instant changedAt = Instant.now();

    SchemaVersionView view() {
        return new SchemaVersionView(version, jsonSchema, compatibility, changedBy, changedAt);
    }
}
