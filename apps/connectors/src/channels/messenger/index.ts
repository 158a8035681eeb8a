import type { ChannelModule } from '../channel-module';
import { messengerCapabilities } from './messenger.capabilities';
import { MessengerConnector } from './messenger.connector';
import { MessengerSimulator } from './messenger.simulator';

export const channelModule: ChannelModule = {
  channel: 'messenger',
  capabilities: messengerCapabilities,
  createConnector: (config, media) => new MessengerConnector(config, media),
  createSimulator: (options) => new MessengerSimulator(options),
};

export { MessengerConnector, MessengerSimulator };
