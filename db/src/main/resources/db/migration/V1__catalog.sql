-- Herald control-plane catalog.

-- One row: the monotonic config version. Every catalog change bumps it in the same transaction,
-- so an SDK that applied version N has seen every change up to N.
CREATE TABLE config_version (
    id      smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version bigint   NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 0);

CREATE TABLE app (
    id          bigserial PRIMARY KEY,
    name        varchar(100) NOT NULL UNIQUE,
    owner       varchar(200),
    description text,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now()
);

-- API keys are random 256-bit secrets; only their SHA-256 is stored. The prefix identifies a key
-- in lists and audit entries without revealing it.
CREATE TABLE api_key (
    id         bigserial PRIMARY KEY,
    app_id     bigint      NOT NULL REFERENCES app (id) ON DELETE CASCADE,
    prefix     varchar(16) NOT NULL,
    hash       varchar(64) NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX api_key_app ON api_key (app_id);

CREATE TABLE topic (
    id                 bigserial PRIMARY KEY,
    name               varchar(249) NOT NULL UNIQUE,
    -- Kafka treats '.' and '_' alike in metric names: two topics differing only there collide.
    collision_name     varchar(249) NOT NULL UNIQUE,
    app_id             bigint       NOT NULL REFERENCES app (id),
    partitions         int          NOT NULL CHECK (partitions BETWEEN 1 AND 10000),
    replication_factor smallint     NOT NULL CHECK (replication_factor >= 1),
    retention_ms       bigint       NOT NULL,
    description        text,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX topic_app ON topic (app_id);

-- Apps other than the owner that may produce to a topic.
CREATE TABLE topic_producer (
    topic_id bigint NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
    app_id   bigint NOT NULL REFERENCES app (id) ON DELETE CASCADE,
    PRIMARY KEY (topic_id, app_id)
);

CREATE TABLE message_type (
    id          bigserial PRIMARY KEY,
    topic_id    bigint       NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
    name        varchar(200) NOT NULL,
    description text,
    json_schema text,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (topic_id, name)
);

CREATE TABLE binding (
    id                 bigserial PRIMARY KEY,
    app_id             bigint       NOT NULL REFERENCES app (id),
    group_name         varchar(249) NOT NULL,
    topic_id           bigint       NOT NULL REFERENCES topic (id),
    kind               varchar(10)  NOT NULL CHECK (kind IN ('DIRECT', 'REGEX', 'FANOUT')),
    type_pattern       varchar(500) NOT NULL DEFAULT '',
    delivery_limit     int          NOT NULL CHECK (delivery_limit >= 1),
    backoff_ms         bigint       NOT NULL CHECK (backoff_ms >= 0),
    backoff_multiplier double precision NOT NULL CHECK (backoff_multiplier >= 1),
    backoff_max_ms     bigint       NOT NULL CHECK (backoff_max_ms >= 0),
    expiry_ms          bigint CHECK (expiry_ms > 0),
    paused             boolean      NOT NULL DEFAULT false,
    concurrency        int          NOT NULL CHECK (concurrency BETWEEN 1 AND 256),
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (app_id, group_name, topic_id, kind, type_pattern)
);
CREATE INDEX binding_topic ON binding (topic_id);
CREATE INDEX binding_group ON binding (group_name);

CREATE TABLE processor (
    id                bigserial PRIMARY KEY,
    binding_id        bigint        NOT NULL UNIQUE REFERENCES binding (id) ON DELETE CASCADE,
    protocol          varchar(10)   NOT NULL CHECK (protocol IN ('HTTP', 'GRPC')),
    address           varchar(2000) NOT NULL,
    timeout_ms        bigint        NOT NULL CHECK (timeout_ms > 0),
    retry_interval_ms bigint        NOT NULL CHECK (retry_interval_ms >= 0),
    retry_count       int           NOT NULL CHECK (retry_count >= 0),
    retry_exponential boolean       NOT NULL DEFAULT false,
    concurrency       int           NOT NULL CHECK (concurrency BETWEEN 1 AND 1024),
    rate_per_second   int CHECK (rate_per_second > 0),
    paused            boolean       NOT NULL DEFAULT false,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now()
);

-- How the transaction worker asks a producer app back about a pending two-phase message.
CREATE TABLE producer_settings (
    app_id            bigint PRIMARY KEY REFERENCES app (id) ON DELETE CASCADE,
    check_protocol    varchar(10) NOT NULL DEFAULT 'KAFKA' CHECK (check_protocol IN ('KAFKA', 'HTTP')),
    check_address     varchar(2000),
    check_interval_ms bigint      NOT NULL DEFAULT 60000 CHECK (check_interval_ms > 0),
    max_checks        int         NOT NULL DEFAULT 15 CHECK (max_checks >= 1),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE client_instance (
    app_id          bigint       NOT NULL REFERENCES app (id) ON DELETE CASCADE,
    instance_id     varchar(200) NOT NULL,
    host            varchar(255),
    sdk_version     varchar(50),
    applied_version bigint       NOT NULL DEFAULT 0,
    first_seen      timestamptz  NOT NULL DEFAULT now(),
    last_seen       timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (app_id, instance_id)
);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz  NOT NULL DEFAULT now(),
    actor       varchar(200) NOT NULL,
    action      varchar(50)  NOT NULL,
    object_type varchar(50)  NOT NULL,
    object_id   varchar(300),
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log (actor);

CREATE TABLE console_user (
    id            bigserial PRIMARY KEY,
    username      varchar(100) NOT NULL UNIQUE,
    password_hash varchar(200) NOT NULL,
    role          varchar(10)  NOT NULL CHECK (role IN ('ADMIN', 'EDITOR', 'VIEWER')),
    message_view  boolean      NOT NULL DEFAULT false,
    enabled       boolean      NOT NULL DEFAULT true,
    created_at    timestamptz  NOT NULL DEFAULT now()
);

-- Server-wide secrets generated at first start (only hashes are kept).
CREATE TABLE server_secret (
    name       varchar(50) PRIMARY KEY,
    hash       varchar(200) NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now()
);
