-- A value the processor's endpoint gets back with every event (gRPC DispatchRequest.pass_back)
ALTER TABLE processor ADD COLUMN pass_back varchar(2000) NOT NULL DEFAULT '';
-- Delayed processing: the endpoint gets each event this long after it was written (0: at once)
ALTER TABLE processor ADD COLUMN processing_delay_ms bigint NOT NULL DEFAULT 0 CHECK (processing_delay_ms >= 0);
-- Where a new processor's group starts: 'earliest', 'latest', an ISO-8601 time, or '' for herald.dispatch.auto-offset-reset
ALTER TABLE processor ADD COLUMN start_position varchar(40) NOT NULL DEFAULT '';
