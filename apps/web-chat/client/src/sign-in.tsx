import { useState, type FormEvent } from 'react';
import { ChatApi, errorText } from './api';

/** Client credentials of an API client (npm run admin -- create-client <user>); nothing is stored. */
export function SignIn({ onSignedIn }: { onSignedIn: (api: ChatApi, userId: string) => void }) {
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { api, me } = await ChatApi.signIn(clientId.trim(), clientSecret.trim());
      onSignedIn(api, me.user_id);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Chat4All</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="sign-in-help">
        <p id="sign-in-help">Sign in with an API client: its id and secret.</p>
        <label htmlFor="client-id">Client ID</label>
        <input id="client-id" name="client_id" autoComplete="username" required value={clientId} onChange={(e) => setClientId(e.target.value)} />
        <label htmlFor="client-secret">Client secret</label>
        <input id="client-secret" name="client_secret" type="password" autoComplete="current-password" required value={clientSecret} onChange={(e) => setClientSecret(e.target.value)} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
