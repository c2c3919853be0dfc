-- Two-phase messages whose producer is away. A check-back made while the producing app has no live
-- SDK instance (no heartbeat within herald.push.stale-after; check protocol KAFKA), or whose HTTP/gRPC
-- check-back address could not be connected, does not count against max_checks: away_since says since
-- when the producer has been away (NULL while it answers), away_checks how many checks were not counted.
-- A message stays pending while its producer is away for at most max_away_ms (NULL: herald.tx.max-away),
-- then it is discarded (audited).
ALTER TABLE tx_message ADD COLUMN away_since timestamptz;
ALTER TABLE tx_message ADD COLUMN away_checks int NOT NULL DEFAULT 0;
-- A decision that arrives after the message was discarded: late_commit PUBLISH publishes it (once), REFUSE
-- refuses it (409 over HTTP/gRPC; audit entry and metric either way). A discarded row keeps its payload and
-- headers until herald.tx.keep-finished, so that a late commit or "publish anyway" can still publish it.
ALTER TABLE producer_settings ADD COLUMN late_commit varchar(8) NOT NULL DEFAULT 'PUBLISH'
    CHECK (late_commit IN ('PUBLISH', 'REFUSE'));
ALTER TABLE producer_settings ADD COLUMN max_away_ms bigint;
