-- Message tracing (timepoints shipped by SDKs through herald.trace) and point-in-time replay jobs.

-- One row per timepoint. Partitioned by day (UTC) on the timepoint's time; the server creates
-- partitions ahead and on demand (trace_timepoint_YYYYMMDD) and drops whole partitions past the
-- retention, so retention never runs a DELETE. Strings are truncated on ingest to the sizes below.
CREATE TABLE trace_timepoint (
    at              timestamptz  NOT NULL,
    message_id      varchar(200) NOT NULL,
    kind            varchar(16)  NOT NULL,
    topic           varchar(249),
    type            varchar(200),
    msg_key         varchar(512),
    app             varchar(100),
    group_name      varchar(249),
    instance        varchar(200),
    kafka_partition int,
    kafka_offset    bigint,
    broker_time     timestamptz,
    duration_ms     bigint,
    attempt         int,
    error           varchar(4000),
    trace_id        varchar(32),
    traceparent     varchar(64),
    replay_job      varchar(64)
) PARTITION BY RANGE (at);

-- Lookups: by message id (timeline), by business key, by W3C trace id, by topic + time range,
-- and failures by topic + time range (a small partial index).
CREATE INDEX trace_timepoint_message ON trace_timepoint (message_id);
CREATE INDEX trace_timepoint_key ON trace_timepoint (msg_key, at) WHERE msg_key IS NOT NULL;
CREATE INDEX trace_timepoint_trace ON trace_timepoint (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX trace_timepoint_topic ON trace_timepoint (topic, at);
CREATE INDEX trace_timepoint_failure ON trace_timepoint (topic, at) WHERE kind IN ('FAILED', 'DEAD_LETTERED');

-- The trace store's position in herald.trace, written in the same transaction as the timepoints it
-- covers: re-ingesting after a crash resumes exactly here, so no timepoint is stored twice. A batch
-- commits only if next_offset still holds the value its consumer started from (fencing a consumer
-- that lost its partition to another server instance).
CREATE TABLE trace_ingest_offset (
    topic       varchar(249) NOT NULL,
    partition   int          NOT NULL,
    next_offset bigint       NOT NULL,
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition)
);

-- A replay job copies records of a source topic into a target topic: herald.replay.<group> (one
-- consumer group receives them again) or the topic itself (every group does).
--   WINDOW   a time window [from_time, to_time) with optional type and key filters
--   MESSAGES chosen records (a single message replayed from its trace)
--   REDRIVE  records of a dead-letter topic, chosen ones or all, back to the group
-- Jobs are claimed by server instances with a lease (owner, lease_until); an expired lease lets
-- another instance take the job over from its persisted progress.
CREATE TABLE replay_job (
    id               bigserial PRIMARY KEY,
    kind             varchar(10)  NOT NULL CHECK (kind IN ('WINDOW', 'MESSAGES', 'REDRIVE')),
    state            varchar(10)  NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'DONE', 'CANCELLED', 'FAILED')),
    source_topic     varchar(249) NOT NULL,
    original_topic   varchar(249) NOT NULL,
    target_group     varchar(249),
    target_topic     varchar(249) NOT NULL,
    from_time        timestamptz,
    to_time          timestamptz,
    type_filter      varchar(200),
    key_filter       varchar(512),
    rate_per_second  int CHECK (rate_per_second > 0),
    app              varchar(100) NOT NULL,
    total            bigint       NOT NULL DEFAULT 0,
    copied           bigint       NOT NULL DEFAULT 0,
    skipped          bigint       NOT NULL DEFAULT 0,
    cancel_requested boolean      NOT NULL DEFAULT false,
    owner            varchar(100),
    lease_until      timestamptz,
    claims           int          NOT NULL DEFAULT 0,
    error            text,
    created_by       varchar(200) NOT NULL,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX replay_job_open ON replay_job (id) WHERE state IN ('PENDING', 'RUNNING');
CREATE INDEX replay_job_created ON replay_job (created_at DESC);
CREATE INDEX replay_job_app ON replay_job (app, created_at DESC);

-- Per source partition: the offsets the job covers [start_offset, end_offset) and how far it got.
-- next_offset is advanced only after every record before it was acknowledged by Kafka.
CREATE TABLE replay_partition (
    job_id       bigint NOT NULL REFERENCES replay_job (id) ON DELETE CASCADE,
    partition    int    NOT NULL,
    start_offset bigint NOT NULL,
    end_offset   bigint NOT NULL,
    next_offset  bigint NOT NULL,
    copied       bigint NOT NULL DEFAULT 0,
    skipped      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, partition),
    CHECK (start_offset <= end_offset)
);

-- Records of MESSAGES and REDRIVE jobs with the outcome of each: chosen records start PENDING;
-- a redrive of a whole dead-letter topic adds its records as it copies them.
CREATE TABLE replay_item (
    job_id       bigint       NOT NULL REFERENCES replay_job (id) ON DELETE CASCADE,
    partition    int          NOT NULL,
    kafka_offset bigint       NOT NULL,
    message_id   varchar(200),
    outcome      varchar(10)  NOT NULL CHECK (outcome IN ('PENDING', 'COPIED', 'MISSING')),
    detail       varchar(1000),
    done_at      timestamptz,
    PRIMARY KEY (job_id, partition, kafka_offset)
);
