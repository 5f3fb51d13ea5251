// What the detail pane says about a key, row by row. A backend-specific row is one more entry in
// DETAIL_ROWS with the kinds it applies to, or one of the facts its adapter describes (the core's
// KeyDetail.facts); a row whose value is null is left out. Values wrap, never clip. "Safe to
// delete?" gathers what decides it: last use, age, power, creator, users.
import type { ReactNode } from 'react';
import type { ConnectionView, KeyDetail, KeyLink, ProviderKind } from '../../src-preload/contract.ts';
import { absoluteTime, kindLabel, relativeTime } from '../app/format.ts';
import { CheckedName, isolate, Name } from '../components/name.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { useApp } from '../state/store.ts';
import { typeLabelOf } from './key-actions.tsx';

export interface DetailContext {
  connection: ConnectionView;
  scopeName: string | undefined;
  /** Opens another key's details (a rotation's partner). */
  openKey: (keyId: string) => void;
}

export interface DetailRow {
  label: string;
  /** Only for keys of these backends (default: every backend). */
  kinds?: ProviderKind[];
  value: (detail: KeyDetail, context: DetailContext) => ReactNode | null;
}

/** Several rows at once: what the backend's adapter says about the key, in its own words. */
interface DetailRowGroup {
  rows: (detail: KeyDetail) => Array<readonly [string, ReactNode]>;
}

const DAY_MS = 86_400_000;

function age(at: number, now = Date.now()): string {
  const days = Math.floor((now - at) / DAY_MS);
  if (days < 1) return 'less than a day';
  if (days < 60) return `${days} ${days === 1 ? 'day' : 'days'}`;
  if (days < 730) return `${Math.round(days / 30.4)} months`;
  return `${(days / 365.25).toFixed(1)} years`;
}

/** Last use as precisely as the backend reports it, and "not reported" only where it reports nothing. */
export function lastUseOf(detail: KeyDetail, connection: ConnectionView): { text: string; note: string | null } {
  const type = connection.capabilities.createForm.types.find((t) => t.id === detail.type);
  const note = type?.lastUseNote ?? null;
  if (detail.lastUsedAt !== null) return { text: `${relativeTime(detail.lastUsedAt)} (${absoluteTime(detail.lastUsedAt)})`, note };
  if (detail.lastUseReported) return { text: `never used, as far as ${kindLabel(connection.kind)} knows`, note };
  return { text: `not reported: ${kindLabel(connection.kind)} does not record when ${type ? `its ${type.label}s are` : 'this key is'} used`, note: null };
}

function PartnerLink({ link, openKey, verb }: { link: KeyLink; openKey: (keyId: string) => void; verb: string }) {
  return (
    <>
      {link.present ? (
        <button type="button" className="link-button inline" onClick={() => openKey(link.keyId)} title={`Show the details of the key it ${verb}`}>
          “<Name>{link.name}</Name>”
        </button>
      ) : (
        <>
          “<Name>{link.name}</Name>” (deleted)
        </>
      )}
      {link.maskedValue ? <code className="detail-code"> {link.maskedValue}</code> : null}
      <span className="muted"> · rotated {absoluteTime(link.at)}</span>
    </>
  );
}

/** The key's fields, in reading order. */
export const DETAIL_ROWS: Array<DetailRow | DetailRowGroup> = [
  { label: 'Name', value: (d) => (d.name ? <CheckedName name={d.name} /> : <span className="muted">none</span>) },
  { label: 'Local label', value: (d) => (d.localLabel === null ? null : <CheckedName name={d.localLabel} />) },
  { label: 'Id', value: (d) => <code className="detail-code">{d.id}</code> },
  { label: 'Status', value: (d) => <StatusPill status={d.status} detail={d.statusDetail} /> },
  { label: 'Replaced by', value: (d, c) => (d.replacedBy ? <PartnerLink link={d.replacedBy} openKey={c.openKey} verb="was replaced by" /> : null) },
  { label: 'Replaces', value: (d, c) => (d.replaces ? <PartnerLink link={d.replaces} openKey={c.openKey} verb="replaces" /> : null) },
  { label: 'Type', value: (d, c) => <Name>{`${typeLabelOf(c.connection, d)} (${d.category})`}</Name> },
  // Teams and project roles, owner and permission mode, token scopes, workspace role… (the backend's words)
  { rows: (d) => d.facts.map((fact) => [fact.label, <Name key={fact.label}>{fact.value}</Name>] as const) },
  { label: 'Access key / prefix', value: (d) => (d.maskedValue ? <code className="detail-code">{d.maskedValue}</code> : '—') },
  { label: 'Description', value: (d) => (d.description === null ? '—' : <Name>{d.description}</Name>) },
  { label: 'Created', value: (d) => absoluteTime(d.createdAt) },
  {
    label: 'Expires',
    value: (d) => (d.expiresAt === null ? 'never' : `${absoluteTime(d.expiresAt)} (${d.expiresAt > Date.now() ? `in ${age(Date.now(), d.expiresAt)}` : 'expired'})`),
  },
  {
    label: 'May still authenticate until',
    value: (d) => (d.holdUntil !== null && d.holdReason === 'revoked' ? absoluteTime(d.holdUntil) : null),
  },
  {
    label: 'Kept while the backend catches up, until',
    value: (d) => (d.holdUntil !== null && d.holdReason === 'created' ? absoluteTime(d.holdUntil) : null),
  },
  { label: 'First seen', value: (d) => absoluteTime(d.firstSeenAt) },
  { label: 'Last seen by a sync', value: (d) => absoluteTime(d.lastSeenAt) },
];

/** Label and value pairs, values wrapping (never clipped). */
function FieldList({ rows }: { rows: ReadonlyArray<readonly [string, ReactNode]> }) {
  return (
    <dl className="detail-fields">
      {rows.map(([label, value], index) => (
        <div key={`${index}-${label}`} className="detail-field">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function DetailFields({ detail, context }: { detail: KeyDetail; context: DetailContext }) {
  const rows = DETAIL_ROWS.flatMap((row): Array<readonly [string, ReactNode]> => {
    if ('rows' in row) return row.rows(detail);
    if (row.kinds && !row.kinds.includes(context.connection.kind)) return [];
    const value = row.value(detail, context);
    return value === null || value === undefined ? [] : [[row.label, value]];
  });
  return <FieldList rows={rows} />;
}

/** What decides whether a key can go: when it was last used, how old and how powerful it is, who made it, what keeps it. */
export function SafeToDelete({ detail, context }: { detail: KeyDetail; context: DetailContext }) {
  const { connection, scopeName } = context;
  const vaultOpen = useApp((s) => s.showVault);
  const use = lastUseOf(detail, connection);
  const power = [detail.role ? `role ${isolate(detail.role)}` : 'no role', `a ${detail.category} key`, scopeName ? `in ${isolate(scopeName)}` : null].filter(Boolean).join(', ');
  const facts: Array<[string, ReactNode]> = [
    [
      'Last used',
      <>
        {use.text}
        {use.note ? <span className="detail-note">{use.note}</span> : null}
      </>,
    ],
    ['Age', detail.createdAt !== null ? `${age(detail.createdAt)} (created ${absoluteTime(detail.createdAt)})` : `not reported; first seen ${absoluteTime(detail.firstSeenAt)}`],
    ['Scope and power', power],
    ['Created by', detail.createdBy === null ? `not reported by ${kindLabel(connection.kind)}` : <Name>{detail.createdBy}</Name>],
    [
      'Kept in',
      detail.vaultEntries.length === 0 ? (
        'no vault entry'
      ) : (
        <>
          {detail.vaultEntries.map((entry, i) => (
            <span key={entry.id}>
              {i > 0 ? ', ' : ''}
              <button type="button" className="link-button inline" onClick={vaultOpen} title="Open My vault">
                “<Name>{entry.name}</Name>”
              </button>
            </span>
          ))}{' '}
          in your vault
        </>
      ),
    ],
  ];
  return (
    <section className="safe-to-delete" aria-labelledby="safe-title">
      <h3 id="safe-title">Safe to delete?</h3>
      <FieldList rows={facts} />
    </section>
  );
}
