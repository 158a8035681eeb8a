import type { ExternalChannel } from '@chat4all/contracts';
import type { ChannelCapabilities, ChannelConnector, ChannelConnectorConfig } from './channel-connector';
import type { ChannelSimulator, SimulatorOptions } from './channel-simulator';
import type { MediaLinks } from './media-links';

/** What each channel folder's index exports as `channelModule`; the registry finds them at run time. */
export interface ChannelModule {
  readonly channel: ExternalChannel;
  readonly capabilities: ChannelCapabilities;
  /** `media`: where file messages' links come from (file-service in the app, a test's server in tests). */
  createConnector(config: ChannelConnectorConfig, media: MediaLinks): ChannelConnector;
  createSimulator(options?: SimulatorOptions): ChannelSimulator;
}
