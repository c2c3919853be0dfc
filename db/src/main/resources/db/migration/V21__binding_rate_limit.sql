-- A binding's consumer rate limit (KiteQ's watermark): messages per second per SDK instance and
-- group; NULL = no limit.
ALTER TABLE binding ADD COLUMN rate_per_second DOUBLE PRECISION;
