import type { ChannelCapabilities } from '../channel-connector';

const MB = 1024 * 1024;

// Instagram Messaging (Messenger Platform): text must be UTF-8 and at most 1000 bytes; images png
// and jpeg up to 8 MB, audio and video up to 25 MB; Send API 300 calls per second per professional
// account for text; 24 h messaging window. Webhooks report reads (messaging_seen, naming the last
// message seen) but no deliveries.
export const instagramCapabilities: ChannelCapabilities = {
  maxTextLength: 1000,
  maxTextBytes: 1000,
  media: {
    mimeTypes: ['image/png', 'image/jpeg', 'video/mp4', 'video/ogg', 'video/x-msvideo', 'video/quicktime', 'video/webm', 'audio/aac', 'audio/mp4', 'audio/wav'],
    maxBytes: 25 * MB,
    maxBytesByMimeType: { 'image/png': 8 * MB, 'image/jpeg': 8 * MB },
  },
  rateLimit: { perSecond: 300, burst: 300 },
  customerServiceWindowHours: 24,
  receipts: ['READ'],
  webhookAuthentication: 'body-hmac',
};
