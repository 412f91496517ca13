import { useState } from 'react';
import type { SyntheticEvent } from 'react';

import { credentialOf } from '../api/session.js';
import type { Credential } from '../api/api-client.js';
import type { Theme } from '../ui/theme.js';

interface Props {
  readonly onSignIn: (credential: Credential) => Promise<void>;
  readonly problem: string | null;
  readonly theme: Theme;
  readonly onTheme: () => void;
}

/** An API key, or an OIDC access token pasted as is (a JWT is sent as `Authorization: Bearer`). */
export const SignInPage = ({ onSignIn, problem, theme, onTheme }: Props) => {
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (secret.trim() === '') return;
    setBusy(true);
    void onSignIn(credentialOf(secret)).finally(() => {
      setBusy(false);
    });
  };
  return (
    <main className="sign-in" id="main">
      <h1>Kubently</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <label htmlFor="credential">API key or OIDC token</label>
        <input
          id="credential"
          type="password"
          autoComplete="off"
          value={secret}
          onChange={(event) => {
            setSecret(event.target.value);
          }}
          required
        />
        <p id="sign-in-help" className="hint">
          Kept in this tab only (session storage). You see what your key&apos;s role and cluster scope allow.
        </p>
        {problem === null ? null : (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <button type="button" className="link" onClick={onTheme}>
        {theme === 'dark' ? 'Light theme' : 'Dark theme'}
      </button>
    </main>
  );
};
