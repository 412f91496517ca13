import { whoamiSchema } from '@kubently/protocol';
import type { Whoami } from '@kubently/protocol';
import { useCallback, useEffect, useMemo, useState } from 'react';

import { createApiClient } from './api/api-client.js';
import type { ApiClient, Credential } from './api/api-client.js';
import { messageOf } from './api/api-error.js';
import { clearCredential, loadCredential, saveCredential } from './api/session.js';
import { AuditPage } from './pages/audit-page.js';
import { ChatPage } from './pages/chat-page.js';
import { ClustersPage } from './pages/clusters-page.js';
import { ConsolePage } from './pages/console-page.js';
import { DiagnosisPage } from './pages/diagnosis-page.js';
import { FeedPage } from './pages/feed-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { pageFromPath, pages, pathOf } from './ui/routes.js';
import type { PageId } from './ui/routes.js';
import { useTheme } from './ui/theme.js';

interface Signed {
  readonly api: ApiClient;
  readonly me: Whoami;
}

/** The shell: sign-in, then the navigation limited to what the caller's role may do. */
export const App = () => {
  const [signed, setSigned] = useState<Signed | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [page, setPage] = useState<PageId>(() => pageFromPath(location.pathname));
  const { theme, toggle } = useTheme();

  const signIn = useCallback(async (credential: Credential): Promise<void> => {
    const api = createApiClient(credential);
    try {
      const me = await api.get('/v1/whoami', whoamiSchema);
      saveCredential(credential);
      setProblem(null);
      setSigned({ api, me });
    } catch (error) {
      clearCredential();
      setProblem(messageOf(error));
    }
  }, []);

  useEffect(() => {
    const stored = loadCredential();
    if (stored !== null) void signIn(stored);
    const onPop = (): void => {
      setPage(pageFromPath(location.pathname));
    };
    addEventListener('popstate', onPop);
    return () => {
      removeEventListener('popstate', onPop);
    };
  }, [signIn]);

  const allowed = useMemo(
    () => pages.filter((entry) => signed?.me.permissions.includes(entry.permission) ?? false),
    [signed],
  );
  const current = allowed.find((entry) => entry.id === page) ?? allowed[0];

  useEffect(() => {
    document.title = current === undefined ? 'Kubently' : `${current.title} · Kubently`;
  }, [current]);

  if (signed === null)
    return <SignInPage onSignIn={signIn} problem={problem} theme={theme} onTheme={toggle} />;

  const go = (next: PageId): void => {
    history.pushState(null, '', pathOf(next));
    setPage(next);
  };
  const signOut = (): void => {
    clearCredential();
    setSigned(null);
  };

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Kubently</span>
        <nav aria-label="Pages">
          <ul>
            {allowed.map((entry) => (
              <li key={entry.id}>
                <a
                  href={pathOf(entry.id)}
                  aria-current={entry.id === current?.id ? 'page' : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    go(entry.id);
                  }}
                >
                  {entry.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span title={signed.me.clusters === null ? 'every cluster' : signed.me.clusters.join(', ')}>
            {signed.me.identity} <span className="role">({signed.me.role})</span>
          </span>
          <button type="button" onClick={toggle}>
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {current === undefined ? (
          <p>This key may not use any page of the dashboard.</p>
        ) : (
          <PageView id={current.id} api={signed.api} me={signed.me} />
        )}
      </main>
    </div>
  );
};

const PageView = ({ id, api, me }: { id: PageId; api: ApiClient; me: Whoami }) => {
  switch (id) {
    case 'clusters':
      return <ClustersPage api={api} />;
    case 'feed':
      return <FeedPage api={api} me={me} />;
    case 'console':
      return <ConsolePage api={api} />;
    case 'diagnosis':
      return <DiagnosisPage api={api} />;
    case 'chat':
      return <ChatPage api={api} />;
    case 'audit':
      return <AuditPage api={api} />;
  }
};
