import type { ChannelConnectorConfig, InboundEvent } from '../channel-connector';
import type { MediaLinks } from '../media-links';
import { SendApiConnector, type MessagingEvent } from '../send-api.connector';
import { messengerCapabilities } from './messenger.capabilities';

export const MESSENGER_ATTACHMENT_TYPES = { image: 'image', video: 'video', audio: 'audio', document: 'file' } as const;

// Messenger: delivery and read receipts are watermarks ("everything sent before this instant"),
// per thread, not per message: thread statuses, expanded by the app from its record of sends. A
// delivery receipt may also name its messages in `mids`.
export class MessengerConnector extends SendApiConnector {
  constructor(config: ChannelConnectorConfig, media: MediaLinks) {
    super(
      'messenger',
      messengerCapabilities,
      config,
      {
        webhookObject: 'page',
        // RESPONSE: a reply inside the standard messaging window, which is what conversations send.
        extraFields: { messaging_type: 'RESPONSE' },
        attachmentTypes: MESSENGER_ATTACHMENT_TYPES,
        // Each link is short-lived and each file sent once: nothing to save for reuse.
        attachmentPayload: { is_reusable: false },
      },
      media,
    );
  }

  protected receipts(event: MessagingEvent): InboundEvent[] {
    const contact = event.sender.id;
    if (event.delivery) {
      const { mids = [], watermark } = event.delivery;
      const at = new Date(event.timestamp ?? watermark);
      return [
        ...mids.map((mid): InboundEvent => ({ kind: 'status', providerMessageId: mid, status: 'DELIVERED', at })),
        { kind: 'thread-status', contact, status: 'DELIVERED', through: { sentBy: new Date(watermark) }, at },
      ];
    }
    if (event.read?.watermark !== undefined) {
      const at = new Date(event.timestamp ?? event.read.watermark);
      return [{ kind: 'thread-status', contact, status: 'READ', through: { sentBy: new Date(event.read.watermark) }, at }];
    }
    return [];
  }
}
