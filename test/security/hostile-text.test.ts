// A backend's text is never kept or shown verbatim. Each sandbox sits behind the hostile proxy,
// which answers the key list and a create with the backend's own error shape echoing the
// connection's credential in every form it was sent (raw, Basic base64, "Bearer …"), then a secret
// the backend issued minutes before, then 2 MB of text. Afterwards no secret may be anywhere in the
// data dir (keyfleet.db, its WAL and SHM, logs/keyfleet.log) or in any answer the renderer gets
// (the errors, connections.list, journal.list, changes.list, keys.list), and no message built from
// backend text may be longer than the cap. Real SQLite, the real keychain.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { DATABASE_FILE } from '../../src-main/core.ts';
import { LIMITS } from '../../src-main/limits.ts';
import { LOG_FILE } from '../../src-main/log.ts';
import { outcome, withHostileSite } from '../support/hostile-site.ts';
import { scanForSecrets } from '../support/scan.ts';
import { recordFigures } from './figures.ts';
import { HOSTILE_BACKENDS, leaks, secretNeedles } from './hostile-backends.ts';

const HTTP = { timeoutMs: 10_000, retries: 0, backoffMs: 5 };
const TWO_MB = 2 * 1024 * 1024;

interface Row {
  backend: string;
  echoes: number;
  /** Places a secret was found: answers, files. */
  hits: string[];
  /** The longest message kept or answered that quoted the backend. */
  longest: number;
  typed: boolean;
}
const rows: Row[] = [];

afterAll(() => {
  const hits = rows.flatMap((r) => r.hits.map((h) => `${r.backend}: ${h}`));
  const longest = Math.max(0, ...rows.map((r) => r.longest));
  recordFigures('hostile-text', [
    { figure: 'backends echoing secrets in error bodies (credential raw, base64, Bearer; an issued secret; 2 MB)', value: `${rows.length}/${HOSTILE_BACKENDS.length}`, target: 'all', ok: rows.length === HOSTILE_BACKENDS.length },
    { figure: 'echoed error answers tried', value: rows.reduce((n, r) => n + r.echoes, 0), target: `${HOSTILE_BACKENDS.length * 6}`, ok: rows.reduce((n, r) => n + r.echoes, 0) === HOSTILE_BACKENDS.length * 6 },
    { figure: 'secrets found in keyfleet.db, WAL, SHM, log or any answer', value: hits.length, target: '0', ok: hits.length === 0, detail: hits.slice(0, 3).join(' | ') },
    { figure: 'longest backend text kept or answered, after a 2 MB body (chars)', value: longest, target: `≤ ${LIMITS.messageChars}`, ok: longest > 0 && longest <= LIMITS.messageChars },
    { figure: 'echoing answers that did not end as a typed error', value: rows.filter((r) => !r.typed).length, target: '0', ok: rows.every((r) => r.typed) },
  ]);
});

describe.concurrent('hostile text', () => {
  for (const backend of HOSTILE_BACKENDS) {
    it(`${backend.name}: an error body echoing the credential, an issued secret or 2 MB of text leaves no trace and is cut short`, async ({ expect }) => {
      const row: Row = { backend: backend.name, echoes: 0, hits: [], longest: 0, typed: true };
      const answers: unknown[] = [];
      try {
        await withHostileSite(() => backend.start(), { http: HTTP }, async ({ core, proxy, sandbox, dataDir }) => {
          const input = backend.connection(proxy.url, sandbox);
          const connectionId = (await core.api.connections.add(input)).id;
          expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
          // A secret the backend issued: the backend may quote it in a later error.
          const created = await core.api.keys.create(backend.createInput(sandbox, connectionId));
          const issued = (await core.api.reveal.take({ slotId: created.revealSlotId })).fields.find((f) => f.secret)!.value;
          answers.push(created);

          const credential = input.credential;
          const forms =
            credential.type === 'key-pair'
              ? `key ${credential.accessKey}:${credential.secretKey}, Authorization=Basic ${Buffer.from(`${credential.accessKey}:${credential.secretKey}`).toString('base64')}`
              : `token ${credential.token}, Authorization: Bearer ${credential.token}`;
          const texts = [`Invalid request (${forms})`, `Key ${issued} is not allowed here`, `${'x'.repeat(TWO_MB)} ${forms}`];
          for (const text of texts) {
            for (const where of ['sync', 'create'] as const) {
              proxy.tamper((x) => ((where === 'sync' ? x.method === 'GET' && backend.keyList.test(x.path) : x.method === 'POST') ? backend.echo(text) : undefined));
              const result = await outcome(where === 'sync' ? core.api.sync.run({ connectionId }) : core.api.keys.create(backend.createInput(sandbox, connectionId)));
              proxy.tamper(undefined);
              row.echoes++;
              if (result === 'ok' || result.kind === 'internal') row.typed = false;
              answers.push(result === 'ok' ? 'ok' : { kind: result.kind, message: result.message, fields: result.fields });
              if (result !== 'ok') row.longest = Math.max(row.longest, result.message.length, ...Object.values(result.fields ?? {}).map((f: string) => f.length));
            }
          }

          answers.push(await core.api.connections.list(), await core.api.journal.list({}), await core.api.changes.list({ since: 0 }), await core.api.keys.list({ connectionId, limit: 1000 }));
          const needles = secretNeedles(sandbox, input);
          expect(needles).toContain(issued);
          if (leaks(JSON.stringify(answers), needles)) row.hits.push('an answer');
          for (const hit of scanForSecrets(dataDir, needles)) row.hits.push(hit.file.slice(dataDir.length + 1));
          const log = readFileSync(join(dataDir, 'logs', LOG_FILE), 'utf8');
          if (leaks(log, needles)) row.hits.push(`${LOG_FILE} (16-character run)`);

          const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
          try {
            const stored = db
              .prepare(`SELECT max(length(error_message)) FROM sync_runs UNION ALL SELECT max(length(error_message)) FROM operations UNION ALL SELECT max(length(detail)) FROM audit`)
              .pluck()
              .all() as Array<number | null>;
            row.longest = Math.max(row.longest, ...stored.map((n) => n ?? 0));
          } finally {
            db.close();
          }
          row.longest = Math.max(row.longest, ...log.split('\n').map((line) => ((JSON.parse(line || '{}') as { message?: string }).message ?? '').length));
        });
      } finally {
        rows.push(row);
      }
      expect(row.hits).toEqual([]);
      expect(row.typed).toBe(true);
      expect(row.longest).toBeLessThanOrEqual(LIMITS.messageChars);
    }, 60_000);
  }
});
