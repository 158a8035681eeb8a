export { channelConnectorConfigSchema, SEND_FAILURE_CODES, WebhookPayloadError } from './channel-connector';
export type {
  ChannelCapabilities,
  ChannelConnector,
  ChannelConnectorConfig,
  InboundEvent,
  ReceiptStatus,
  SendFailure,
  SendFailureCode,
  SendResult,
  WebhookHeaders,
} from './channel-connector';
export type { ChannelModule } from './channel-module';
export type { AcceptedMessage, ChannelSimulator, LatencyDistribution, SimulatorOptions, SimulatorWebhookOptions } from './channel-simulator';
export { ChannelRegistryError, channelModuleFor, loadChannelModules } from './registry';
