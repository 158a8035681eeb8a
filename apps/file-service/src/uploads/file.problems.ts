import { defineProblemTypes } from '@chat4all/platform';

// Errors of the upload API (/v1/files and /v1/files/tus). Every type is listed in docs/api.md.
export const FileProblems = defineProblemTypes({
  fileTooLarge: { slug: 'file-too-large', status: 413, title: 'File too large' },
  fileTypeNotAllowed: { slug: 'file-type-not-allowed', status: 422, title: 'File type not allowed' },
  tooManyOpenUploads: { slug: 'too-many-open-uploads', status: 409, title: 'Too many unfinished uploads' },
  uploadNotFound: { slug: 'upload-not-found', status: 404, title: 'Upload not found' },
  uploadExpired: { slug: 'upload-expired', status: 410, title: 'Upload expired' },
  uploadNotOpen: { slug: 'upload-not-open', status: 409, title: 'Upload no longer accepts chunks' },
  uploadIncomplete: { slug: 'upload-incomplete', status: 409, title: 'Chunks are missing' },
  uploadFailed: { slug: 'upload-failed', status: 409, title: 'Upload failed' },
  chunkOutOfRange: { slug: 'chunk-out-of-range', status: 400, title: 'No such chunk number' },
  chunkTooLarge: { slug: 'chunk-too-large', status: 413, title: 'Chunk larger than chunk_size' },
  chunkSizeMismatch: { slug: 'chunk-size-mismatch', status: 400, title: 'Chunk has the wrong size' },
  chunkChecksumMismatch: { slug: 'chunk-checksum-mismatch', status: 400, title: 'Chunk checksum mismatch' },
  chunkIncomplete: { slug: 'chunk-incomplete', status: 400, title: 'Chunk body ended early' },
  lengthRequired: { slug: 'length-required', status: 411, title: 'Content-Length required' },
  fileNotFound: { slug: 'file-not-found', status: 404, title: 'File not found' },
  fileNotReady: { slug: 'file-not-ready', status: 409, title: 'File not completed' },
  // tus 1.0 (the codes its clients expect).
  tusVersionUnsupported: { slug: 'tus-version-unsupported', status: 412, title: 'Tus-Resumable version not supported' },
  tusOffsetMismatch: { slug: 'tus-offset-mismatch', status: 409, title: 'Upload-Offset does not match' },
  tusChecksumMismatch: { slug: 'tus-checksum-mismatch', status: 460, title: 'Checksum mismatch' },
  tusUploadLengthExceeded: { slug: 'tus-upload-length-exceeded', status: 413, title: 'PATCH goes past Upload-Length' },
  tusChecksumAlgorithmUnsupported: { slug: 'tus-checksum-algorithm-unsupported', status: 400, title: 'Checksum algorithm not supported' },
});
