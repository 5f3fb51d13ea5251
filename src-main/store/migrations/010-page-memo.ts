// Whether a sync's pages may stand for its keys at the next sync (services/page-memo.ts): 1 from
// the run's start until a write outside a sync's swap touches its connection's keys (a rename, a
// delete, a hold; key-write.ts UNTRUST_PAGES_SQL). Sync bookkeeping, like the rest of the run's
// record: the inventory itself is not written when a sync starts or fails. Only runs still trusted
// are indexed: a key write clears its connection's without visiting its whole sync history.
export const name = 'page-memo';

export const sql = `
ALTER TABLE sync_runs ADD COLUMN pages_trusted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sync_runs_trusted ON sync_runs (connection_id) WHERE pages_trusted = 1;
`;
