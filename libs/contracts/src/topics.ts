import { EXTERNAL_CHANNELS, type ExternalChannel } from './channels';

// The one place topic names exist (ARCHITECTURE §3). Partitions and replication come from config
// (KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR), so production runs 100+ partitions, RF=3.
export interface TopicSpec {
  name: string;
  /** What the record key is: consumers rely on it for ordering. */
  key: 'conversation_id' | 'channel:external_contact' | 'upload_id' | 'original key';
  /** Extra topic configs; min.insync.replicas is added from config. */
  config?: Record<string, string>;
}

export const Topics = {
  messagesCreated: 'messages.created',
  messagesStatus: 'messages.status',
  messagesInbound: 'messages.inbound',
  conversationsRead: 'conversations.read',
  conversationsDelivered: 'conversations.delivered',
  filesMergeRequested: 'files.merge-requested',
  deadLetters: 'message_processing_dlq',
} as const;

export const outboundTopic = (channel: ExternalChannel): string => `messages.outbound.${channel}`;

export const TOPIC_SPECS: readonly TopicSpec[] = [
  { name: Topics.messagesCreated, key: 'conversation_id' },
  ...EXTERNAL_CHANNELS.map((c): TopicSpec => ({ name: outboundTopic(c), key: 'conversation_id' })),
  { name: Topics.messagesStatus, key: 'conversation_id' },
  { name: Topics.messagesInbound, key: 'channel:external_contact' },
  { name: Topics.conversationsRead, key: 'conversation_id' },
  { name: Topics.conversationsDelivered, key: 'conversation_id' },
  { name: Topics.filesMergeRequested, key: 'upload_id' },
  // Dead letters are kept for operators: 30 days.
  { name: Topics.deadLetters, key: 'original key', config: { 'retention.ms': String(30 * 24 * 3600 * 1000) } },
];
