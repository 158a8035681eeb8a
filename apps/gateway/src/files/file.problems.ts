import { defineProblemTypes } from '@chat4all/platform';

// The gateway's side of files: downloads and file messages (the upload API's errors come from
// file-service, passed through unchanged). Every type is listed in docs/api.md.
export const GatewayFileProblems = defineProblemTypes({
  fileNotFound: { slug: 'file-not-found', status: 404, title: 'File not found' },
  fileNotReady: { slug: 'file-not-ready', status: 409, title: 'File not completed' },
  fileServiceUnavailable: { slug: 'file-service-unavailable', status: 503, title: 'File service unavailable' },
});
