// The operations journal (written before a call that changes remote state, completed after)
// and the audit trail of what Keyfleet did. Inputs are stored without secrets.
import type { Db } from './db.ts';

export type OperationKind = 'create' | 'rename' | 'activate' | 'deactivate' | 'delete' | 'rotate' | 'rotate-credential';

export interface OperationRecord {
  id: string;
  connectionId: string;
  kind: OperationKind;
  keyId: string | null;
  state: 'pending' | 'done' | 'failed';
  step: string | null;
  input: Record<string, unknown>;
  errorKind: string | null;
  errorMessage: string | null;
  createdAt: number;
  updatedAt: number;
  /** The running core carrying it out (see store/instances.ts); null once nobody is. */
  owner: string | null;
}

interface OperationRow {
  id: string;
  connection_id: string;
  kind: string;
  key_id: string | null;
  state: string;
  step: string | null;
  input_json: string;
  error_kind: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
  owner: string | null;
}

const toOperation = (row: OperationRow): OperationRecord => ({
  id: row.id,
  connectionId: row.connection_id,
  kind: row.kind as OperationKind,
  keyId: row.key_id,
  state: row.state as OperationRecord['state'],
  step: row.step,
  input: JSON.parse(row.input_json) as Record<string, unknown>,
  errorKind: row.error_kind,
  errorMessage: row.error_message,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  owner: row.owner,
});

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  connectionId: string | null;
  keyId: string | null;
  result: 'ok' | 'failed';
  detail: string | null;
}

export interface RotationPair {
  connectionId: string;
  oldKeyId: string;
  oldKeyName: string;
  newKeyId: string;
  at: number;
  /** The rotation finished (the old key retired, or kept by choice). */
  done: boolean;
}

/**
 * `owner`: the id of the core using this store (null for a read-only review); `isLive` tells
 * whether the core that owns an operation still runs.
 */
export function journalQueries(db: Db, owner: string | null = null, isLive: (owner: string | null) => boolean = () => false) {
  const begin = db.prepare(`INSERT INTO operations (id, connection_id, kind, key_id, state, step, input_json, created_at, updated_at, owner)
    VALUES (@id, @connectionId, @kind, @keyId, 'pending', @step, @inputJson, @at, @at, @owner)`);
  const claim = db.prepare('UPDATE operations SET owner = @owner WHERE id = @id AND owner IS @previous');
  const adopt = db.prepare('UPDATE operations SET owner = ? WHERE id = ?');
  const complete = db.prepare(`UPDATE operations SET state = 'done', key_id = coalesce(@keyId, key_id), step = @step,
    updated_at = @at WHERE id = @id`);
  const fail = db.prepare(`UPDATE operations SET state = 'failed', error_kind = ?, error_message = ?, updated_at = ? WHERE id = ?`);
  const one = db.prepare('SELECT * FROM operations WHERE id = ?');
  const setStep = db.prepare('UPDATE operations SET step = ?, updated_at = ? WHERE id = ?');
  const setProgress = db.prepare('UPDATE operations SET step = ?, input_json = ?, updated_at = ? WHERE id = ?');
  const ofKind = db.prepare(`SELECT * FROM operations WHERE kind = ? AND state = 'pending' ORDER BY created_at`);
  const withStep = db.prepare('SELECT * FROM operations WHERE step = ? ORDER BY created_at');
  const pending = db.prepare(`SELECT * FROM operations WHERE state = 'pending' ORDER BY created_at`);
  const audit = db.prepare(`INSERT INTO audit (at, actor, action, connection_id, key_id, result, detail)
    VALUES (@at, @actor, @action, @connectionId, @keyId, @result, @detail)`);
  // A composed rotation that made its new key and was not rolled back (cancelled or interrupted
  // rotations deleted theirs): the old key and the key that replaces it.
  const rotationPairs = db.prepare(`SELECT connection_id AS connectionId, json_extract(input_json, '$.oldKeyId') AS oldKeyId,
      json_extract(input_json, '$.oldKeyName') AS oldKeyName, json_extract(input_json, '$.newKeyId') AS newKeyId,
      created_at AS at, state = 'done' AS done
    FROM operations WHERE kind = 'rotate' AND state != 'failed' AND json_extract(input_json, '$.mode') = 'composed'
      AND json_extract(input_json, '$.newKeyId') IS NOT NULL ORDER BY created_at`);
  const auditPage = db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ? OFFSET ?');
  const auditCount = db.prepare('SELECT count(*) AS n FROM audit');

  return {
    begin(op: { id: string; connectionId: string; kind: OperationKind; keyId: string | null; step: string; input: Record<string, unknown>; at: number }): void {
      begin.run({ ...op, inputJson: JSON.stringify(op.input), owner });
    },
    /**
     * Whether this core may carry out an operation left pending: its own, or one whose core is
     * gone, taken over here — by one core only, when several start at once and find it.
     */
    claim(op: Pick<OperationRecord, 'id' | 'owner'>): boolean {
      if (op.owner === owner) return true;
      if (isLive(op.owner)) return false;
      return claim.run({ id: op.id, owner, previous: op.owner }).changes === 1;
    },
    /** The user acts on an operation here (a reveal, the next step of a rotation): this core carries it now. */
    adopt(id: string): void {
      adopt.run(owner, id);
    },
    complete(id: string, at: number, keyId: string | null, step = 'done'): void {
      complete.run({ id, at, keyId, step });
    },
    fail(id: string, at: number, errorKind: string, errorMessage: string): void {
      fail.run(errorKind, errorMessage, at, id);
    },
    /** Moves an operation to its next step without changing its state. */
    setStep(id: string, step: string, at: number): void {
      setStep.run(step, at, id);
    },
    /** Records a multi-step operation's progress (its input carries the non-secret state). */
    progress(id: string, step: string, input: Record<string, unknown>, at: number): void {
      setProgress.run(step, JSON.stringify(input), at, id);
    },
    pendingOfKind(kind: OperationKind): OperationRecord[] {
      return (ofKind.all(kind) as OperationRow[]).map(toOperation);
    },
    withStep(step: string): OperationRecord[] {
      return (withStep.all(step) as OperationRow[]).map(toOperation);
    },
    get(id: string): OperationRecord | undefined {
      const row = one.get(id) as OperationRow | undefined;
      return row && toOperation(row);
    },
    pending(): OperationRecord[] {
      return (pending.all() as OperationRow[]).map(toOperation);
    },
    /** Every old key a rotation replaced with a new one, oldest rotation first. */
    rotationPairs(): RotationPair[] {
      return (rotationPairs.all() as Array<Omit<RotationPair, 'done'> & { done: number }>).map((row) => ({ ...row, done: row.done === 1 }));
    },
    audit(entry: AuditEntry): void {
      audit.run(entry);
    },
    auditPage(offset: number, limit: number): { rows: Array<AuditEntry & { id: number }>; total: number } {
      const rows = auditPage.all(limit, offset) as Array<{ id: number; at: number; actor: string; action: string; connection_id: string | null; key_id: string | null; result: 'ok' | 'failed'; detail: string | null }>;
      return {
        rows: rows.map((row) => ({ id: row.id, at: row.at, actor: row.actor, action: row.action, connectionId: row.connection_id, keyId: row.key_id, result: row.result, detail: row.detail })),
        total: (auditCount.get() as { n: number }).n,
      };
    },
  };
}
