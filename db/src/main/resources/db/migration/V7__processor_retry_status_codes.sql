-- 4xx answers other than 429 are not retried unless the processor lists them: e.g. '404,409'
-- (comma-separated status codes between 400 and 499; empty = none).
ALTER TABLE processor ADD COLUMN retry_status_codes varchar(200) NOT NULL DEFAULT '';
