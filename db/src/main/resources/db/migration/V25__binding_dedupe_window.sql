-- A binding's dedupe window: the SDK drops a record whose ce_id this instance already handled for
-- the group within this many milliseconds; NULL = no deduplication (at-least-once as before).
ALTER TABLE binding ADD COLUMN dedupe_window_ms BIGINT;
ALTER TABLE binding ADD CONSTRAINT binding_dedupe_window_check CHECK (dedupe_window_ms IS NULL OR dedupe_window_ms BETWEEN 1 AND 86400000);
