import type { ChannelCapabilities } from '../channel-connector';

const MB = 1024 * 1024;

// Messenger Platform: text up to 2000 characters; attachments by URL (image, video, audio, file) up
// to 25 MB, images up to 8 MB, audio served with an audio/* Content-Type; any other type goes as a
// file; Send API 300 calls per second per Page for text; the standard messaging window is 24 h after
// the person's last message; webhooks message_deliveries and message_reads (both watermarks).
export const messengerCapabilities: ChannelCapabilities = {
  maxTextLength: 2000,
  media: [
    { kind: 'image', mimeTypes: ['image/jpeg', 'image/png', 'image/gif'], maxBytes: 8 * MB },
    { kind: 'video', mimeTypes: ['video/*'], maxBytes: 25 * MB },
    { kind: 'audio', mimeTypes: ['audio/*'], maxBytes: 25 * MB },
    { kind: 'document', mimeTypes: ['*'], maxBytes: 25 * MB },
  ],
  mediaFetch: 'before-answer',
  rateLimit: { perSecond: 300, burst: 300 },
  customerServiceWindowHours: 24,
  receipts: ['DELIVERED', 'READ'],
  webhookAuthentication: 'body-hmac',
};
