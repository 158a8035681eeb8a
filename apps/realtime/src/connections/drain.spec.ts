import { CloseCodes, type ServerFrame } from '@chat4all/contracts';
import type { WebSocket } from 'ws';
import { ClientConnection } from './client-connection';
import { drainConnections } from './drain';

describe('drainConnections', () => {
  it('sends each connection going_away with a reconnect hint under a second, then closes it with 1001', async () => {
    const log: string[] = [];
    const connections = [1, 2, 3].map((n) => {
      const socket = {
        send: (data: string) => {
          const frame = JSON.parse(data) as ServerFrame;
          if (frame.type === 'going_away') expect(frame.reconnect_after_ms).toBeLessThanOrEqual(1000);
          log.push(`${n} ${frame.type}`);
        },
        close: (code: number) => log.push(`${n} close ${code}`),
      } as unknown as WebSocket;
      return new ClientConnection(`c${n}`, 'u1', socket);
    });
    await drainConnections(connections, 0);
    expect(log).toEqual(['1 going_away', `1 close ${CloseCodes.goingAway}`, '2 going_away', '2 close 1001', '3 going_away', '3 close 1001']);
  });
});
