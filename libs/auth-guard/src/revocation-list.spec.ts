import { RevocationList, type Revocation } from './revocation-list';

const principal = (issuedAtSec: number, sessionId?: string) => ({ userId: 'u1', clientId: 'c1', sessionId, issuedAt: new Date(issuedAtSec * 1000) });

describe('RevocationList', () => {
  let answer: () => Promise<Revocation[]>;
  const list = () => new RevocationList({ fetch: () => answer() }, 60_000);

  it('refuses tokens issued at or before a revocation of their user, client or session, and no others', async () => {
    answer = () =>
      Promise.resolve([
        { kind: 'user', subject: 'u1', revokedAt: 100 },
        { kind: 'session', subject: 's9', revokedAt: 300 },
      ]);
    const l = list();
    await l.ready();
    expect(l.isRevoked(principal(100))).toBe(true);
    expect(l.isRevoked(principal(101))).toBe(false); // issued after the user was disabled (and enabled again)
    expect(l.isRevoked(principal(200, 's9'))).toBe(true);
    expect(l.isRevoked({ ...principal(50), userId: 'u2', clientId: 'c2' })).toBe(false);
  });

  it('keeps the last list when a refresh fails, and is not ready before a first load', async () => {
    answer = () => Promise.reject(new Error('auth down'));
    const l = list();
    await expect(l.ready()).rejects.toThrow('auth down');
    answer = () => Promise.resolve([{ kind: 'client', subject: 'c1', revokedAt: 100 }]);
    await l.ready();
    answer = () => Promise.reject(new Error('auth down'));
    await expect(l.ready()).resolves.toBeUndefined(); // loaded once: no wait, the list stays in force
    expect(l.isRevoked(principal(90))).toBe(true);
  });

  it('re-reads the list when the source announces a change, again when one arrives during a read, and unwatches on stop', async () => {
    let announce: () => void = () => undefined;
    let unwatched = false;
    let reads = 0;
    let release: () => void = () => undefined;
    let current: Revocation[] = [];
    const l = new RevocationList(
      {
        fetch: async () => {
          reads++;
          const seen = current; // what the database held when the read began
          await new Promise<void>((resolve) => (release = resolve));
          return seen;
        },
        watch: (changed) => {
          announce = changed;
          return () => (unwatched = true);
        },
      },
      600_000,
    );
    l.start();
    announce(); // a read begins and sees the empty list...
    current = [{ kind: 'user', subject: 'u1', revokedAt: 100 }];
    announce(); // ...the revocation commits meanwhile: one more read is due once this one ends
    release();
    await waitFor(() => reads === 2);
    release();
    await waitFor(() => l.isRevoked(principal(100)));
    expect(reads).toBe(2);
    l.stop();
    expect(unwatched).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
