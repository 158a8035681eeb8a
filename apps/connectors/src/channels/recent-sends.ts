export interface RecentSendsBounds {
  /** Contacts remembered; the least recently sent-to is forgotten first. */
  contacts: number;
  /** Messages remembered per contact; the oldest is forgotten first. */
  perContact: number;
}

// At most contacts × perContact entries (about 200 000 by default, a few tens of MB at worst).
export const DEFAULT_RECENT_SENDS_BOUNDS: RecentSendsBounds = { contacts: 10_000, perContact: 20 };

interface Sent {
  mid: string;
  /** When we started the send request, in ms since the epoch: never later than the provider's timestamp. */
  sentAt: number;
  delivered: boolean;
}

/**
 * A bounded memory of the messages recently sent to each contact, in send order, so receipts that
 * name a point in a thread rather than messages (Messenger's watermarks, Instagram's "seen up to")
 * can be expanded into per-message statuses. Best effort by design: it lives in this process, so a
 * receipt for a message sent before a restart, or beyond the bounds, only reaches the messages it
 * names explicitly. A message leaves the memory once read (nothing follows READ).
 */
export class RecentSends {
  private readonly byContact = new Map<string, Sent[]>();

  constructor(private readonly bounds: RecentSendsBounds = DEFAULT_RECENT_SENDS_BOUNDS) {}

  get size(): number {
    let n = 0;
    for (const list of this.byContact.values()) n += list.length;
    return n;
  }

  record(contact: string, mid: string, sentAt: number): void {
    const list = this.byContact.get(contact) ?? [];
    // Re-inserting keeps the Map in least-recently-used order.
    this.byContact.delete(contact);
    list.push({ mid, sentAt, delivered: false });
    if (list.length > this.bounds.perContact) list.splice(0, list.length - this.bounds.perContact);
    this.byContact.set(contact, list);
    while (this.byContact.size > this.bounds.contacts) {
      const oldest = this.byContact.keys().next().value;
      if (oldest === undefined) break;
      this.byContact.delete(oldest);
    }
  }

  /** Messages sent at or before the watermark and not yet reported delivered; marks them delivered. */
  deliveredUpTo(contact: string, watermark: number): string[] {
    const due = (this.byContact.get(contact) ?? []).filter((s) => !s.delivered && s.sentAt <= watermark);
    for (const s of due) s.delivered = true;
    return due.map((s) => s.mid);
  }

  /** Of the named messages, those not yet reported delivered (unknown ones included); marks them. */
  deliveredNamed(contact: string, mids: readonly string[]): string[] {
    const known = new Map((this.byContact.get(contact) ?? []).map((s) => [s.mid, s]));
    return mids.filter((mid) => {
      const sent = known.get(mid);
      if (!sent) return true;
      if (sent.delivered) return false;
      sent.delivered = true;
      return true;
    });
  }

  /** Messages sent at or before the watermark; forgets them. */
  readUpTo(contact: string, watermark: number): string[] {
    return this.forget(contact, (list) => list.filter((s) => s.sentAt <= watermark));
  }

  /** The named message and every message sent to the contact before it; forgets them. */
  readThrough(contact: string, mid: string): string[] {
    return this.forget(contact, (list) => {
      const index = list.findIndex((s) => s.mid === mid);
      return index < 0 ? [] : list.slice(0, index + 1);
    });
  }

  private forget(contact: string, pick: (list: Sent[]) => Sent[]): string[] {
    const list = this.byContact.get(contact);
    if (!list) return [];
    const picked = new Set(pick(list));
    const rest = list.filter((s) => !picked.has(s));
    if (rest.length === 0) this.byContact.delete(contact);
    else this.byContact.set(contact, rest);
    return [...picked].map((s) => s.mid);
  }
}
