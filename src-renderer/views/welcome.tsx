// First run: what Keyfleet keeps where, whether the OS keychain works (a real round trip in the
// core), one "add a connection" per backend kind with what credential it needs, and in a
// development build how to try the sandbox. Shown while there is nothing yet and until put away;
// after that an empty Keyfleet shows NoConnections.
import { useCallback, useEffect, useState } from 'react';
import type { BackendInfo, KeychainCheck } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { Icon } from '../components/icons.tsx';
import { useApp } from '../state/store.ts';
import './welcome.css';

const PLATFORM_NAMES: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

/** What the connection form will ask for, in the backend's own words. */
function needs(backend: BackendInfo): string {
  const { labels, type, kinds } = backend.credential;
  if (kinds && kinds.length > 0) return kinds.map((k) => k.label).join(' or ');
  if (type === 'key-pair') return `${labels.accessKey ?? 'Access key'} and ${labels.secretKey ?? 'Secret key'}`;
  return labels.token ?? 'A token';
}

function KeychainStatus() {
  const [check, setCheck] = useState<KeychainCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(true);

  const finish = useCallback((promise: Promise<KeychainCheck>) => {
    promise.then(
      (result) => {
        setCheck(result);
        setError(null);
      },
      (failure: unknown) => setError(asCallError(failure).message),
    ).finally(() => setChecking(false));
  }, []);

  useEffect(() => {
    finish(api.app.checkKeychain());
  }, [finish]);

  function run() {
    setChecking(true);
    finish(api.app.checkKeychain());
  }

  const failed = error !== null || (check !== null && !check.available);
  const platform = check ? (PLATFORM_NAMES[check.platform] ?? check.platform) : '';
  return (
    <section className={`welcome-card keychain-check${failed ? ' failed' : ''}`} aria-labelledby="welcome-keychain">
      <h2 id="welcome-keychain">Your OS keychain</h2>
      <p className="keychain-result" role="status">
        {checking ? (
          'Checking the OS keychain…'
        ) : failed ? (
          <>
            <span className="result-mark" aria-hidden="true">
              <Icon name="alert" />
            </span>
            <strong>Not reachable.</strong> {error ?? check?.message} Until it works, Keyfleet cannot add connections or keep vault entries.
          </>
        ) : (
          <>
            <span className="result-mark ok" aria-hidden="true">
              <Icon name="check" />
            </span>
            <strong>It works.</strong> Keyfleet wrote a test item, read it back and deleted it.
          </>
        )}
      </p>
      {check && check.fix.length > 0 ? (
        <>
          <h3>How to fix it{platform ? ` on ${platform}` : ''}</h3>
          <ol className="fix-steps">
            {check.fix.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </>
      ) : null}
      {failed ? (
        <button type="button" className="button" onClick={run} disabled={checking}>
          <Icon name="sync" /> Check again
        </button>
      ) : null}
    </section>
  );
}

function Sandbox() {
  const [shown, setShown] = useState(false);
  return (
    <section className="welcome-card" aria-labelledby="welcome-sandbox">
      <h2 id="welcome-sandbox">Try the sandbox</h2>
      <p>This is a development build: the repository has sandbox servers that behave like each backend, with seeded keys.</p>
      <button type="button" className="button" aria-expanded={shown} aria-controls="sandbox-steps" onClick={() => setShown((v) => !v)}>
        {shown ? 'Hide how' : 'Show how'}
      </button>
      <div id="sandbox-steps" hidden={!shown}>
        <p>In the repository, run</p>
        <pre className="command">npm run preview:web</pre>
        <p>
          It starts Keyfleet’s core with a seeded Rancher sandbox already connected, prints a URL to open in a browser, and the access key and
          secret key of a second sandbox account to add as another connection. Ctrl-C removes its throwaway data dir and keychain items.
        </p>
      </div>
    </section>
  );
}

export function Welcome() {
  const open = useApp((s) => s.open);
  const backends = useApp((s) => s.backends);
  const status = useApp((s) => s.status);
  const saveSettings = useApp((s) => s.saveSettings);
  const notify = useApp((s) => s.notify);
  const dataDir = useApp((s) => s.settings?.dataDir ?? s.status?.dataDir ?? '');
  const databaseFile = useApp((s) => s.settings?.databaseFile ?? 'keyfleet.db');

  async function dismiss() {
    const failure = await saveSettings({ welcomeDismissed: true });
    if (failure) notify('error', 'Could not put the welcome away', failure.message);
  }

  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <header className="welcome-header">
        <h1 id="welcome-title">Welcome to Keyfleet</h1>
        <p className="welcome-lead">
          Keyfleet lists, creates, rotates and retires the API keys of every organization you manage, in one place, and keeps a vault of your own
          keys.
        </p>
      </header>

      <section className="welcome-card" aria-labelledby="welcome-where">
        <h2 id="welcome-where">What Keyfleet keeps, and where</h2>
        <dl className="storage-list">
          <div>
            <dt>
              <Icon name="list" /> Metadata, in a local database
            </dt>
            <dd>
              Connections, the key inventory and what changed, the action journal, vault entry names and these settings:{' '}
              <code className="path">
                {dataDir}/{databaseFile}
              </code>
              . No secret is ever written there.
            </dd>
          </div>
          <div>
            <dt>
              <Icon name="lock" /> Secrets, only in the OS keychain
            </dt>
            <dd>Connection credentials, your vault’s keys (encrypted: only your vault passphrase opens them), and a new key’s secret until you have seen it, under the service name “keyfleet”.</dd>
          </div>
        </dl>
      </section>

      <KeychainStatus />

      <section className="welcome-card" aria-labelledby="welcome-connect">
        <h2 id="welcome-connect">Connect your first organization</h2>
        <p>Keyfleet checks each credential against its backend before it keeps it.</p>
        <ul className="backend-list">
          {backends
            .filter((b) => b.supported)
            .map((backend) => (
              <li key={backend.kind} className="backend-option">
                <div className="backend-text">
                  <h3>{backend.displayName}</h3>
                  <p className="backend-needs">Needs: {needs(backend)}</p>
                  <p className="backend-hint">{backend.credential.hint}</p>
                </div>
                <button type="button" className="button" onClick={() => open({ kind: 'add-connection', backend: backend.kind })}>
                  <Icon name="plus" /> Add {/^[aeiou]/i.test(backend.displayName) ? 'an' : 'a'} {backend.displayName} connection
                </button>
              </li>
            ))}
        </ul>
      </section>

      {status?.build === 'development' ? <Sandbox /> : null}

      <footer className="welcome-footer">
        <button type="button" className="button" onClick={() => void dismiss()}>
          Don’t show this again
        </button>
        <span className="muted">Settings (in the sidebar) show where your data lives and bring this back.</span>
      </footer>
    </section>
  );
}

/** An empty Keyfleet after the welcome was put away (or with only vault entries). */
export function NoConnections() {
  const open = useApp((s) => s.open);
  const review = useApp((s) => s.status?.mode === 'review');
  return (
    <section className="empty-state" aria-labelledby="empty-title">
      <span className="empty-icon" aria-hidden="true">
        <Icon name="server" size={28} />
      </span>
      <h1 id="empty-title">No organizations connected</h1>
      <p>Connect an organization to see its keys here. Credentials go to your OS keychain; the inventory stays on this computer.</p>
      {review ? null : (
        <button type="button" className="button primary" onClick={() => open({ kind: 'add-connection' })}>
          <Icon name="plus" /> Add connection
        </button>
      )}
    </section>
  );
}
