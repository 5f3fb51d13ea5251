import { Icon } from '../components/icons.tsx';
import { useApp } from '../state/store.ts';

export function Welcome() {
  const open = useApp((s) => s.open);
  return (
    <section className="empty-state welcome" aria-labelledby="welcome-title">
      <span className="empty-icon" aria-hidden="true">
        <Icon name="server" size={28} />
      </span>
      <h1 id="welcome-title">Connect your first organization</h1>
      <p>
        Keyfleet lists, creates and retires the API keys of every organization you manage, in one place. Connection
        details and the key inventory are kept in a local database; credentials and secrets only ever go to your
        operating system&apos;s keychain.
      </p>
      <button type="button" className="button primary" onClick={() => open({ kind: 'add-connection' })}>
        <Icon name="plus" /> Add connection
      </button>
    </section>
  );
}
