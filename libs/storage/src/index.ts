export { createS3Client, MIN_MULTIPART_PART_BYTES, ObjectStorage } from './object-storage';
export type { ConcatSource } from './object-storage';
export { StorageHealth, StorageModule } from './storage.module';
export { isS3Unavailable, StorageUnavailableError, withStorageCircuit } from './storage-circuit';
