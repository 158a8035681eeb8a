import { parseClientFrame, ServerFrames, type ClientFrame } from '@chat4all/contracts';
import type { RawData } from 'ws';
import type { ClientConnection } from '../connections/client-connection';
import type { ConnectionAuth } from '../connections/connection-auth';
import type { ConnectionLimits } from '../connections/connection-limits';
import { countFrameReceived } from '../connections/websocket-metrics';
import type { ConversationResume } from '../resume/conversation-resume';
import type { DeliveryAcks } from './delivery-acks';

// Client frames (docs/api.md, "Client frames"): each one counts against the frame rate limit, is
// validated by the protocol schema, and goes to what handles its type.
export class ClientFrameRouter {
  constructor(
    private readonly limits: Pick<ConnectionLimits, 'allowFrame'>,
    private readonly resume: Pick<ConversationResume, 'resume'>,
    private readonly auth: Pick<ConnectionAuth, 'reauthenticate'>,
    private readonly acks: Pick<DeliveryAcks, 'ack'>,
    private readonly resumeMaxConversations: number,
  ) {}

  async receive(connection: ClientConnection, data: RawData, ip: string | undefined): Promise<void> {
    connection.lastSeenAt = Date.now();
    if (!(await this.limits.allowFrame(connection, ip))) {
      countFrameReceived('rate_limited');
      return;
    }
    let frame: ClientFrame;
    try {
      frame = parseClientFrame(toText(data));
    } catch {
      countFrameReceived('invalid');
      connection.send(ServerFrames.invalidFrame());
      return;
    }
    countFrameReceived(frame.type);
    switch (frame.type) {
      case 'ping':
        connection.send(ServerFrames.pong());
        return;
      case 'auth':
        await this.auth.reauthenticate(connection, frame.token);
        return;
      case 'ack':
        this.acks.ack(connection, frame.conversation_id, frame.seq);
        return;
      case 'resume': {
        const positions = Object.entries(frame.positions);
        if (positions.length > this.resumeMaxConversations) {
          connection.send(ServerFrames.tooManyPositions(this.resumeMaxConversations));
          return;
        }
        for (const [conversationId, seq] of positions) await this.resume.resume(connection, conversationId, seq);
        return;
      }
    }
  }
}

function toText(data: RawData): string {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return bytes.toString();
}
