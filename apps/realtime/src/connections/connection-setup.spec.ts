import type { Principal } from '@chat4all/auth-guard';
import { CloseCodes, type ServerFrame } from '@chat4all/contracts';
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import type { ClientConnection } from './client-connection';
import { ConnectionSetup } from './connection-setup';

class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  readonly sent: ServerFrame[] = [];
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ServerFrame);
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = WebSocket.CLOSING;
  }
  closedWith?: number;
  /** The peer went away: the close event, as ws emits it. */
  drop(): void {
    this.readyState = WebSocket.CLOSED;
    this.emit('close');
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('ConnectionSetup', () => {
  const principal = { userId: 'u1' } as Principal;
  let inHub: Set<ClientConnection>;
  let claimed: Set<string>;
  let loading: ReturnType<typeof deferred<void>>;
  let admitting: ReturnType<typeof deferred<boolean>>;
  let setup: ConnectionSetup;

  beforeEach(() => {
    inHub = new Set();
    claimed = new Set();
    loading = deferred<void>();
    admitting = deferred<boolean>();
    const hub = {
      add: async (c: ClientConnection) => {
        await loading.promise;
        inHub.add(c);
      },
      remove: (c: ClientConnection) => Promise.resolve(void inHub.delete(c)),
    };
    const limits = {
      admit: async (c: ClientConnection) => {
        const ok = await admitting.promise;
        if (ok) claimed.add(c.id);
        return ok;
      },
      release: (c: ClientConnection) => void claimed.delete(c.id),
    };
    const auth = { watch: () => new Date('2026-12-02T12:00:00Z'), forget: () => undefined };
    setup = new ConnectionSetup(hub, limits, { receive: () => Promise.resolve() }, auth, 30_000);
  });

  const open = (ws: FakeSocket) => setup.open(ws as unknown as WebSocket, principal, '127.0.0.1');

  it('follows the conversations, then sends ready; closing gives the place and the follows back', async () => {
    const ws = new FakeSocket();
    admitting.resolve(true);
    loading.resolve();
    await open(ws);
    expect(ws.sent).toEqual([{ type: 'ready', connection_id: expect.any(String), heartbeat_ms: 30_000, expires_at: '2026-12-02T12:00:00.000Z' }]);
    expect(inHub.size).toBe(1);
    ws.drop();
    expect(inHub.size).toBe(0);
    expect(claimed.size).toBe(0);
  });

  // The close event of a socket that went away while its conversations were loading came before it
  // was in the hub: it stayed there, counted against the user's limit and refreshed in the registry
  // by every heartbeat, until the heartbeat timeout.
  it('forgets a socket that closed while its conversations were loading', async () => {
    const ws = new FakeSocket();
    admitting.resolve(true);
    const opening = open(ws);
    await Promise.resolve();
    ws.drop();
    loading.resolve();
    await opening;
    expect(inHub.size).toBe(0);
    expect(claimed.size).toBe(0);
    expect(ws.sent).toEqual([]);
  });

  it('forgets a socket that closed while its connection place was being claimed', async () => {
    const ws = new FakeSocket();
    const opening = open(ws);
    ws.drop(); // before any listener of the setup is on the socket
    admitting.resolve(true);
    loading.resolve();
    await opening;
    expect(inHub.size).toBe(0);
    expect(claimed.size).toBe(0);
  });

  it('closes with 1011 when the conversations cannot be loaded, and holds nothing', async () => {
    const ws = new FakeSocket();
    admitting.resolve(true);
    loading.reject(new Error('gateway down'));
    await open(ws);
    expect(ws.closedWith).toBe(CloseCodes.internalError);
    expect(claimed.size).toBe(0);
    expect(ws.sent).toEqual([]);
  });
});
