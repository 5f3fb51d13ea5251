// Which sync's pages a re-sync may trust as cached (services/page-memo.ts): a sync marks its
// connection (-run) when it starts; its swap makes that the run, unless a write outside a sync
// touched the connection's keys meanwhile; every such write clears it.
export const name = 'page-memo';

export const sql = `
ALTER TABLE connections ADD COLUMN pages_run INTEGER;
`;
