export { RealtimeClient } from './realtime-client';
export type { ConversationEvent, RealtimeClientOptions } from './realtime-client';
