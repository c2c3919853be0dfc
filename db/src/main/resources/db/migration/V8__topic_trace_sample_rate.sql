-- The share of a topic's messages whose every step is traced (0 to 1); null: the server's default
-- (herald.trace.default-sample-rate). Pushed to SDKs in the config snapshot.
ALTER TABLE topic ADD COLUMN trace_sample_rate double precision
    CHECK (trace_sample_rate IS NULL OR (trace_sample_rate >= 0 AND trace_sample_rate <= 1));
