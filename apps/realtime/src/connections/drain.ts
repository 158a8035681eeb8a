import { CloseCodes, ServerFrames } from '@chat4all/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientConnection } from './client-connection';

/** The reconnect hint of going_away is random up to this, so clients spread over the other instances. */
const RECONNECT_HINT_MAX_MS = 1000;

// SIGTERM: going away (1001) with a reconnect hint, spread over drainMs so that clients do not all
// reconnect to the same instance at once.
export async function drainConnections(connections: readonly ClientConnection[], drainMs: number): Promise<void> {
  const step = connections.length > 0 ? drainMs / connections.length : 0;
  for (const c of connections) {
    c.send(ServerFrames.goingAway(Math.round(Math.random() * RECONNECT_HINT_MAX_MS)));
    c.socket.close(CloseCodes.goingAway, 'server shutting down; reconnect');
    if (step >= 1) await sleep(step);
  }
}
