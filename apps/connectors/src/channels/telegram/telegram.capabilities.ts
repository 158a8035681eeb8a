import type { ChannelCapabilities } from '../channel-connector';

const MB = 1024 * 1024;

// Telegram Bot API (core.telegram.org/bots/api, bots/faq): text 1–4096 characters; uploads up to
// 50 MB (photos 10 MB); about 30 messages per second across chats and one per second per chat; no
// messaging window. Bots receive no delivery or read receipts of any kind.
export const telegramCapabilities: ChannelCapabilities = {
  maxTextLength: 4096,
  media: {
    mimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'video/mp4', 'audio/mpeg', 'audio/mp4', 'audio/ogg', 'application/pdf', 'application/zip'],
    maxBytes: 50 * MB,
    maxBytesByMimeType: { 'image/jpeg': 10 * MB, 'image/png': 10 * MB, 'image/webp': 10 * MB },
  },
  rateLimit: { perSecond: 30, burst: 30 },
  receipts: [],
  webhookAuthentication: 'secret-header',
};
