-- Config versions per app. A catalog change bumps the rows of the apps whose config snapshot it
-- changes (a topic change: its owner's, producers' and consumers' apps; a binding or processor change:
-- the binding's app; a schedule edit: none), in the change's own transaction, so unrelated writes no
-- longer serialize on one row and a change wakes only the SDK instances it concerns. New values come
-- from a sequence (never reused, never locked across transactions), so an app's version only grows,
-- also for an app deleted and created again under the same name, and versions from before this
-- migration stay below every later one.
CREATE SEQUENCE config_version_seq;
SELECT setval('config_version_seq', GREATEST((SELECT version FROM config_version), 1));

CREATE TABLE app_config_version (
    app_id  bigint PRIMARY KEY REFERENCES app (id) ON DELETE CASCADE,
    version bigint NOT NULL
);
INSERT INTO app_config_version (app_id, version) SELECT id, (SELECT version FROM config_version) FROM app;

DROP TABLE config_version;

-- What an SDK instance reports about the snapshot it could not apply (it keeps running on the last
-- good one, applied_version): the version it refused and why (at most 2000 characters). NULL while it
-- applies everything it gets, and for SDKs that predate the report.
ALTER TABLE client_instance ADD COLUMN apply_error_version bigint;
ALTER TABLE client_instance ADD COLUMN apply_error varchar(2000);
