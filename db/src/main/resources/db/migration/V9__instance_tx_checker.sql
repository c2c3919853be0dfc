-- Whether an SDK instance answers two-phase check-backs (it has a TransactionChecker), from its
-- heartbeat. The Transactions page and /api/v1/transactions warn when an app has pending
-- two-phase messages and none of its online instances has one.
ALTER TABLE client_instance ADD COLUMN tx_checker boolean NOT NULL DEFAULT false;
