import { clientFrameSchema, serverFrameSchema } from '@chat4all/contracts';
import { Counter, Gauge, Histogram, register } from 'prom-client';

// The WebSocket side of realtime: sockets open, frames each way by type, and how long after the
// gateway accepted a message its message.created reached a socket. Frame types are the protocol's
// (libs/contracts), anything else is counted as `unknown` (server frames passed through from Redis)
// or `invalid` (client frames that do not parse), so a client cannot add series.

const SERVER_FRAME_TYPES: ReadonlySet<string> = new Set(serverFrameSchema.options.map((o) => o.shape.type.value));
const CLIENT_FRAME_TYPES: ReadonlySet<string> = new Set(clientFrameSchema.options.map((o) => o.shape.type.value));

export const openConnections = new Gauge({ name: 'realtime_websocket_connections', help: 'Open WebSocket connections on this instance', registers: [register] });

const framesSent = new Counter({
  name: 'realtime_websocket_frames_sent_total',
  help: 'Frames written to sockets, by frame type',
  labelNames: ['type'],
  registers: [register],
});

const framesReceived = new Counter({
  name: 'realtime_websocket_frames_received_total',
  help: 'Frames received from clients, by frame type (invalid: did not parse; rate_limited: dropped unread over the frame rate limit)',
  labelNames: ['type'],
  registers: [register],
});

const acceptToDelivered = new Histogram({
  name: 'realtime_accept_to_delivered_seconds',
  help: "From the gateway accepting a message to its live message.created frame being written to a socket (replays not counted)",
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [register],
});

export function countFrameSent(type: string): void {
  framesSent.inc({ type: SERVER_FRAME_TYPES.has(type) ? type : 'unknown' });
}

export function countFrameReceived(type: string): void {
  framesReceived.inc({ type: CLIENT_FRAME_TYPES.has(type) || type === 'rate_limited' ? type : 'invalid' });
}

/** `acceptedAt`: epoch milliseconds of the message's created_at (when the gateway accepted it). */
export function observeDelivered(acceptedAt: number): void {
  acceptToDelivered.observe(Math.max(0, Date.now() - acceptedAt) / 1000);
}
