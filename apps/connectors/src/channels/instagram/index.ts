import type { ChannelModule } from '../channel-module';
import { instagramCapabilities } from './instagram.capabilities';
import { InstagramConnector } from './instagram.connector';
import { InstagramSimulator } from './instagram.simulator';

export const channelModule: ChannelModule = {
  channel: 'instagram',
  capabilities: instagramCapabilities,
  createConnector: (config, media) => new InstagramConnector(config, media),
  createSimulator: (options) => new InstagramSimulator(options),
};

export { InstagramConnector, InstagramSimulator };
