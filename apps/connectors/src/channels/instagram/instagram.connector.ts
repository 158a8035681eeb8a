import type { ChannelConnectorConfig, InboundEvent } from '../channel-connector';
import type { RecentSendsBounds } from '../recent-sends';
import { SendApiConnector, type MessagingEvent } from '../send-api.connector';
import { instagramCapabilities } from './instagram.capabilities';

export interface InstagramConnectorOptions {
  recentSends?: RecentSendsBounds;
}

// Instagram: no delivery receipts at all; a read receipt names the last message the person saw,
// which means every earlier message in the thread was seen too. Those earlier ones are found in the
// bounded memory of recent sends (see RecentSends); an unknown mid is reported alone.
export class InstagramConnector extends SendApiConnector {
  constructor(config: ChannelConnectorConfig, options: InstagramConnectorOptions = {}) {
    super('instagram', instagramCapabilities, config, { webhookObject: 'instagram', extraFields: {}, recentSends: options.recentSends });
  }

  protected receipts(event: MessagingEvent): InboundEvent[] {
    const mid = event.read?.mid;
    if (mid === undefined) return [];
    const seen = this.sends.readThrough(event.sender.id, mid);
    const at = new Date(event.timestamp ?? Date.now());
    return (seen.length > 0 ? seen : [mid]).map((m) => ({ kind: 'status', providerMessageId: m, status: 'READ', at }));
  }
}
