import type { ChannelCapabilities } from '../channel-connector';

const MB = 1024 * 1024;

// WhatsApp Cloud API (developers.facebook.com/docs/whatsapp/cloud-api): text body up to 4096
// characters; media by link, per type (supported media types: images jpeg and png up to 5 MB, video
// mp4 and 3gpp up to 16 MB, audio aac, amr, mpeg, mp4 and ogg up to 16 MB, documents up to 100 MB);
// any other type, or an image too large for an image message, goes as a document; 80 messages per
// second per business number by default; free-form messages only within 24 h of the user's last
// message; status webhooks sent, delivered, read and failed (a link WhatsApp cannot fetch is a
// failed status, 131053, after the send was accepted).
export const whatsappCapabilities: ChannelCapabilities = {
  maxTextLength: 4096,
  media: [
    { kind: 'image', mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
    { kind: 'video', mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
    { kind: 'audio', mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
    { kind: 'document', mimeTypes: ['*'], maxBytes: 100 * MB },
  ],
  mediaFetch: 'after-answer',
  rateLimit: { perSecond: 80, burst: 80 },
  customerServiceWindowHours: 24,
  receipts: ['SENT', 'DELIVERED', 'READ', 'FAILED'],
  webhookAuthentication: 'body-hmac',
};
