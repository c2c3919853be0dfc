-- A producer without the SDK can be checked back over gRPC (herald.v1.Checker/Check at host:port).
ALTER TABLE producer_settings DROP CONSTRAINT producer_settings_check_protocol_check;
ALTER TABLE producer_settings ADD CONSTRAINT producer_settings_check_protocol_check
    CHECK (check_protocol IN ('KAFKA', 'HTTP', 'GRPC'));
