// Who uses this data dir right now: one row per running core (the desktop app, a command-line
// run), removed when it closes. Journal operations and sync runs carry the id of the core doing
// them, so a core that starts recovers only the work of cores that are gone (killed, crashed, or
// on a machine that has restarted since), never what a live one is in the middle of.
import { hostname, uptime } from 'node:os';
import type { Db } from './db.ts';

export interface Instance {
  id: string;
  pid: number;
  host: string;
  /** When the machine booted, as this process sees it: a pid from before a restart means nothing. */
  bootAt: number;
}

/** Wall-clock adjustments move a computed boot time a little; a restart moves it a lot. */
const BOOT_SLACK_MS = 5 * 60 * 1000;

export function thisProcess(id: string): Instance {
  return { id, pid: process.pid, host: hostname(), bootAt: Date.now() - uptime() * 1000 };
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function instanceQueries(db: Db, self: Instance | null) {
  const insert = db.prepare('INSERT INTO instances (id, pid, host, boot_at, started_at) VALUES (@id, @pid, @host, @bootAt, @startedAt)');
  const remove = db.prepare('DELETE FROM instances WHERE id = ?');
  const one = db.prepare('SELECT id, pid, host, boot_at AS bootAt FROM instances WHERE id = ?');
  const all = db.prepare('SELECT id, pid, host, boot_at AS bootAt FROM instances');

  function running(instance: Instance): boolean {
    if (self && instance.id === self.id) return true;
    // SQLite's WAL works on one machine only: rows from another host are from a copied data dir.
    if (!self || instance.host !== self.host || Math.abs(instance.bootAt - self.bootAt) > BOOT_SLACK_MS) return false;
    return pidRunning(instance.pid);
  }

  return {
    /** Registers this core, and forgets the rows of cores that are gone. */
    register(at: number): void {
      if (!self) return;
      for (const instance of all.all() as Instance[]) if (!running(instance)) remove.run(instance.id);
      insert.run({ ...self, startedAt: at });
    },
    release(): void {
      if (self && db.open) remove.run(self.id);
    },
    /** Whether the core that owns a piece of work still runs (this one included). */
    isLive(owner: string | null): boolean {
      if (owner === null) return false;
      const instance = one.get(owner) as Instance | undefined;
      return instance !== undefined && running(instance);
    },
  };
}
