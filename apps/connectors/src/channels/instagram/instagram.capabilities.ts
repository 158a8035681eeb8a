import type { ChannelCapabilities } from '../channel-connector';

const MB = 1024 * 1024;

// Instagram Messaging (Messenger Platform, "Send a Message"): text must be UTF-8 and at most 1000
// bytes; attachments by URL are images (png, jpeg) up to 8 MB, video (mp4, ogg, avi, mov, webm) and
// audio (aac, m4a, wav, mp4) up to 25 MB, and nothing else: no documents; Send API 300 calls per
// second per professional account for text; 24 h messaging window. Webhooks report reads
// (messaging_seen, naming the last message seen) but no deliveries.
export const instagramCapabilities: ChannelCapabilities = {
  maxTextLength: 1000,
  maxTextBytes: 1000,
  media: [
    { kind: 'image', mimeTypes: ['image/png', 'image/jpeg'], maxBytes: 8 * MB },
    { kind: 'video', mimeTypes: ['video/mp4', 'video/ogg', 'video/x-msvideo', 'video/quicktime', 'video/webm'], maxBytes: 25 * MB },
    { kind: 'audio', mimeTypes: ['audio/aac', 'audio/mp4', 'audio/x-m4a', 'audio/wav', 'audio/x-wav'], maxBytes: 25 * MB },
  ],
  mediaFetch: 'before-answer',
  rateLimit: { perSecond: 300, burst: 300 },
  customerServiceWindowHours: 24,
  receipts: ['READ'],
  webhookAuthentication: 'body-hmac',
};
