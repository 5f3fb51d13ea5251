// Opening the metadata database: WAL mode, foreign keys on, numbered migrations applied in
// order, one transaction each.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AppError } from '../errors.ts';
import { privateFile, privateIfPresent } from '../private-files.ts';
import { migrations as defaultMigrations, type Migration } from './migrations/index.ts';

export type Db = Database.Database;

/** The database's schema is not this version's: a newer Keyfleet wrote it (or, in a review, another version). */
export class SchemaVersionError extends AppError {
  constructor(message: string) {
    super('internal', message);
    this.name = 'SchemaVersionError';
  }
}

/** SQLite's default: a checkpoint once the WAL holds this many pages. */
export const WAL_AUTOCHECKPOINT_PAGES = 1000;
const WAL_SIZE_LIMIT = 32 * 1024 * 1024;

/**
 * The checkpoint after a batch of syncs copies tens of megabytes from the WAL into the database
 * file: hundreds of milliseconds that would hold the main thread (every IPC answer and every other
 * sync's responses waiting). It runs on a worker thread with a connection of its own instead;
 * PASSIVE never waits for a reader or a writer, so the main connection keeps reading and writing.
 * The worker is code, not a file, so the bundled app needs no second entry point.
 */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
try {
  db.pragma('busy_timeout = 5000');
  // Another connection checkpointing, or closing, holds the checkpoint lock for a moment: retry.
  let result = db.pragma('wal_checkpoint(PASSIVE)')[0];
  for (let tries = 0; result.busy && result.log === -1 && tries < 40; tries++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    result = db.pragma('wal_checkpoint(PASSIVE)')[0];
  }
  parentPort.postMessage(result);
} finally {
  db.close();
}
`;

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** Checkpoints a WAL-mode database file (PASSIVE) from a worker thread. */
export function checkpointOffThread(file: string): Promise<CheckpointResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    let result: CheckpointResult | undefined;
    worker.once('message', (message: CheckpointResult) => (result = message));
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`checkpoint worker exited with code ${code}`))));
  });
}

/**
 * Holds SQLite's automatic checkpoints while bulk writes run (a sync of many connections writes
 * tens of megabytes in one transaction per connection: each commit would copy its pages into the
 * database and flush it), then checkpoints once, off the main thread, when the last holder lets
 * go. Nothing is less durable: in WAL mode a commit is in the WAL either way. Automatic
 * checkpoints resume once that checkpoint is done (before, a commit past the threshold would run
 * the whole checkpoint on the main thread).
 */
export function checkpointDeferral(db: Db, checkpoint: (file: string) => Promise<unknown> = checkpointOffThread) {
  let holders = 0;
  let running: Promise<void> = Promise.resolve();
  const resume = () => {
    if (holders === 0 && db.open) db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  };
  return {
    defer: (): (() => void) => {
      if (holders++ === 0 && db.open) db.pragma('wal_autocheckpoint = 0');
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--holders > 0 || !db.open) return;
        if (db.memory) return resume();
        running = running
          .then(() => checkpoint(db.name))
          .catch(() => {
            // No worker (or its driver would not load): checkpoint here, as SQLite would itself.
            try {
              if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
            } catch {
              // The next commit past the threshold checkpoints instead.
            }
          })
          .then(resume)
          .catch(() => undefined);
      };
    },
    /** Resolves once the checkpoints asked for so far are done. */
    settled: (): Promise<void> => running,
  };
}

/**
 * Opens the database. `readonly` is for reviewing a copy of another machine's data dir: nothing
 * is written, so its schema must already be this version's.
 */
export function openDatabase(file: string, migrations: Migration[] = defaultMigrations, readonly = false): Db {
  if (readonly) return openReadonly(file, migrations);
  // SQLite gives its -wal and -shm files the database file's mode when it creates them; files an
  // earlier run left behind keep theirs, so they are made private here too.
  const db = new Database(privateFile(file));
  db.pragma('journal_mode = WAL');
  privateIfPresent([`${file}-wal`, `${file}-shm`]);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // After a checkpoint that deferred writes made large (see deferCheckpoints), the WAL file is
  // cut back to this size instead of keeping its peak on disk.
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * SQLite writes beside a WAL-mode database even when it only reads (the -shm and -wal files), so a
 * reviewed copy is itself copied to a private temporary folder first; the reviewed folder is
 * never written to. The temporary copy is removed when the database is closed.
 */
function openReadonly(file: string, migrations: Migration[]): Db {
  if (!existsSync(file)) throw new AppError('not-found', 'There is no Keyfleet database in that folder (keyfleet.db).');
  const scratch = mkdtempSync(join(tmpdir(), 'keyfleet-review-'));
  const copy = join(scratch, basename(file));
  for (const suffix of ['', '-wal']) {
    if (existsSync(file + suffix)) copyFileSync(file + suffix, copy + suffix);
  }
  const db = new Database(copy);
  const close = db.close.bind(db);
  db.close = () => {
    close();
    rmSync(scratch, { recursive: true, force: true });
    return db;
  };
  const newest = (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0;
  const latest = migrations.reduce((most, m) => Math.max(most, m.version), 0);
  if (newest !== latest) {
    db.close();
    throw new SchemaVersionError(`That data dir was written by another Keyfleet version (schema ${newest}, this one reads ${latest}).`);
  }
  db.pragma('query_only = ON');
  return db;
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

export function migrate(db: Db, migrations: Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const applied = new Map(
    (db.prepare('SELECT version, checksum FROM schema_migrations').all() as Array<{ version: number; checksum: string }>).map(
      (row) => [row.version, row.checksum],
    ),
  );
  const known = new Set(migrations.map((m) => m.version));
  for (const version of applied.keys()) {
    if (!known.has(version)) {
      throw new SchemaVersionError(`The database was written by a newer Keyfleet (schema version ${version}); this version cannot open it.`);
    }
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const sum = checksum(migration.sql);
    const previous = applied.get(migration.version);
    if (previous !== undefined) {
      if (previous !== sum) {
        throw new AppError(
          'internal',
          `Migration ${migration.version} (${migration.name}) changed after it was applied; refusing to open the database.`,
        );
      }
      continue;
    }
    // The desktop app and the command line may open a new data dir at the same moment: each
    // migration runs under the write lock, and only if the other did not apply it meanwhile.
    db.transaction(() => {
      if (isApplied.get(migration.version)) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, sum, Date.now());
    }).immediate();
  }
}
