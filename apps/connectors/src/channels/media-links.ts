import type { SendFailure } from './channel-connector';

export type MediaLink = { ok: true; url: string } | SendFailure;

/**
 * Where a connector gets a file's bytes from at send time: a short-lived URL the platform fetches
 * itself (file-service's presigned GET; the bytes never travel in the event). A failure says
 * whether a retry can help: `file-not-found` is permanent, `file-unavailable` retryable.
 */
export interface MediaLinks {
  linkFor(fileId: string): Promise<MediaLink>;
}

