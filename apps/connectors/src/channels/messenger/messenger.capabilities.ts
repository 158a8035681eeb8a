import type { ChannelCapabilities } from '../channel-connector';

const MB = 1024 * 1024;

// Messenger Platform: text up to 2000 characters; attachments up to 25 MB; Send API 300 calls per
// second per Page for text; the standard messaging window is 24 h after the person's last message;
// webhooks message_deliveries and message_reads (both watermarks).
export const messengerCapabilities: ChannelCapabilities = {
  maxTextLength: 2000,
  media: {
    mimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'video/mp4', 'audio/mpeg', 'audio/mp4', 'application/pdf'],
    maxBytes: 25 * MB,
  },
  rateLimit: { perSecond: 300, burst: 300 },
  customerServiceWindowHours: 24,
  receipts: ['DELIVERED', 'READ'],
  webhookAuthentication: 'body-hmac',
};
