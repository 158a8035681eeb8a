import type { ChannelConnectorConfig, InboundEvent } from '../channel-connector';
import type { RecentSendsBounds } from '../recent-sends';
import { SendApiConnector, type MessagingEvent } from '../send-api.connector';
import { messengerCapabilities } from './messenger.capabilities';

/** Extra knobs beside the common config; the defaults suit production. */
export interface MessengerConnectorOptions {
  recentSends?: RecentSendsBounds;
}

// Messenger: delivery and read receipts are watermarks ("everything sent before this instant"),
// per thread, not per message. They are expanded into per-message statuses from the bounded memory
// of recent sends (see RecentSends); a delivery receipt may also name its messages in `mids`.
export class MessengerConnector extends SendApiConnector {
  constructor(config: ChannelConnectorConfig, options: MessengerConnectorOptions = {}) {
    // RESPONSE: a reply inside the standard messaging window, which is what conversations send.
    super('messenger', messengerCapabilities, config, { webhookObject: 'page', extraFields: { messaging_type: 'RESPONSE' }, recentSends: options.recentSends });
  }

  protected receipts(event: MessagingEvent): InboundEvent[] {
    const contact = event.sender.id;
    if (event.delivery) {
      const { mids = [], watermark } = event.delivery;
      const named = this.sends.deliveredNamed(contact, mids);
      const covered = this.sends.deliveredUpTo(contact, watermark);
      const at = new Date(event.timestamp ?? watermark);
      return [...new Set([...named, ...covered])].map((mid) => ({ kind: 'status', providerMessageId: mid, status: 'DELIVERED', at }));
    }
    if (event.read?.watermark !== undefined) {
      const at = new Date(event.timestamp ?? event.read.watermark);
      return this.sends.readUpTo(contact, event.read.watermark).map((mid) => ({ kind: 'status', providerMessageId: mid, status: 'READ', at }));
    }
    return [];
  }
}
