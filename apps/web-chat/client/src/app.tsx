import { useState } from 'react';
import type { ChatApi } from './api';
import { Chat } from './chat';
import { SignIn } from './sign-in';

export function App() {
  const [session, setSession] = useState<{ api: ChatApi; userId: string }>();
  if (!session) return <SignIn onSignedIn={(api, userId) => setSession({ api, userId })} />;
  return <Chat api={session.api} userId={session.userId} onSignOut={() => setSession(undefined)} />;
}
