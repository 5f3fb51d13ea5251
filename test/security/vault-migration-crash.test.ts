// The first unlock with a vault passphrase encrypts, in the keychain, the vault secrets an older
// Keyfleet stored in plaintext. This kills that migration with SIGKILL again and again (in a child,
// test/support/vault-migration-child.ts): just after the wrapped key is committed, just before and
// just after an item is replaced, while a replacement is on its way to the keychain, and at random
// moments (also inside setting the passphrase). After every kill, each entry's keychain item, read
// straight through keytar, must hold its original values, either still in plaintext or sealed with
// the vault key the passphrase unwraps; the next run goes on from there. At the end every item is
// sealed, every value is intact, no plaintext is left in the keychain and none reached the data dir.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import keytar from '@github/keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src-main/core.ts';
import { KEYCHAIN_SERVICE } from '../../src-main/secrets/secret-store.ts';
import { openWithPassphrase } from '../../src-main/secrets/vault-crypto.ts';
import { inspectItem, openItem } from '../../src-main/secrets/vault-items.ts';
import { vaultAccount } from '../../src-main/services/vault/index.ts';
import { KEY_FORMAT, KEY_VERSION } from '../../src-main/services/vault/session.ts';
import { createStore } from '../../src-main/store/index.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { openVault } from '../support/vault-service.ts';
import { createRng } from './fuzz-inputs.ts';
import { recordFigures, setting, STRESS } from './figures.ts';

const ENTRIES = setting(30, 400);
const KILLS = setting(6, 40);
const PASS = 'migration under fire 7';
const SEED = Number(process.env.KEYFLEET_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

let dir: ReturnType<typeof tempDir>;
const original = new Map<string, { labels: string[]; values: string[] }>();

function runChild(killAt: string, killAfterMs: number | null): Promise<{ events: string[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['test/support/vault-migration-child.ts', dir.path, PASS, killAt], { stdio: ['ignore', 'pipe', 'pipe'] });
    const events: string[] = [];
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        const { event } = JSON.parse(line) as { event: string };
        events.push(event);
        if (event === 'ready' && killAfterMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      resolve({ events, signal, stderr });
    });
  });
}

/** Every entry's item as the kill left it: its values, in plaintext or sealed; problems listed. */
async function inspect(): Promise<{ sealed: number; plain: number; problems: string[] }> {
  const store = createStore(join(dir.path, DATABASE_FILE));
  try {
    const record = store.vaultKey.get();
    const key = record && (await openWithPassphrase({ format: KEY_FORMAT, version: KEY_VERSION, passphrase: PASS, header: record.header, ciphertext: record.wrapped })).plaintext;
    const result = { sealed: 0, plain: 0, problems: [] as string[] };
    for (const [id, { labels, values }] of original) {
      const item = await keytar.getPassword(KEYCHAIN_SERVICE, vaultAccount(id));
      if (item === null) {
        result.problems.push(`${id}: item gone`);
        continue;
      }
      const kind = inspectItem(item);
      if (kind.kind === 'legacy') {
        result.plain++;
        if (JSON.stringify(kind.values) !== JSON.stringify(values)) result.problems.push(`${id}: plaintext changed`);
      } else if (kind.kind === 'sealed') {
        result.sealed++;
        if (!key) result.problems.push(`${id}: sealed, but no wrapped key was committed`);
        else if (JSON.stringify(openItem(key, id, labels, item)) !== JSON.stringify(values)) result.problems.push(`${id}: sealed values differ`);
      } else {
        result.problems.push(`${id}: unreadable item`);
      }
    }
    if (record?.migratedAt !== null && record?.migratedAt !== undefined && result.plain > 0) result.problems.push('recorded as migrated with plaintext left');
    return result;
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  dir = tempDir('keyfleet-vault-crash-');
  const { store, close } = openVault(dir.path);
  const rng = createRng(SEED);
  for (let i = 0; i < ENTRIES; i++) {
    const id = `5f0c1b2a-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const fieldCount = 1 + rng.int(3);
    const labels = Array.from({ length: fieldCount }, (_, f) => `Field ${f}`);
    const values = labels.map((_, f) => `legacy-secret-${i}-${f}-${rng.hex(12)}${f === 0 && i % 5 === 0 ? '\n-----END KEY-----' : ''}`);
    store.vault.put({
      id,
      name: `old entry ${i}`,
      service: 'legacy',
      url: null,
      notes: null,
      expiresAt: null,
      tags: [],
      fields: labels.map((label) => ({ label, secret: true })),
      link: null,
      verifiedAt: null,
      verifyResult: null,
      createdAt: 1,
      updatedAt: 1,
    });
    await keytar.setPassword(KEYCHAIN_SERVICE, vaultAccount(id), JSON.stringify(values));
    original.set(id, { labels, values });
  }
  close();
});

afterAll(async () => {
  for (const id of original.keys()) await keytar.deletePassword(KEYCHAIN_SERVICE, vaultAccount(id));
  dir.cleanup();
});

describe('vault migration under SIGKILL', () => {
  it(
    'loses nothing, whenever the first unlock is killed, and ends with every secret sealed',
    async () => {
      const rng = createRng(SEED);
      const problems: string[] = [];
      const points: string[] = [];
      let kills = 0;
      // The first kill lands right after the wrapped key is committed, before any item is touched.
      // Kills at a timer come last: one that lands after a run finished would end the migration
      // (and the kills) before the kills at a step had their turn.
      const drawn = Array.from({ length: KILLS - 1 }, () => rng.pick(['set', 'during-set', 'get', 'timer']));
      const plans = ['get#1', ...drawn.filter((kind) => kind !== 'timer'), ...drawn.filter((kind) => kind === 'timer')];
      for (const [round, kind] of plans.entries()) {
        const left = ENTRIES - (await inspect()).sealed;
        if (left === 0) break;
        // A few items per run, so that most runs are cut in the middle of the migration.
        const killAt = kind === 'get#1' || kind === 'timer' ? (kind === 'timer' ? 'never' : kind) : `${kind}#${1 + rng.int(Math.min(left, 4))}`;
        const run = await runChild(killAt, kind === 'timer' ? rng.int(250) : null);
        if (run.signal === 'SIGKILL') kills++;
        points.push(`${round + 1}: ${killAt}${kind === 'timer' ? ' (timer)' : ''} → ${run.signal ?? 'exited'} after ${run.events.at(-1) ?? 'nothing'}`);
        if (run.signal !== 'SIGKILL' && !run.events.includes('done')) problems.push(`round ${round + 1}: child failed: ${run.stderr.slice(0, 500)}`);
        const state = await inspect();
        for (const p of state.problems) problems.push(`after round ${round + 1} (${killAt}): ${p}`);
      }
      // Last, a run nobody kills.
      const last = await runChild('never', null);
      expect(last.events, last.stderr).toContain('done');
      const final = await inspect();
      problems.push(...final.problems);
      expect(final).toMatchObject({ sealed: ENTRIES, plain: 0 });

      const { vault, close } = openVault(dir.path);
      try {
        expect(await vault.status()).toMatchObject({ passphrase: 'set', migrationPending: false });
        await vault.unlock({ passphrase: PASS });
        for (const [id, { values }] of original) expect((await vault.reveal(id)).fields.map((f) => f.value)).toEqual(values);
      } finally {
        close();
      }
      const onDisk = scanForSecrets(dir.path, [...original.values()].flatMap((o) => o.values.map((v) => v.slice(0, 30))));

      recordFigures('vault-migration-crash', [
        { figure: 'kills during the migration', value: kills, target: STRESS ? '≥ 40' : `≥ ${KILLS - 2}`, ok: kills >= (STRESS ? 40 : KILLS - 2), detail: `seed ${SEED}; ${ENTRIES} entries` },
        { figure: 'secrets lost or changed', value: problems.length, target: '0', ok: problems.length === 0, detail: problems[0] },
        { figure: 'plaintext left in the keychain', value: final.plain, target: '0', ok: final.plain === 0 },
        { figure: 'secrets in the data dir', value: onDisk.length, target: '0', ok: onDisk.length === 0 },
      ]);
      console.log(`vault-migration-crash: seed ${SEED}, ${kills} kills\n  ${points.join('\n  ')}`);
      expect(problems).toEqual([]);
      expect(onDisk).toEqual([]);
      expect(kills).toBeGreaterThanOrEqual(KILLS - 2);
    },
    setting(120_000, 900_000),
  );
});
