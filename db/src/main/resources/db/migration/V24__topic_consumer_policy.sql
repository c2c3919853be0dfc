-- Who may consume a topic: OPEN (every app, as before) or RESTRICTED to its owner and the apps listed
-- in topic_consumer. An app neither owns nor is granted a restricted topic cannot bind it, read its
-- metadata, schemas or traces, or replay it; its existing bindings there stay in the catalog, blocked.
ALTER TABLE topic ADD COLUMN consumer_policy varchar(16) NOT NULL DEFAULT 'OPEN'
    CONSTRAINT topic_consumer_policy_check CHECK (consumer_policy IN ('OPEN', 'RESTRICTED'));

CREATE TABLE topic_consumer (
    topic_id bigint NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
    app_id   bigint NOT NULL REFERENCES app (id) ON DELETE CASCADE,
    PRIMARY KEY (topic_id, app_id)
);
CREATE INDEX topic_consumer_app ON topic_consumer (app_id);
