import { crc32 } from 'node:zlib';

// The outbox is split into buckets by partition key. A relay instance owns a bucket at a time (an
// advisory lock) and publishes its rows in id order, so events of one conversation leave in the
// order they committed, however many relays run (issue 4).
export const OUTBOX_BUCKETS = 16;

export const outboxBucket = (partitionKey: string): number => crc32(partitionKey) % OUTBOX_BUCKETS;
