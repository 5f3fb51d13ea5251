// App settings: small JSON values by key, in the settings table (never a secret).
import type { Db } from './db.ts';

export function settingsQueries(db: Db) {
  const get = db.prepare('SELECT value_json FROM settings WHERE key = ?');
  const put = db.prepare(`INSERT INTO settings (key, value_json) VALUES (?, ?)
    ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json`);
  const all = db.prepare('SELECT key, value_json FROM settings');

  return {
    get<T>(key: string, fallback: T): T {
      const row = get.get(key) as { value_json: string } | undefined;
      return row ? (JSON.parse(row.value_json) as T) : fallback;
    },
    set(key: string, value: unknown): void {
      put.run(key, JSON.stringify(value));
    },
    all(): Record<string, unknown> {
      return Object.fromEntries((all.all() as Array<{ key: string; value_json: string }>).map((r) => [r.key, JSON.parse(r.value_json) as unknown]));
    },
  };
}
