import type { ExternalChannel } from '@chat4all/contracts';
import type { ChannelCapabilities, ChannelConnector, ChannelConnectorConfig } from './channel-connector';
import type { ChannelSimulator, SimulatorOptions } from './channel-simulator';

/** What each channel folder's index exports as `channelModule`; the registry finds them at run time. */
export interface ChannelModule {
  readonly channel: ExternalChannel;
  readonly capabilities: ChannelCapabilities;
  createConnector(config: ChannelConnectorConfig): ChannelConnector;
  createSimulator(options?: SimulatorOptions): ChannelSimulator;
}
