import type { ChannelModule } from '../channel-module';
import { whatsappCapabilities } from './whatsapp.capabilities';
import { WhatsAppConnector } from './whatsapp.connector';
import { WhatsAppSimulator } from './whatsapp.simulator';

export const channelModule: ChannelModule = {
  channel: 'whatsapp',
  capabilities: whatsappCapabilities,
  createConnector: (config, media) => new WhatsAppConnector(config, media),
  createSimulator: (options) => new WhatsAppSimulator(options),
};

export { WhatsAppConnector, WhatsAppSimulator };
