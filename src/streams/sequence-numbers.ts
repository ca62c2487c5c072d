/**
 * Sequence numbers as Kinesis shows them: 56-digit decimal strings starting with 49. Ours carry the
 * shard's index (18 digits) and the record's counter in that shard (36 digits), so they grow with
 * every record of a shard and say which shard they belong to.
 */

const PREFIX = "49";
const SHARD_DIGITS = 18;
const SEQ_DIGITS = 36;

/** The sequence number of counter `seq` in shard `shardIndex` (counter 0 is the shard's start). */
export function formatSequenceNumber(shardIndex: number, seq: number): string {
  return PREFIX + String(shardIndex).padStart(SHARD_DIGITS, "0") + String(seq).padStart(SEQ_DIGITS, "0");
}

/** A sequence number's shard and counter; undefined when it is not one of ours. */
export function parseSequenceNumber(text: string): { shardIndex: number; seq: number } | undefined {
  if (text.length !== PREFIX.length + SHARD_DIGITS + SEQ_DIGITS || !text.startsWith(PREFIX)) return undefined;
  if (!/^\d+$/.test(text)) return undefined;
  const shardIndex = Number(text.slice(PREFIX.length, PREFIX.length + SHARD_DIGITS));
  const seq = Number(text.slice(PREFIX.length + SHARD_DIGITS));
  return Number.isSafeInteger(shardIndex) && Number.isSafeInteger(seq) ? { shardIndex, seq } : undefined;
}
