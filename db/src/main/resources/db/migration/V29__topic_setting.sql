-- Kafka topic configs set through Herald (cleanup.policy, min.insync.replicas, max.message.bytes,
-- compression.type, retention.bytes; retention.ms stays in topic.retention_ms). A row is a value Herald
-- set on the topic; no row means the broker's default. The topic page compares them with what Kafka
-- reports to show drift, and they are applied again when the topic is provisioned.
CREATE TABLE topic_setting (
    topic_id   bigint       NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
    name       varchar(128) NOT NULL,
    value      varchar(1000) NOT NULL,
    PRIMARY KEY (topic_id, name)
);
