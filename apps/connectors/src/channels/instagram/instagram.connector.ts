import type { ChannelConnectorConfig, InboundEvent } from '../channel-connector';
import type { MediaLinks } from '../media-links';
import { SendApiConnector, type MessagingEvent } from '../send-api.connector';
import { instagramCapabilities } from './instagram.capabilities';

// Images, a video or an audio file: Instagram's Send API takes no documents.
export const INSTAGRAM_ATTACHMENT_TYPES = { image: 'image', video: 'video', audio: 'audio' } as const;

// Instagram: no delivery receipts at all; a read receipt names the last message the person saw,
// which means every earlier message in the thread was seen too: the named message's status, and a
// thread status through it, expanded by the app from its record of sends.
export class InstagramConnector extends SendApiConnector {
  constructor(config: ChannelConnectorConfig, media: MediaLinks) {
    super('instagram', instagramCapabilities, config, { webhookObject: 'instagram', extraFields: {}, attachmentTypes: INSTAGRAM_ATTACHMENT_TYPES, attachmentPayload: {} }, media);
  }

  protected receipts(event: MessagingEvent): InboundEvent[] {
    const mid = event.read?.mid;
    if (mid === undefined) return [];
    const at = new Date(event.timestamp ?? Date.now());
    return [
      { kind: 'status', providerMessageId: mid, status: 'READ', at },
      { kind: 'thread-status', contact: event.sender.id, status: 'READ', through: { providerMessageId: mid }, at },
    ];
  }
}
