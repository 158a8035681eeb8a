import { RecentSends } from './recent-sends';

describe('RecentSends', () => {
  it('reports each message delivered once, up to the watermark', () => {
    const sends = new RecentSends();
    sends.record('psid', 'm1', 1_000);
    sends.record('psid', 'm2', 2_000);
    sends.record('psid', 'm3', 3_000);
    expect(sends.deliveredUpTo('psid', 2_000)).toEqual(['m1', 'm2']);
    expect(sends.deliveredUpTo('psid', 2_500)).toEqual([]);
    expect(sends.deliveredUpTo('psid', 3_000)).toEqual(['m3']);
    expect(sends.deliveredUpTo('other', 3_000)).toEqual([]);
  });

  it('reports named messages not yet delivered, unknown ones included', () => {
    const sends = new RecentSends();
    sends.record('psid', 'm1', 1_000);
    expect(sends.deliveredNamed('psid', ['m1', 'unknown'])).toEqual(['m1', 'unknown']);
    expect(sends.deliveredNamed('psid', ['m1'])).toEqual([]);
    expect(sends.deliveredUpTo('psid', 5_000)).toEqual([]);
  });

  it('forgets read messages, so a repeated read receipt reports nothing', () => {
    const sends = new RecentSends();
    sends.record('psid', 'm1', 1_000);
    sends.record('psid', 'm2', 2_000);
    expect(sends.readUpTo('psid', 1_500)).toEqual(['m1']);
    expect(sends.readUpTo('psid', 1_500)).toEqual([]);
    expect(sends.size).toBe(1);
    expect(sends.readUpTo('psid', 9_000)).toEqual(['m2']);
    expect(sends.size).toBe(0);
  });

  it('reads through a named message: it and everything sent before it', () => {
    const sends = new RecentSends();
    for (const mid of ['a', 'b', 'c']) sends.record('igsid', mid, 1_000);
    expect(sends.readThrough('igsid', 'b')).toEqual(['a', 'b']);
    expect(sends.readThrough('igsid', 'unknown')).toEqual([]);
    expect(sends.readThrough('igsid', 'c')).toEqual(['c']);
  });

  it('keeps at most perContact messages per contact, dropping the oldest', () => {
    const sends = new RecentSends({ contacts: 10, perContact: 2 });
    sends.record('psid', 'm1', 1);
    sends.record('psid', 'm2', 2);
    sends.record('psid', 'm3', 3);
    expect(sends.size).toBe(2);
    expect(sends.readUpTo('psid', 10)).toEqual(['m2', 'm3']);
  });

  it('keeps at most `contacts` contacts, forgetting the one sent to least recently', () => {
    const sends = new RecentSends({ contacts: 2, perContact: 5 });
    sends.record('a', 'a1', 1);
    sends.record('b', 'b1', 2);
    sends.record('a', 'a2', 3);
    sends.record('c', 'c1', 4);
    expect(sends.readUpTo('b', 10)).toEqual([]);
    expect(sends.readUpTo('a', 10)).toEqual(['a1', 'a2']);
    expect(sends.readUpTo('c', 10)).toEqual(['c1']);
  });
});
