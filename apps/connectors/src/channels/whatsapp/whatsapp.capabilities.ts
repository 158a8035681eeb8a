import type { ChannelCapabilities } from '../channel-connector';

const MB = 1024 * 1024;

// WhatsApp Cloud API (developers.facebook.com/docs/whatsapp/cloud-api): text body up to 4096
// characters; media per type (images 5 MB, audio and video 16 MB, documents 100 MB); 80 messages
// per second per business number by default; free-form messages only within 24 h of the user's last
// message; status webhooks sent, delivered, read and failed.
export const whatsappCapabilities: ChannelCapabilities = {
  maxTextLength: 4096,
  media: {
    mimeTypes: [
      'image/jpeg',
      'image/png',
      'video/mp4',
      'video/3gpp',
      'audio/aac',
      'audio/amr',
      'audio/mpeg',
      'audio/mp4',
      'audio/ogg',
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
    maxBytesByMimeType: {
      'image/jpeg': 5 * MB,
      'image/png': 5 * MB,
      'video/mp4': 16 * MB,
      'video/3gpp': 16 * MB,
      'audio/aac': 16 * MB,
      'audio/amr': 16 * MB,
      'audio/mpeg': 16 * MB,
      'audio/mp4': 16 * MB,
      'audio/ogg': 16 * MB,
    },
  },
  rateLimit: { perSecond: 80, burst: 80 },
  customerServiceWindowHours: 24,
  receipts: ['SENT', 'DELIVERED', 'READ', 'FAILED'],
  webhookAuthentication: 'body-hmac',
};
