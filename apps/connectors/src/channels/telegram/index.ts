import type { ChannelModule } from '../channel-module';
import { telegramCapabilities } from './telegram.capabilities';
import { TelegramConnector } from './telegram.connector';
import { TelegramSimulator } from './telegram.simulator';

export const channelModule: ChannelModule = {
  channel: 'telegram',
  capabilities: telegramCapabilities,
  createConnector: (config, media) => new TelegramConnector(config, media),
  createSimulator: (options) => new TelegramSimulator(options),
};

export { TelegramConnector, TelegramSimulator };
