-- Failed console sign-ins, shared by every server instance: counted per user name (address ''),
-- per client address (username '') and per user name and an address that user signed in from
-- before ('pair'). A count older than herald.security.login.reset-after starts over.
CREATE TABLE login_failure (
    scope          text        NOT NULL CHECK (scope IN ('user', 'address', 'pair')),
    username       text        NOT NULL,
    address        text        NOT NULL,
    failures       integer     NOT NULL,
    last_failed_at timestamptz NOT NULL,
    locked_until   timestamptz,
    PRIMARY KEY (scope, username, address)
);
CREATE INDEX login_failure_last_failed ON login_failure (last_failed_at);

-- Addresses a console user signed in from: a sign-in from one of them is held back only by the
-- failures from that address for that user, not by what others caused elsewhere.
CREATE TABLE login_known_address (
    username      text        NOT NULL,
    address       text        NOT NULL,
    last_login_at timestamptz NOT NULL,
    PRIMARY KEY (username, address)
);
CREATE INDEX login_known_address_last_login ON login_known_address (last_login_at);
