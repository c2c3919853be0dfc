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

    MessageTypeView view() {
        return new MessageTypeView(name, description, jsonSchema);
    }
}
