import { useEffect, useState, type FormEvent } from 'react';
import { errorText, type ChatStore, type ChatView, type ConversationItem } from './chat-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Its title; else, for a private chat, the other member (ids are all the API knows of people). */
export function conversationName(c: Pick<ConversationItem, 'id' | 'type' | 'title' | 'others'>): string {
  if (c.title) return c.title;
  if (c.others?.length) return c.type === 'private' ? `Chat with ${shortId(c.others[0])}` : `Group with ${c.others.map(shortId).join(', ')}`;
  return `${c.type === 'private' ? 'Private chat' : 'Group'} ${shortId(c.id)}`;
}

export const shortId = (id: string) => id.slice(0, 8);

const time = (iso: string) => {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
};

export function ConversationList(props: { store: ChatStore; view: ChatView; activeId?: string; onOpen: (id: string) => void }) {
  const { store, view, activeId, onOpen } = props;
  // Names of untitled conversations: their members, for the first screenful.
  const untitled = view.conversations
    .filter((c) => !c.title && !c.others)
    .slice(0, 30)
    .map((c) => c.id)
    .join(' ');
  useEffect(() => {
    for (const id of untitled.split(' ').filter(Boolean)) void store.loadMembers(id);
  }, [store, untitled]);
  return (
    <aside className="sidebar">
      <MyId id={view.me} />
      <NewConversation store={store} onCreated={onOpen} />
      <nav aria-label="Conversations">
        {view.conversations.length === 0 ? (
          <p className="hint">No conversations yet.</p>
        ) : (
          <ul className="conversations">
            {view.conversations.map((c) => (
              <li key={c.id}>
                <button type="button" aria-current={c.id === activeId ? 'true' : undefined} onClick={() => onOpen(c.id)} data-conversation-id={c.id}>
                  <span className="name">{conversationName(c)}</span>
                  <time dateTime={c.last_activity_at}>{time(c.last_activity_at)}</time>
                  <span className="preview">{c.last_message?.preview ?? 'No messages yet'}</span>
                  {c.unread_count > 0 && (
                    <span className="unread" aria-label={`${c.unread_count} unread`} data-unread={c.unread_count}>
                      {c.unread_count}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        )}
      </nav>
    </aside>
  );
}

function NewConversation({ store, onCreated }: { store: ChatStore; onCreated: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const [type, setType] = useState<'private' | 'group'>('private');
  const [members, setMembers] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ids = members.split(/[\s,]+/).filter(Boolean);
    const bad = ids.find((id) => !UUID.test(id));
    if (bad || ids.length === 0) return setError(bad ? `not a user id: ${bad}` : 'give at least one user id');
    setBusy(true);
    setError(undefined);
    try {
      const id = await store.createConversation({ type, member_ids: ids, ...(title.trim() ? { title: title.trim() } : {}) });
      setMembers('');
      setTitle('');
      setOpen(false);
      onCreated(id);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!open)
    return (
      <button type="button" className="new" onClick={() => setOpen(true)}>
        New conversation
      </button>
    );
  return (
    <form className="new-conversation" aria-label="New conversation" onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend>Type</legend>
        <label>
          <input type="radio" name="type" value="private" checked={type === 'private'} onChange={() => setType('private')} /> Private (one other person)
        </label>
        <label>
          <input type="radio" name="type" value="group" checked={type === 'group'} onChange={() => setType('group')} /> Group
        </label>
      </fieldset>
      <label htmlFor="member-ids">Member user ids</label>
      <input id="member-ids" required value={members} onChange={(e) => setMembers(e.target.value)} aria-describedby="member-ids-help" />
      <small id="member-ids-help">Separated by commas or spaces; you are added yourself.</small>
      <label htmlFor="conversation-title">Title (optional)</label>
      <input id="conversation-title" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          Create
        </button>
        <button type="button" className="link" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

/** The id others need to start a conversation with you: shown, and copied with one click. */
function MyId({ id }: { id: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <p className="me">
      Your user id: <code>{id}</code>{' '}
      <button
        type="button"
        className="link"
        onClick={() =>
          void navigator.clipboard.writeText(id).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </p>
  );
}
