// The floor a sync is measured against, in a fresh process like the core's: raw undici GETs of
// exactly the pages the sync fetched (each connection's pages in order, all connections at once),
// JSON.parse of each, and raw better-sqlite3 prepared inserts of every item in one transaction
// into a table with the keys table's columns and primary key (no secondary index, no diff, no
// change log, no validation). Nothing a real sync could skip. Each row binds the same 21 columns
// a cached key has.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Agent, request } from 'undici';
import { serveCommands } from './lib.ts';

interface FloorInput {
  dataDir: string;
  connections: Array<{ origin: string; authorization: string; gets: string[] }>;
}

const ID_FIELDS = ['id', 'api_key_id', 'api_token_id', 'workspace_id', 'user_id'];

function idOf(item: Record<string, unknown>, fallback: number): string {
  for (const field of ID_FIELDS) {
    const value = item[field];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return `#${fallback}`;
}

function itemsOf(body: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(body)) return body as Array<Record<string, unknown>>;
  if (body && typeof body === 'object') {
    const data = (body as { data?: unknown }).data;
    if (Array.isArray(data)) return data as Array<Record<string, unknown>>;
  }
  return [];
}

async function floor(input: FloorInput) {
  const db = new Database(join(input.dataDir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS keys (
    connection_id TEXT NOT NULL, id TEXT NOT NULL, scope_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
    type TEXT NOT NULL, category TEXT NOT NULL, role TEXT, status TEXT NOT NULL, status_detail TEXT, masked_value TEXT,
    created_at INTEGER, created_by TEXT, expires_at INTEGER, last_used_at INTEGER, raw_json TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,
    tracks_last_use INTEGER NOT NULL DEFAULT 0, expiry_supported INTEGER NOT NULL DEFAULT 0, privileged INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, id)) STRICT`);
  db.exec('DELETE FROM keys');
  // Every column of a cached key bound as a parameter, as the cache stores them (values taken from
  // the item where it has them), so the floor stores the same shape of row as the cache.
  const insert = db.prepare(`INSERT OR REPLACE INTO keys VALUES (${Array.from({ length: 21 }, () => '?').join(', ')})`);
  const agent = new Agent({ connections: 8 });

  const cpu = process.cpuUsage();
  const started = performance.now();
  let requests = 0;
  let bytes = 0;
  const fetched = await Promise.all(
    input.connections.map(async (c, index) => {
      const items: Array<Record<string, unknown>> = [];
      for (const path of c.gets) {
        const res = await request(c.origin + path, { method: 'GET', headers: { authorization: c.authorization, accept: 'application/json' }, dispatcher: agent });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`floor GET ${path}: ${res.statusCode}`);
        requests++;
        bytes += text.length;
        items.push(...itemsOf(JSON.parse(text)));
      }
      return { connectionId: `c${index}`, items };
    }),
  );
  const fetchedAt = performance.now();
  const at = Date.now();
  let rows = 0;
  db.transaction(() => {
    for (const { connectionId, items } of fetched) {
      items.forEach((item, i) => {
        const text = (field: string) => {
          const value = item[field];
          return typeof value === 'string' ? value : null;
        };
        const number = (field: string) => {
          const value = item[field];
          return typeof value === 'number' ? value : null;
        };
        const name = text('name') ?? text('api_key_name') ?? '';
        insert.run(
          connectionId,
          idOf(item, i),
          text('accountId') ?? 'scope',
          name,
          text('description'),
          text('kind') ?? 'key',
          'service',
          text('role') ?? text('api_key_role'),
          text('state') ?? 'active',
          text('transitioning'),
          text('publicValue') ?? text('api_key_display'),
          number('createdTS'),
          text('created_by'),
          number('expiresAt'),
          number('lastUsedAt'),
          JSON.stringify(item),
          at,
          at,
          0,
          0,
          0,
        );
        rows++;
      });
    }
  })();
  const wallMs = performance.now() - started;
  const cpuUsed = process.cpuUsage(cpu);
  await agent.close();
  db.close();
  return { wallMs, fetchMs: fetchedAt - started, insertMs: wallMs - (fetchedAt - started), requests, bytes, rows, cpuMs: (cpuUsed.user + cpuUsed.system) / 1000 };
}

serveCommands({ floor: (input) => floor(input as FloorInput) });
