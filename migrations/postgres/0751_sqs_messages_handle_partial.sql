-- A message has a receipt handle only once received; the index on it held every message sent
-- (with a NULL handle), one more index entry written per SendMessage. Deletes and visibility
-- changes look a handle up by equality, which this partial index serves.
DROP INDEX sqs_messages_handle;
CREATE INDEX sqs_messages_handle ON sqs_messages (receipt_handle) WHERE receipt_handle IS NOT NULL;
