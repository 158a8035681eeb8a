import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ChatApi } from './api';
import { ChatStore, type ConnectionState } from './chat-store';
import { ConversationList } from './conversation-list';
import { Timeline } from './timeline';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function Chat({ api, userId, onSignOut }: { api: ChatApi; userId: string; onSignOut: () => void }) {
  const [store] = useState(() => new ChatStore(api, userId));
  const [error, setError] = useState<string>();
  const [activeId, setActiveId] = useState<string>();
  const view = useSyncExternalStore(store.subscribe, store.getSnapshot);

  useEffect(() => {
    store.start().catch((e: unknown) => setError(String(e)));
    return () => store.stop();
  }, [store]);

  const active = view.conversations.find((c) => c.id === activeId);
  return (
    <div className="chat" data-view={active ? 'timeline' : 'list'}>
      <header className="top-bar">
        <h1>Chat4All</h1>
        <p role="status" aria-live="polite" className="connection" data-state={view.connection}>
          <span aria-hidden="true" className="dot" />
          {CONNECTION_TEXT[view.connection]}
        </p>
        <button
          type="button"
          className="link"
          onClick={() => {
            store.stop();
            void api.signOut();
            onSignOut();
          }}
        >
          Sign out
        </button>
      </header>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ConversationList store={store} view={view} activeId={activeId} onOpen={setActiveId} />
      {active ? (
        <Timeline key={active.id} store={store} conversation={active} timeline={view.timelines[active.id]} me={view.me} onBack={() => setActiveId(undefined)} />
      ) : (
        <main className="timeline empty">
          <p>Choose a conversation, or start one.</p>
        </main>
      )}
    </div>
  );
}
