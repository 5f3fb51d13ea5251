// Notifications carry text, not markup. A backend lists a key whose name is markup (a link, an
// image, an entity) and a right-to-left override, expiring in three days; the sync's expiry
// reminder becomes an OS notification. On Linux, whose notification servers may render body
// markup, the body Keyfleet hands to Electron must show the name as text; elsewhere it is passed as
// it is. And the Electron glue must hand every notification through that escaping.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Events } from '../../src-preload/contract.ts';
import { createCore, DATABASE_FILE } from '../../src-main/core.ts';
import { osNotificationText } from '../../src-main/notification-text.ts';
import { startDeepsetSandbox } from '../backends/deepset/server.ts';
import { folder, launch } from '../glue/main-process.ts';
import { startHostileProxy } from '../support/hostile-proxy.ts';
import { withHostileSite } from '../support/hostile-site.ts';
import { recordFigures } from './figures.ts';

const NAME = '<a href="https://evil.example/renew">Renew now</a><img src="file:///etc/passwd"> &amp; prod-\u202Etset\u202C';
const figures = { notes: 0, markup: 0, unescapedCalls: -1, desktop: 'not run' };

afterAll(() => {
  recordFigures('notifications', [
    { figure: 'expiry reminders for a key named with markup', value: figures.notes, target: '≥ 1', ok: figures.notes >= 1 },
    { figure: 'markup reaching a Linux notification body', value: figures.markup, target: '0', ok: figures.notes >= 1 && figures.markup === 0 },
    { figure: 'notifications the Electron glue shows unescaped', value: figures.unescapedCalls, target: '0', ok: figures.unescapedCalls === 0 },
    { figure: 'the desktop app’s notification on Linux / macOS (built main bundle under the Electron stand-in)', value: figures.desktop, target: 'escaped / as it is', ok: figures.desktop === 'escaped / as it is' },
  ]);
});

describe('OS notifications', () => {
  it('a key name with markup from a backend reaches a Linux notification as text', async () => {
    const notes: Array<Events['notify']> = [];
    await withHostileSite(() => startDeepsetSandbox(), { http: { timeoutMs: 10_000, retries: 0 } }, async ({ core, proxy, sandbox }) => {
      core.events.on('notify', (note) => notes.push(note));
      const connectionId = (await core.api.connections.add({ kind: 'deepset', name: 'deepset <b>', baseUrl: proxy.url, credential: { type: 'token', token: sandbox.credentials.admin }, credentialKind: 'user-token' })).id;
      const expires = new Date(Date.now() + 3 * 86_400_000).toISOString();
      proxy.tamper((x) => {
        if (x.method !== 'GET' || !/^\/api\/v1\/token\?/.test(x.path) || x.status !== 200) return undefined;
        const page = x.json as { data: unknown[] };
        return { json: { ...page, data: [...page.data, { api_token_id: 'hostile-name', name: NAME, expires_at: expires, all_workspaces: true }] } };
      });
      expect((await core.api.sync.run({ connectionId })).result).toBe('ok');
    });
    const mine = notes.filter((n) => n.keyId === 'hostile-name');
    figures.notes = mine.length;
    expect(mine).toHaveLength(1);
    const linux = osNotificationText(mine[0]!, 'linux');
    if (/[<>]|&(?!(?:amp|lt|gt|quot|#39);)/.test(linux.body)) figures.markup++;
    expect(linux.body).toContain('&lt;a href=&quot;https://evil.example/renew&quot;&gt;Renew now&lt;/a&gt;&lt;img src=&quot;file:///etc/passwd&quot;&gt; &amp;amp; prod-');
    expect(linux.body).not.toMatch(/[<>]/);
    // The name is set apart, so its right-to-left override cannot turn the sentence around it.
    expect(mine[0]!.body).toContain(`\u2068${NAME}\u2069`);
    for (const platform of ['darwin', 'win32'] as const) expect(osNotificationText(mine[0]!, platform)).toEqual({ title: mine[0]!.title, body: mine[0]!.body });
  }, 60_000);

  it('the desktop app shows the reminder escaped on Linux and as it is on macOS', async ({ onTestFinished }) => {
    const dataDir = folder(onTestFinished);
    const sandbox = await startDeepsetSandbox();
    const proxy = await startHostileProxy(sandbox.url);
    const expires = new Date(Date.now() + 3 * 86_400_000).toISOString();
    proxy.tamper((x) => {
      if (x.method !== 'GET' || !/^\/api\/v1\/token\?/.test(x.path) || x.status !== 200) return undefined;
      const page = x.json as { data: unknown[] };
      return { json: { ...page, data: [...page.data, { api_token_id: 'hostile-name', name: NAME, expires_at: expires, all_workspaces: true }] } };
    });
    const setup = createCore({ dataDir, syncIntervalMs: 0, http: { timeoutMs: 10_000, retries: 0 } });
    const connectionId = (await setup.api.connections.add({ kind: 'deepset', name: 'deepset', baseUrl: proxy.url, credential: { type: 'token', token: sandbox.credentials.admin }, credentialKind: 'user-token' })).id;
    expect((await setup.api.sync.run({ connectionId })).result).toBe('ok');
    await setup.close();
    await proxy.close();
    await sandbox.close();
    const seen: Record<string, string> = {};
    try {
      for (const platform of ['linux', 'darwin'] as const) {
        // Each start reminds afresh: forget that the reminder was sent.
        const db = new Database(join(dataDir, DATABASE_FILE));
        db.exec('DELETE FROM reminders');
        db.close();
        const main = await launch(onTestFinished, { platform, env: { KEYFLEET_DATA_DIR: dataDir } });
        const shown = (await main.waitFor('notification', (r) => String(r.body).includes('evil.example'))) as unknown as { title: string; body: string };
        seen[platform] = shown.body;
        await main.send({ op: 'quit' });
        expect(await main.exitCode(), main.stderr()).toBe(0);
      }
    } finally {
      const cleanup = createCore({ dataDir, syncIntervalMs: 0 });
      await cleanup.api.connections.remove({ connectionId });
      await cleanup.close();
    }
    const escaped = !/[<>]/.test(seen.linux ?? '<') && (seen.linux ?? '').includes('&lt;a href=&quot;https://evil.example/renew&quot;&gt;');
    const asIs = (seen.darwin ?? '').includes(NAME);
    figures.desktop = `${escaped ? 'escaped' : 'NOT escaped'} / ${asIs ? 'as it is' : 'changed'}`;
    expect([escaped, asIs]).toEqual([true, true]);
  }, 60_000);

  it('the Electron glue shows every notification through osNotificationText', () => {
    const glue = readFileSync(new URL('../../src-main/index.ts', import.meta.url), 'utf8');
    const calls = [...glue.matchAll(/new Notification\(([^)]*)\)/g)].map((m) => m[1]!.trim());
    figures.unescapedCalls = calls.filter((args) => !args.startsWith('osNotificationText(')).length;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((args) => !args.startsWith('osNotificationText('))).toEqual([]);
  });
});
