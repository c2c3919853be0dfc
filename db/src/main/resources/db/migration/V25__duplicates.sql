-- A binding's dedupe window: the SDK drops a record whose ce_id this instance already handled for
-- the group within this many milliseconds; NULL = no deduplication (at-least-once as before).
ALTER TABLE binding ADD COLUMN dedupe_window_ms BIGINT;
ALTER TABLE binding ADD CONSTRAINT binding_dedupe_window_check CHECK (dedupe_window_ms IS NULL OR dedupe_window_ms BETWEEN 1 AND 86400000);

-- A delayed event's firing marker, written (committed) before its record is published: a row
-- found with a marker is being fired again (the server stopped before the firing committed), which
-- is counted; once fired, the marker stays for herald.delay's retention so that the intake, should
-- it read a record of herald.delay again, does not schedule an event that already fired.
CREATE TABLE delayed_fire (
    id           varchar(200) PRIMARY KEY,          -- delayed_event.id
    attempts     int          NOT NULL DEFAULT 1,   -- firings started
    attempted_at timestamptz  NOT NULL DEFAULT now(),
    fired_at     timestamptz                        -- NULL: started, not known to be published
);
CREATE INDEX delayed_fire_fired ON delayed_fire (fired_at) WHERE fired_at IS NOT NULL;

-- A replay job's records written to its target, including those written again after a crash
-- (copied counts each source record once). written_marks: the target topic's end offsets
-- ("partition:offset,...") when the job last stored its progress; the instance that resumes the job
-- counts the job's records written past them, which it is about to write again.
ALTER TABLE replay_job ADD COLUMN written bigint NOT NULL DEFAULT 0;
ALTER TABLE replay_job ADD COLUMN written_marks text;
UPDATE replay_job SET written = copied;
