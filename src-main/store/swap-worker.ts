// The sync's writer thread (see swap.ts): a connection of its own to the database, one swap at a
// time, in the order they were asked for.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { swapWriter, type WriterMessage } from './swap.ts';

const port = parentPort!;
const db = new Database((workerData as { file: string }).file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
// The syncs' checkpoint is made once they are all done (store.deferCheckpoints), never by a swap's commit.
db.pragma('wal_autocheckpoint = 0');
// A page cache of 4 MB for the database and 4 MB for the staged rows instead of SQLite's 16 MB
// each: the writer's memory after a 100,000-key sync went from 51 MB to 28 MB, with no slower swap
// (npm run bench).
db.pragma('cache_size = -4000');
db.pragma('temp.cache_size = -4000');
const { swap, stage } = swapWriter(db);
port.postMessage({ ready: true });

/** Runs whose rows could not all be kept: their swap fails instead of writing part of them. */
const broken = new Map<number, string>();

port.on('message', (message: WriterMessage) => {
  if ('close' in message) {
    db.close();
    port.close();
    return;
  }
  if ('hold' in message) {
    try {
      if (!broken.has(message.hold)) stage.put(message.hold, message.rows);
    } catch (error) {
      broken.set(message.hold, error instanceof Error ? error.message : String(error));
    }
    // Written (or refused): room for another (swap.ts MAX_UNWRITTEN_HOLDS).
    port.postMessage({ held: message.hold });
    return;
  }
  if ('drop' in message) {
    broken.delete(message.drop);
    stage.drop(message.drop);
    return;
  }
  const run = message.request.snapshot.run;
  const failure = broken.get(run);
  if (failure !== undefined) {
    broken.delete(run);
    stage.drop(run);
    port.postMessage({ id: message.id, error: `Keyfleet could not keep this sync's keys: ${failure}` });
    return;
  }
  try {
    port.postMessage({ id: message.id, counts: swap(message.request) });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
