// The health board: across every connection, how many active keys need attention and why. Each
// card opens the key table filtered to exactly those keys, and says which keys it could not look
// at (a backend that does not report last use, keys that cannot expire, no policy set).
import { useEffect, useState } from 'react';
import type { HealthKind, HealthView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { Banner } from '../components/banner.tsx';
import { useApp } from '../state/store.ts';
import './health-board.css';

interface Card {
  key: keyof HealthView['counts'];
  kind: HealthKind;
  days?: number;
  title: string;
  hint: string;
  tone: 'bad' | 'warn' | 'info';
}

export function HealthBoard() {
  const openHealthFilter = useApp((s) => s.openHealthFilter);
  const version = useApp((s) => s.keysVersion);
  const [idleDays, setIdleDays] = useState(90);
  const [health, setHealth] = useState<HealthView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.health.summary({ idleDays }).then(
      (summary) => live && setHealth(summary),
      (failure: unknown) => live && setError(asCallError(failure).message),
    );
    return () => {
      live = false;
    };
  }, [idleDays, version]);

  const cards: Card[] = [
    { key: 'expiring7', kind: 'expiring', days: 7, title: 'Expire within 7 days', hint: 'Rotate them now.', tone: 'bad' },
    { key: 'expiring30', kind: 'expiring', days: 30, title: 'Expire within 30 days', hint: 'Plan their rotation.', tone: 'warn' },
    { key: 'expiring60', kind: 'expiring', days: 60, title: 'Expire within 60 days', hint: 'On the horizon.', tone: 'info' },
    { key: 'policy', kind: 'policy', title: 'Break an organization’s policy', hint: 'Too old, no expiry, or admin where the policy forbids it.', tone: 'bad' },
    { key: 'privileged', kind: 'privileged', title: 'Admin or organization-wide', hint: 'The most powerful keys; keep them few.', tone: 'warn' },
    { key: 'noExpiry', kind: 'no-expiry', title: 'No expiry', hint: 'On backends that support one.', tone: 'warn' },
    { key: 'tooOld', kind: 'too-old', title: 'Older than policy', hint: 'Past the maximum lifetime set for their organization.', tone: 'bad' },
    { key: 'idle', kind: 'idle', days: idleDays, title: `Idle for more than ${idleDays} days`, hint: 'Not used since, or never used and older.', tone: 'warn' },
    { key: 'neverUsed', kind: 'never-used', title: 'Never used', hint: 'Not once since they were created.', tone: 'info' },
  ];

  return (
    <section className="pane" aria-labelledby="health-title">
      <header className="pane-header">
        <div className="pane-title-block">
          <div className="breadcrumb">Across every connection, from the cached inventory</div>
          <h1 id="health-title">Key health</h1>
          <span className="sync-state muted">{health ? `${health.total.toLocaleString()} keys cached` : 'Counting…'}</span>
        </div>
        <div className="pane-actions">
          <label className="inline-field">
            Idle after
            <select value={idleDays} onChange={(event) => setIdleDays(Number(event.target.value))}>
              {[30, 60, 90, 180, 365].map((d) => (
                <option key={d} value={d}>
                  {d} days
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      {error ? (
        <Banner tone="error" title="The health board could not be computed">
          {error}
        </Banner>
      ) : null}
      <div className="health-grid">
        {cards.map((card) => {
          const count = health?.counts[card.key] ?? 0;
          const gaps = health?.notCounted[card.kind] ?? [];
          const gapsId = `health-gaps-${card.key}`;
          return (
            <div key={card.key} className={`health-card tone-${card.tone}${count === 0 ? ' zero' : ''}`}>
              <button
                type="button"
                className="health-open"
                disabled={!health}
                aria-describedby={gaps.length ? gapsId : undefined}
                onClick={() => openHealthFilter({ kind: card.kind, days: card.days, label: card.title })}
              >
                <span className="health-count">{health ? count.toLocaleString() : '…'}</span>
                <span className="health-title">{card.title}</span>
                <span className="health-hint">{card.hint}</span>
              </button>
              {gaps.length ? (
                <ul className="health-gaps" id={gapsId}>
                  {gaps.map((gap) => (
                    <li key={gap}>{gap}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}
