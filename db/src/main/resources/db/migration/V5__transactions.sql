-- Two-phase messages. One row per message id, a small state machine:
--   PENDING     half message stored, no decision yet (check-backs are sent while it stays here)
--   COMMITTING  COMMIT decided; the publisher takes it with FOR UPDATE SKIP LOCKED, publishes, marks it
--   PUBLISHED   on the target topic; kept for a while as the dedupe record of its message id
--   ROLLED_BACK ROLLBACK decided; never published
--   DISCARDED   no answer after max_checks check-backs; never published
-- Only the first decision moves a row out of PENDING, so a commit racing a check-back answer (or a
-- manual decision) publishes once. A decision read before its half message creates the row without
-- payload (half_seen = false); the half message then fills it in.
CREATE TABLE tx_message (
    message_id    varchar(200) PRIMARY KEY,
    app           varchar(100),
    topic         varchar(249),
    event_type    varchar(200),
    record_key    bytea,
    payload       bytea,
    headers       bytea,                      -- final Kafka headers, length-prefixed (see tx.TxHeaders)
    half_seen     boolean      NOT NULL DEFAULT false,
    state         varchar(12)  NOT NULL CHECK (state IN ('PENDING', 'COMMITTING', 'PUBLISHED', 'ROLLED_BACK', 'DISCARDED')),
    decided_by    varchar(200),               -- producer, check, http-check, or the console/API user
    checks        int          NOT NULL DEFAULT 0,
    next_check_at timestamptz  NOT NULL DEFAULT now(),
    created_at    timestamptz  NOT NULL DEFAULT now(),
    decided_at    timestamptz,
    published_at  timestamptz
);
CREATE INDEX tx_message_check ON tx_message (next_check_at) WHERE state = 'PENDING' AND half_seen;
CREATE INDEX tx_message_committing ON tx_message (created_at) WHERE state = 'COMMITTING' AND half_seen;
CREATE INDEX tx_message_finished ON tx_message (decided_at) WHERE state IN ('PUBLISHED', 'ROLLED_BACK', 'DISCARDED');
CREATE INDEX tx_message_app ON tx_message (app) WHERE state = 'PENDING';
