import type { KeyStatus } from '../../src-preload/contract.ts';
import { STATUS_LABELS } from '../app/format.ts';
import './status-pill.css';

export function StatusPill({ status, detail }: { status: KeyStatus; detail: string | null }) {
  return (
    <span className={`pill pill-${status}`} title={detail ? `Backend state: ${detail}` : undefined}>
      <span className="pill-dot" aria-hidden="true" />
      {STATUS_LABELS[status]}
      {detail && status === 'pending' ? <span className="pill-detail"> · {detail}</span> : null}
    </span>
  );
}
