import { z } from 'zod';
import { EXTERNAL_CHANNELS } from '../channels';
import { DeadLetterHeaders, REPLAY_OF_HEADER } from '../dead-letter';
import { eventEnvelopeSchema } from '../event-envelope';
import { fileMergeRequestedSchema } from '../files';
import {
  conversationDeliveredSchema,
  conversationReadSchema,
  EventTypes,
  inboundMessageSchema,
  messageCreatedSchema,
  messageStatusSchema,
  outboundMessageSchema,
} from '../messaging-events';
import {
  ackFrameSchema,
  authenticatedFrameSchema,
  authFrameSchema,
  CloseCodes,
  conversationDeliveredFrameSchema,
  conversationJoinedFrameSchema,
  conversationReadFrameSchema,
  errorFrameSchema,
  fileCompletedFrameSchema,
  fileFailedFrameSchema,
  goingAwayFrameSchema,
  messageCreatedFrameSchema,
  messageStatusFrameSchema,
  pingFrameSchema,
  pongFrameSchema,
  readyFrameSchema,
  resumeDoneFrameSchema,
  resumeFrameSchema,
  resumeResetFrameSchema,
} from '../realtime-protocol';
import { outboundTopic, Topics, TOPIC_SPECS } from '../topics';
import { API_VERSION } from './openapi';

// The AsyncAPI 3.0 document of what is not REST: the WebSocket protocol of realtime (every frame
// each way, the close codes) and the Kafka topics (envelope, payloads, keys, headers). Generated from
// the zod schemas that realtime, its clients and the topics' consumers parse with.

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' });

interface Frame {
  name: string;
  summary: string;
  schema: z.ZodType;
}

const SERVER_FRAMES: Frame[] = [
  { name: 'ready', summary: 'Sent once the socket is authenticated: connection id, heartbeat interval, when its access ends.', schema: readyFrameSchema },
  { name: 'auth.ok', summary: 'A fresh token sent in band was accepted: the new expiry.', schema: authenticatedFrameSchema },
  { name: 'message.created', summary: 'A new message in one of your conversations, with its seq (resume and de-duplicate by it).', schema: messageCreatedFrameSchema },
  { name: 'message.status', summary: 'A message of yours moved forward: SENT, DELIVERED, READ, FAILED.', schema: messageStatusFrameSchema },
  { name: 'conversation.read', summary: 'A member read up to seq.', schema: conversationReadFrameSchema },
  { name: 'conversation.delivered', summary: 'A member received up to seq.', schema: conversationDeliveredFrameSchema },
  { name: 'conversation.joined', summary: 'You became a member of a conversation: resume it from 0.', schema: conversationJoinedFrameSchema },
  { name: 'file.completed', summary: 'An upload of yours was merged and checked.', schema: fileCompletedFrameSchema },
  { name: 'file.failed', summary: 'An upload of yours was refused at the merge.', schema: fileFailedFrameSchema },
  { name: 'resume.done', summary: 'Replay of a conversation finished; every member\'s horizons now.', schema: resumeDoneFrameSchema },
  { name: 'resume.reset', summary: 'Too far behind (or not found): reload the conversation over REST.', schema: resumeResetFrameSchema },
  { name: 'pong', summary: 'Answer to ping.', schema: pongFrameSchema },
  { name: 'going_away', summary: 'The instance is draining: reconnect after reconnect_after_ms and resume.', schema: goingAwayFrameSchema },
  { name: 'error', summary: 'A frame was refused (invalid-frame, too-many-positions, resume-failed, invalid-token, auth-unavailable, ack-failed).', schema: errorFrameSchema },
];

const CLIENT_FRAMES: Frame[] = [
  { name: 'resume', summary: 'Replay every conversation from the seq you saw last (0: from the start).', schema: resumeFrameSchema },
  { name: 'ack', summary: 'You received up to seq (what makes the sender\'s messages DELIVERED).', schema: ackFrameSchema },
  { name: 'auth', summary: 'A fresh access token before the socket\'s access ends.', schema: authFrameSchema },
  { name: 'ping', summary: 'Keep-alive (the server also pings at the WebSocket level).', schema: pingFrameSchema },
];

const CLOSE_CODES: Record<keyof typeof CloseCodes, string> = {
  normal: 'The client closed on purpose.',
  goingAway: 'The instance is draining (after going_away): reconnect after the hint, then resume.',
  frameTooLarge: 'A client frame larger than WS_MAX_FRAME_BYTES.',
  internalError: 'The server could not load your conversations: reconnect with backoff.',
  unauthenticated: 'The socket\'s access ended (reason token_expired or token_revoked): refresh the token, reconnect and resume.',
  policy: 'Too many connections for the user, or too many frames per second: do not reconnect in a loop.',
};

interface TopicEvent {
  topic: string;
  id: string;
  eventType: string;
  summary: string;
  payload: z.ZodType;
}

const TOPIC_EVENTS: TopicEvent[] = [
  { topic: Topics.messagesCreated, id: 'messageCreated', eventType: EventTypes.messageCreated, summary: 'A message was accepted (written to the outbox with it).', payload: messageCreatedSchema },
  ...EXTERNAL_CHANNELS.map((c) => ({
    topic: outboundTopic(c),
    id: `messageOutbound_${c}`,
    eventType: EventTypes.messageOutbound,
    summary: `A message for a ${c} contact, for its connector.`,
    payload: outboundMessageSchema,
  })),
  { topic: Topics.messagesStatus, id: 'messageStatus', eventType: EventTypes.messageStatus, summary: 'A message\'s status moved (SENT, DELIVERED, READ, FAILED).', payload: messageStatusSchema },
  { topic: Topics.messagesInbound, id: 'messageInbound', eventType: EventTypes.messageInbound, summary: 'A contact wrote on an external channel (from a webhook).', payload: inboundMessageSchema },
  { topic: Topics.conversationsRead, id: 'conversationRead', eventType: EventTypes.conversationRead, summary: 'A member\'s read horizon moved.', payload: conversationReadSchema },
  { topic: Topics.conversationsDelivered, id: 'conversationDelivered', eventType: EventTypes.conversationDelivered, summary: 'A member\'s delivery horizon moved.', payload: conversationDeliveredSchema },
  { topic: Topics.filesMergeRequested, id: 'fileMergeRequested', eventType: EventTypes.fileMergeRequested, summary: 'An upload is complete: merge and check it.', payload: fileMergeRequestedSchema },
];

const channelKey = (topic: string) => topic.replace(/[^A-Za-z0-9_-]/g, '_');

const traceHeaders = {
  type: 'object',
  properties: {
    traceparent: { type: 'string', description: 'W3C trace context of the request that caused the event.' },
    tracestate: { type: 'string' },
  },
};

export function asyncApiDocument() {
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  const frameRef = (name: string) => ({ $ref: `#/components/messages/${frameId(name)}` });
  const frameId = (name: string) => `frame_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  for (const f of [...SERVER_FRAMES, ...CLIENT_FRAMES]) {
    messages[frameId(f.name)] = { name: f.name, title: f.name, summary: f.summary, contentType: 'application/json', payload: jsonSchema(f.schema) };
  }
  channels.realtime = {
    address: '/ws',
    title: 'Realtime',
    description: [
      'One WebSocket per client: wss://<realtime>/ws?token=<access token> (or Authorization: Bearer). Text frames, one JSON object each, with a `type`.',
      'After `ready`, send `resume` with the last seq you saw per conversation; the server replays what you missed, then streams live. De-duplicate by (conversation_id, seq).',
      '',
      'Close codes:',
      ...Object.entries(CloseCodes).map(([k, code]) => `- ${code}: ${CLOSE_CODES[k as keyof typeof CloseCodes]}`),
    ].join('\n'),
    servers: [{ $ref: '#/servers/realtime' }],
    messages: Object.fromEntries([...SERVER_FRAMES, ...CLIENT_FRAMES].map((f) => [frameId(f.name), frameRef(f.name)])),
    bindings: {
      ws: {
        method: 'GET',
        query: { type: 'object', properties: { token: { type: 'string', description: 'An access token (read scope).' } } },
        bindingVersion: '0.1.0',
      },
    },
    'x-close-codes': Object.fromEntries(Object.entries(CloseCodes).map(([k, code]) => [String(code), CLOSE_CODES[k as keyof typeof CloseCodes]])),
  };
  operations.sendServerFrames = {
    action: 'send',
    title: 'Frames the server sends',
    channel: { $ref: '#/channels/realtime' },
    messages: SERVER_FRAMES.map((f) => ({ $ref: `#/channels/realtime/messages/${frameId(f.name)}` })),
  };
  operations.receiveClientFrames = {
    action: 'receive',
    title: 'Frames the client sends',
    channel: { $ref: '#/channels/realtime' },
    messages: CLIENT_FRAMES.map((f) => ({ $ref: `#/channels/realtime/messages/${frameId(f.name)}` })),
  };

  for (const spec of TOPIC_SPECS) {
    const key = channelKey(spec.name);
    const events = TOPIC_EVENTS.filter((e) => e.topic === spec.name);
    const channelMessages: Record<string, unknown> = {};
    for (const e of events) {
      const id = `event_${e.id}`;
      messages[id] = {
        name: e.eventType,
        title: `${e.eventType} on ${e.topic}`,
        summary: e.summary,
        contentType: 'application/json',
        headers: traceHeaders,
        payload: jsonSchema(eventEnvelopeSchema.extend({ type: z.literal(e.eventType), payload: e.payload })),
        bindings: { kafka: { key: { type: 'string', description: `The ${spec.key}: records of one key stay in order.` }, bindingVersion: '0.5.0' } },
      };
      channelMessages[id] = { $ref: `#/components/messages/${id}` };
    }
    if (spec.name === Topics.deadLetters) {
      messages.deadLetter = {
        name: 'dead letter',
        title: `A record that could not be processed, on ${spec.name}`,
        summary: 'The original record (value and key unchanged) with headers naming where it came from and why.',
        contentType: 'application/json',
        headers: {
          type: 'object',
          properties: {
            ...traceHeaders.properties,
            ...Object.fromEntries(Object.values(DeadLetterHeaders).map((h) => [h, { type: 'string' }])),
            [REPLAY_OF_HEADER]: { type: 'string', description: 'On a replayed record: the dead letter it came from.' },
          },
        },
        payload: {},
        bindings: { kafka: { key: { type: 'string', description: 'The original record\'s key.' }, bindingVersion: '0.5.0' } },
      };
      channelMessages.deadLetter = { $ref: '#/components/messages/deadLetter' };
    }
    channels[key] = {
      address: spec.name,
      title: spec.name,
      description: `Key: ${spec.key}.${spec.config ? ` Topic config: ${Object.entries(spec.config).map(([k, v]) => `${k}=${v}`).join(', ')}.` : ''}`,
      servers: [{ $ref: '#/servers/kafka' }],
      messages: channelMessages,
    };
    operations[`publish_${key}`] = { action: 'send', channel: { $ref: `#/channels/${key}` }, messages: Object.keys(channelMessages).map((m) => ({ $ref: `#/channels/${key}/messages/${m}` })) };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Chat4All realtime and events',
      version: API_VERSION,
      description: 'The WebSocket protocol of the realtime service, and the Kafka topics between the platform\'s services (every record: a JSON envelope, W3C trace context in its headers).',
    },
    defaultContentType: 'application/json',
    servers: {
      realtime: { host: 'localhost:8081', protocol: 'wss', description: 'The realtime service (locally https://127.0.0.1:8081).' },
      kafka: { host: 'localhost:9092', protocol: 'kafka', description: 'The platform\'s Kafka cluster (internal).' },
    },
    channels,
    operations,
    components: { messages },
  };
}
