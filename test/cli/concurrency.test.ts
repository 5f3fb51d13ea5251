// The desktop app's core and the command line on one data dir at the same time: the app syncs,
// creates keys and reads while scripts sync, list, export, check health and rotate. Nobody sees
// "database is locked", the app's own recovery never touches a rotation a script is doing, and the
// app hears of what the scripts changed.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-preload/api.ts';
import { tempDir } from '../support/temp.ts';
import { keyfleet, startFleet, type Fleet, type Ran } from './support.ts';

const LOCKED = /SQLITE_BUSY|database is locked|SQLITE_LOCKED/i;
let fleet: Fleet;
let out: ReturnType<typeof tempDir>;

beforeAll(async () => {
  fleet = await startFleet();
  out = tempDir();
  fleet.rancher.seedKeys(fleet.rancher.ids.user, 5, { namePrefix: 'both' });
}, 60_000);
afterAll(async () => {
  out.cleanup();
  await fleet.close();
}, 60_000);

describe('the app and the command line at once', () => {
  it('no "database is locked", no rotation taken over, and the app follows what the scripts did', { timeout: 90_000 }, async () => {
    // The app, with its retirement scheduler and its watch for other writers running fast.
    const app = fleet.open({ schedulerIntervalMs: 50, otherWritersCheckMs: 100 });
    const heardRotations = new Set<string>();
    app.events.on('rotation.changed', ({ operationId }) => heardRotations.add(operationId));
    await app.api.sync.all();
    const appErrors: string[] = [];
    let stop = false;
    let appCalls = 0;
    const appWork = (async () => {
      for (let round = 0; !stop; round++) {
        for (const call of [
          () => app.api.sync.all(),
          () => app.api.keys.create({ connectionId: fleet.ids.rancher, scopeId: fleet.rancher.ids.user, type: 'account', name: `app-made-${round}` }),
          () => app.api.keys.list({ limit: 200, query: 'both' }),
          () => app.api.health.summary({ idleDays: 90 }),
        ]) {
          try {
            await call();
          } catch (error) {
            appErrors.push(error instanceof ApiError ? `${error.kind}: ${error.message}` : String(error));
          }
          appCalls++;
        }
      }
    })();

    const scripts: Array<Promise<Ran>> = [];
    for (let round = 0; round < 2; round++) {
      scripts.push(
        keyfleet(['sync'], fleet.env),
        keyfleet(['keys', 'list', '--json'], fleet.env),
        keyfleet(['export', '--format', 'json', '--out', join(out.path, `inventory-${round}.json`)], fleet.env),
        keyfleet(['health', '--json'], fleet.env),
        keyfleet(['rotate', `both-${round + 1}`, '--yes', '--secret-out', join(out.path, `both-${round + 1}.env`), '--retire', 'now'], fleet.env),
      );
    }
    const ran = await Promise.all(scripts);
    stop = true;
    await appWork;

    for (const result of ran) {
      expect(result.stderr).not.toMatch(LOCKED);
      expect(result.stdout).not.toMatch(LOCKED);
      expect(result.code, result.stderr).toBe(0);
    }
    expect(appCalls).toBeGreaterThan(0);
    expect(appErrors.filter((e) => LOCKED.test(e))).toEqual([]);
    expect(appErrors).toEqual([]);

    // Both rotations finished as the scripts ran them; the app neither rolled back nor redid one.
    for (const name of ['both-1', 'both-2']) {
      const keys = fleet.rancher.keys(fleet.rancher.ids.user).filter((k) => k.name === name);
      expect(keys.map((k) => k.state).sort(), name).toEqual(['active', 'inactive']);
    }
    const rotations = (await app.api.journal.list({ limit: 1000 })).rows.filter((r) => r.action === 'key.rotate');
    expect(rotations.map((r) => r.result)).toEqual(['ok', 'ok']);
    expect(await app.api.rotation.list()).toEqual([]);
    // The app heard of the scripts' rotations without making one itself.
    await expect.poll(() => heardRotations.size, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    await app.close();
  });
});
