-- A binding's delivery limit may be -1: retried under its capped back-off for ever (KiteQ's DeliveryLimit -1).
ALTER TABLE binding DROP CONSTRAINT binding_delivery_limit_check;
ALTER TABLE binding ADD CONSTRAINT binding_delivery_limit_check CHECK (delivery_limit >= 1 OR delivery_limit = -1);
