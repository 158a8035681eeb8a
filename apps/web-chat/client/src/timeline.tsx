import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { errorText, type ChatStore, type ConversationItem, type TimelineView, type UiMessage } from './chat-store';
import { conversationName, shortId } from './conversation-list';

const STATUS: Record<UiMessage['status'], { ticks: string; label: string }> = {
  SENDING: { ticks: '…', label: 'Sending' },
  ACCEPTED: { ticks: '✓', label: 'Accepted' },
  SENT: { ticks: '✓', label: 'Sent' },
  DELIVERED: { ticks: '✓✓', label: 'Delivered' },
  READ: { ticks: '✓✓', label: 'Read' },
  FAILED: { ticks: '!', label: 'Failed' },
};

const visible = () => document.visibilityState === 'visible';

export function Timeline(props: { store: ChatStore; conversation: ConversationItem; timeline?: TimelineView; me: string; onBack: () => void }) {
  const { store, conversation, timeline, me, onBack } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  // Where the view was before older messages were put above it (kept in place), or whether it
  // followed the newest (kept at the bottom).
  const anchor = useRef<{ fromBottom: number } | undefined>(undefined);
  const atBottom = useRef(true);
  const messages = timeline?.messages ?? [];

  useEffect(() => void store.open(conversation.id), [store, conversation.id]);

  // Mark read while the timeline is on screen.
  useEffect(() => {
    if (visible()) store.markRead(conversation.id);
    const onVisibility = () => visible() && store.markRead(conversation.id);
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [store, conversation.id, messages.length, conversation.last_seq]);

  // Infinite scroll back: the sentinel at the top came into view.
  useEffect(() => {
    const el = top.current;
    const root = scroller.current;
    if (!el || !root) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting) || !timeline?.hasOlder || timeline.loading) return;
        anchor.current = { fromBottom: root.scrollHeight - root.scrollTop };
        void store.loadOlder(conversation.id);
      },
      { root, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [store, conversation.id, timeline?.hasOlder, timeline?.loading]);

  useLayoutEffect(() => {
    const root = scroller.current;
    if (!root) return;
    if (anchor.current && !timeline?.loading) {
      root.scrollTop = root.scrollHeight - anchor.current.fromBottom;
      anchor.current = undefined;
    } else if (atBottom.current) {
      root.scrollTop = root.scrollHeight;
    }
  }, [messages.length, timeline?.loading]);

  return (
    <main className="timeline" aria-labelledby="timeline-title">
      <header className="timeline-header">
        <button type="button" className="back" onClick={onBack} aria-label="Back to conversations">
          ←
        </button>
        <h2 id="timeline-title">{conversationName(conversation)}</h2>
      </header>
      <div
        className="messages"
        ref={scroller}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        <div ref={top} className="older">
          {timeline?.loading ? 'Loading…' : timeline?.hasOlder === false ? 'Beginning of the conversation' : ''}
        </div>
        {timeline?.error && (
          <p role="alert" className="error">
            {timeline.error}
          </p>
        )}
        <ol aria-label="Messages" role="log" aria-live="polite">
          {messages.map((m) => (
            <MessageItem key={m.message_id} m={m} mine={m.sender_id === me} showSender={conversation.type === 'group'} store={store} conversationId={conversation.id} />
          ))}
        </ol>
      </div>
      <Composer store={store} conversationId={conversation.id} />
    </main>
  );
}

function MessageItem(props: { m: UiMessage; mine: boolean; showSender: boolean; store: ChatStore; conversationId: string }) {
  const { m, mine, showSender, store, conversationId } = props;
  const status = STATUS[m.status];
  return (
    <li className={mine ? 'message mine' : 'message'} data-seq={m.seq} data-status={m.status} data-message-id={m.message_id}>
      {!mine && showSender && <span className="sender">{shortId(m.sender_id)}</span>}
      <div className="body">{m.payload.type === 'text' ? m.payload.text : <FileLink store={store} fileId={m.payload.file_id} name={m.payload.filename ?? 'file'} />}</div>
      <div className="meta">
        <time dateTime={m.created_at}>{new Date(m.created_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
        {mine && (
          <span className={`status ${m.status.toLowerCase()}`} role="img" aria-label={status.label} title={m.error ?? status.label}>
            {status.ticks}
          </span>
        )}
        {mine && m.status === 'FAILED' && m.seq === undefined && (
          <button type="button" className="link" onClick={() => void store.retry(conversationId, m.message_id)}>
            Retry
          </button>
        )}
      </div>
    </li>
  );
}

function FileLink({ store, fileId, name }: { store: ChatStore; fileId: string; name: string }) {
  const [error, setError] = useState<string>();
  return (
    <span>
      <PaperClip />{' '}
      <button
        type="button"
        className="link"
        onClick={() =>
          void store.fileLink(fileId).then(
            (url) => window.open(url, '_blank', 'noopener'),
            (e: unknown) => setError(errorText(e)),
          )
        }
      >
        {name}
      </button>
      {error && <span className="error"> {error}</span>}
    </span>
  );
}

function Composer({ store, conversationId }: { store: ChatStore; conversationId: string }) {
  const [text, setText] = useState('');
  const [upload, setUpload] = useState<{ name: string; fraction: number; error?: string }>();
  const fileInput = useRef<HTMLInputElement>(null);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText('');
    void store.send(conversationId, body);
  };
  // Enter sends, Shift+Enter starts a new line.
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  const onFile = (file: File | undefined) => {
    if (!file) return;
    setUpload({ name: file.name, fraction: 0 });
    store
      .sendFile(conversationId, file, (fraction) => setUpload({ name: file.name, fraction }))
      .then(() => setUpload(undefined))
      .catch((e: unknown) => setUpload({ name: file.name, fraction: 0, error: errorText(e) }));
    if (fileInput.current) fileInput.current.value = '';
  };

  return (
    <form className="composer" aria-label="Send a message" onSubmit={submit}>
      {upload && (
        <div className="upload">
          <label htmlFor="upload-progress">Uploading {upload.name}</label>
          <progress id="upload-progress" max={1} value={upload.fraction}>
            {Math.round(upload.fraction * 100)}%
          </progress>
          {upload.error && (
            <p role="alert" className="error">
              {upload.error}
            </p>
          )}
        </div>
      )}
      <label htmlFor="message-text" className="visually-hidden">
        Message
      </label>
      <textarea id="message-text" rows={1} maxLength={4096} placeholder="Write a message" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} />
      <label className="attach" title="Attach a file">
        <span className="visually-hidden">Attach a file</span>
        <PaperClip />
        <input ref={fileInput} type="file" className="visually-hidden" onChange={(e) => onFile(e.target.files?.[0])} />
      </label>
      <button type="submit">Send</button>
    </form>
  );
}

/** Drawn, not an emoji: not every system has an emoji font. */
function PaperClip() {
  return (
    <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" />
    </svg>
  );
}
