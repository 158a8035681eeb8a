import type { ChannelCapabilities } from '../channel-connector';

const MB = 1024 * 1024;

// Telegram Bot API (core.telegram.org/bots/api, bots/faq): text 1–4096 characters; files sent by
// HTTP URL (Telegram downloads them): photos up to 5 MB, other content up to 20 MB, sendAudio for
// .MP3 and .M4A, sendVideo for MPEG4, and sendDocument by URL only for GIF, PDF and ZIP files
// (other documents would need a multipart upload); about 30 messages per second across chats and
// one per second per chat; no messaging window. Bots receive no delivery or read receipts.
export const telegramCapabilities: ChannelCapabilities = {
  maxTextLength: 4096,
  media: [
    { kind: 'image', mimeTypes: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 5 * MB },
    { kind: 'video', mimeTypes: ['video/mp4'], maxBytes: 20 * MB },
    { kind: 'audio', mimeTypes: ['audio/mpeg', 'audio/mp4'], maxBytes: 20 * MB },
    { kind: 'document', mimeTypes: ['application/pdf', 'application/zip', 'image/gif'], maxBytes: 20 * MB },
  ],
  mediaFetch: 'before-answer',
  rateLimit: { perSecond: 30, burst: 30 },
  receipts: [],
  webhookAuthentication: 'secret-header',
};
