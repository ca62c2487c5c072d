-- Deliveries of a FIFO topic are made in order per subscription and message group: a delivery with
-- an ordering key is claimed only when no earlier one (by seq, the order they were stored in) with
-- the same key is left.
ALTER TABLE sns_deliveries ADD COLUMN ordering_key TEXT COLLATE "C", ADD COLUMN seq BIGSERIAL;
CREATE INDEX sns_deliveries_order ON sns_deliveries (ordering_key, seq) WHERE ordering_key IS NOT NULL;
