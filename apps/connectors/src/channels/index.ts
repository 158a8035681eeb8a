export { channelConnectorConfigSchema, SEND_FAILURE_CODES, WebhookPayloadError } from './channel-connector';
export type {
  ChannelCapabilities,
  ChannelConnector,
  ChannelConnectorConfig,
  InboundEvent,
  MediaKind,
  MediaRule,
  ReceiptStatus,
  SendFailure,
  SendFailureCode,
  SendResult,
  WebhookHeaders,
} from './channel-connector';
export type { ChannelModule } from './channel-module';
export type { AcceptedMessage, ChannelSimulator, LatencyDistribution, SentMedia, SimulatorOptions, SimulatorWebhookOptions } from './channel-simulator';
export type { MediaDownload } from './media-fetch';
export type { MediaLink, MediaLinks } from './media-links';
export { ChannelRegistryError, channelModuleFor, loadChannelModules } from './registry';
