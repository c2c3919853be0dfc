-- Herald's timers: delayed events and cyclic (cron / fixed-rate) schedules.

-- A delayed event waiting for its due time. The row holds the final Kafka record (target topic,
-- key, payload, headers in CloudEvents binary mode); the firing loop takes due rows with
-- FOR UPDATE SKIP LOCKED, publishes them and deletes them, so N server instances fire each once.
CREATE TABLE delayed_event (
    id         varchar(200) PRIMARY KEY,            -- herald-delay-id, else the message id (ce_id)
    due_at     timestamptz  NOT NULL,
    topic      varchar(249) NOT NULL,
    app        varchar(100),                        -- the producing app (may cancel)
    message_id varchar(200),
    event_type varchar(200),
    record_key bytea,
    payload    bytea,
    headers    bytea        NOT NULL,               -- Kafka headers, length-prefixed (see HeaderCodec)
    created_at timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX delayed_event_due ON delayed_event (due_at);
CREATE INDEX delayed_event_app ON delayed_event (app);

-- A cyclic event: cron (Spring CronExpression, in a time zone) or a fixed rate. next_fire_at is the
-- next tick, NULL once finished (end reached, max count fired). The firing loop locks due rows with
-- FOR UPDATE SKIP LOCKED, publishes, writes history and moves next_fire_at in one transaction.
CREATE TABLE schedule (
    id             bigserial PRIMARY KEY,
    app_id         bigint        NOT NULL REFERENCES app (id) ON DELETE CASCADE,
    name           varchar(200)  NOT NULL,
    description    text,
    cron           varchar(200),
    fixed_rate_ms  bigint CHECK (fixed_rate_ms >= 1000),
    time_zone      varchar(100)  NOT NULL DEFAULT 'UTC',
    start_at       timestamptz,
    end_at         timestamptz,
    max_count      bigint CHECK (max_count >= 1),
    fired_count    bigint        NOT NULL DEFAULT 0,
    topic          varchar(249)  NOT NULL,
    event_type     varchar(200)  NOT NULL,
    event_key      varchar(1000),
    payload        text,
    content_type   varchar(200)  NOT NULL DEFAULT 'application/json',
    misfire_policy varchar(10)   NOT NULL DEFAULT 'FIRE_ONCE' CHECK (misfire_policy IN ('FIRE_ONCE', 'SKIP')),
    paused         boolean       NOT NULL DEFAULT false,
    next_fire_at   timestamptz,
    last_fired_at  timestamptz,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    updated_at     timestamptz   NOT NULL DEFAULT now(),
    CHECK ((cron IS NULL) <> (fixed_rate_ms IS NULL)),
    UNIQUE (app_id, name)
);
CREATE INDEX schedule_due ON schedule (next_fire_at) WHERE NOT paused AND next_fire_at IS NOT NULL;

-- What happened at each tick. UNIQUE (schedule_id, tick_at) is the last guard against a double fire.
CREATE TABLE schedule_firing (
    id          bigserial PRIMARY KEY,
    schedule_id bigint       NOT NULL REFERENCES schedule (id) ON DELETE CASCADE,
    tick_at     timestamptz  NOT NULL,
    fired_at    timestamptz  NOT NULL DEFAULT now(),
    outcome     varchar(10)  NOT NULL CHECK (outcome IN ('FIRED', 'SKIPPED', 'FAILED')),
    message_id  varchar(200),
    partition   int,
    "offset"    bigint,
    detail      text,
    instance    varchar(200),
    UNIQUE (schedule_id, tick_at)
);
CREATE INDEX schedule_firing_recent ON schedule_firing (schedule_id, tick_at DESC);
