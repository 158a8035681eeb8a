// Where an upload's bytes live in the bucket. Everything of one unfinished upload is under its prefix
// (so abandoning it is one prefix delete); finished content lives under blobs/, one object per SHA-256.
export const ObjectKeys = {
  uploadPrefix: (uploadId: string) => `uploads/${uploadId}/`,
  /** A nonce per write: two requests racing for one chunk never overwrite each other's object. */
  chunk: (uploadId: string, chunkNumber: number, nonce: string) => `uploads/${uploadId}/chunk-${String(chunkNumber).padStart(5, '0')}.${nonce}`,
  tail: (uploadId: string, nonce: string) => `uploads/${uploadId}/tail.${nonce}`,
  blobPrefix: 'blobs/',
  blob: (sha256: string) => `blobs/${sha256.slice(0, 2)}/${sha256}`,
} as const;
