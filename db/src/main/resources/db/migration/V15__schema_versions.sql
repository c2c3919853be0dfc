-- A message type's JSON Schema has versions (1, 2, ...) with who changed it and when, and a
-- compatibility mode that each new version must keep: NONE, BACKWARD, FORWARD or FULL.
ALTER TABLE message_type
    ADD COLUMN compatibility  varchar(16) NOT NULL DEFAULT 'NONE',
    ADD COLUMN schema_version integer     NOT NULL DEFAULT 0;

CREATE TABLE message_type_schema (
    id              bigserial PRIMARY KEY,
    message_type_id bigint       NOT NULL REFERENCES message_type (id) ON DELETE CASCADE,
    version         integer      NOT NULL,
    json_schema     text,                 -- null: this version removed the schema
    compatibility   varchar(16)  NOT NULL,
    changed_by      varchar(200) NOT NULL,
    changed_at      timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (message_type_id, version)
);

-- a schema declared before versions existed is version 1
INSERT INTO message_type_schema (message_type_id, version, json_schema, compatibility, changed_by, changed_at)
SELECT id, 1, json_schema, 'NONE', 'herald', created_at FROM message_type WHERE json_schema IS NOT NULL;
UPDATE message_type SET schema_version = 1 WHERE json_schema IS NOT NULL;
