// A sync's snapshot swapped into the cache with its run's record, in one transaction. The swap of
// a connection's first sync writes tens of thousands of rows: it runs on a worker thread with a
// connection of its own (swap-worker.ts), so the main thread keeps answering the window and the
// other syncs' backends meanwhile; where no worker can start, on the main connection instead.
// Either way SQLite serializes it with every other write, and readers see it all or nothing.
import type { Worker } from 'node:worker_threads';
import { findOwnKey } from '../own-key-match.ts';
import type { RemoteScope } from '../model.ts';
import type { CredentialMatch } from '../providers/types.ts';
import { connectionQueries } from './connections.ts';
import type { Db } from './db.ts';
import type { KeyMarks } from './inventory.ts';
import type { SnapshotCounts } from './key-write.ts';
import { LIVE_MARKS_SQL } from './key-rows.ts';
import { snapshotApplier, type Hold, type StagedSnapshot } from './stage.ts';
import { syncRunQueries } from './sync-runs.ts';
import startSwapWorker from './swap-worker-start.ts';

export interface SwapRequest {
  snapshot: StagedSnapshot;
  scopes: RemoteScope[];
  at: number;
  /** How the connection's own key is told, and the key found among those fetched, if any. */
  match: CredentialMatch | null;
  ownKey: string | null;
}

/** The swap's transaction on a connection: the snapshot, the run's success, the connection's own key. */
export function swapWriter(db: Db) {
  const applier = snapshotApplier(db);
  const runs = syncRunQueries(db);
  const connections = connectionQueries(db);
  const liveMarks = db.prepare(LIVE_MARKS_SQL);
  const swap = (request: SwapRequest): SnapshotCounts =>
    db
      .transaction(() => {
        const { snapshot, scopes, at, match } = request;
        const { connectionId } = snapshot;
        const counts = applier.apply(snapshot, scopes, at);
        runs.succeed(snapshot.run, at, { ...counts, scopes: scopes.length, keys: snapshot.listed });
        connections.markSynced(connectionId, at);
        // From the keys just fetched, else from the cache, which also holds what the backend's
        // list has not caught up with yet.
        const own = match ? (request.ownKey ?? findOwnKey(match, liveMarks.all(connectionId) as KeyMarks[])) : null;
        connections.setOwnKey(connectionId, own);
        // The credential works and its key is live again (activated elsewhere, say): it no longer needs replacing.
        if (own !== null && connections.get(connectionId)?.credentialEnded) connections.setCredentialEnded(connectionId, null);
        return counts;
      })
      .immediate();
  /** The rows each run will write, in this connection's temporary table. */
  return { swap, stage: applier.stage };
}

type Reply = { ready: true } | { held: number } | { id: number; counts: SnapshotCounts } | { id: number; error: string };

/** Messages to the writer thread: rows a run will write, a run dropped, a swap, the end. */
export type WriterMessage =
  | { hold: number; rows: unknown[][] }
  | { drop: number }
  | { id: number; request: SwapRequest }
  | { close: true };

/** One sync's way to the database: where its rows wait, and its swap. */
export interface SwapTurn {
  /**
   * Takes the rows to write as the sync stages them (none: the main connection's own table keeps
   * them). Returns a promise when the writer has a full inbox: the sync waits for it before it
   * stages more (see MAX_UNWRITTEN_HOLDS).
   */
  hold?: Hold;
  swap(request: SwapRequest): Promise<SnapshotCounts>;
  /** Forgets the rows held (a failed or cancelled sync). */
  drop(): void;
}

export interface Swapper {
  /** Starts the writer thread if needed (and waits until it can take rows), for one sync's run. */
  open(run: number): Promise<SwapTurn>;
  /** Whether swaps run on the writer thread (after open; false: on the main connection). */
  readonly offThread: boolean;
  /** Lets the swaps asked for finish, then ends the thread. */
  close(): Promise<void>;
  /** Ends the thread at once (a swap it was making is rolled back by SQLite). */
  stop(): void;
}

/** How long a starting writer thread may take to open the database before the main connection is used instead. */
const START_TIMEOUT_MS = 10_000;

/**
 * Hold messages (up to STAGE_CHUNK rows each) sent to the writer and not yet written to its table,
 * for every sync together: at most ~6,400 rows, a few MB. Without a bound, a 100,000-key sync that
 * parsed faster than the writer wrote queued 50 MB of serialized rows in the writer's inbox
 * (measured with heaptrack). A smaller bound made syncs wait on the writer while it swapped.
 */
export const MAX_UNWRITTEN_HOLDS = 64;

/**
 * Swaps on a worker thread, started on first use. A worker that cannot start (its module or the
 * SQLite driver will not load) leaves every swap to the main connection; one that dies after it
 * started fails the syncs whose rows it held (SQLite rolled back what they had not committed).
 */
export function createSwapper(file: string, mainDb: Db, start: typeof startSwapWorker = startSwapWorker): Swapper {
  let mainWriter: ReturnType<typeof swapWriter> | undefined;
  const onMain = (request: SwapRequest) => (mainWriter ??= swapWriter(mainDb)).swap(request);
  let starting: Promise<Worker | null> | undefined;
  let worker: Worker | null = null;
  let closed = false;
  let nextId = 0;
  const pending = new Map<number, { resolve: (counts: SnapshotCounts) => void; reject: (error: Error) => void }>();
  let unwritten = 0;
  let waitingForRoom: Array<() => void> = [];
  /** Lets every sync waiting for room go on (the writer took rows, or is gone: its swap then fails). */
  const makeRoom = () => {
    const waiting = waitingForRoom;
    waitingForRoom = [];
    for (const go of waiting) go();
  };

  function lost(error: Error) {
    worker = null;
    unwritten = 0;
    makeRoom();
    for (const [id, job] of pending) {
      pending.delete(id);
      job.reject(new Error(`The sync's writer stopped: ${error.message}`));
    }
  }

  function startWorker(): Promise<Worker | null> {
    return new Promise((resolve) => {
      let started: Worker;
      try {
        started = start({ workerData: { file } });
      } catch {
        resolve(null);
        return;
      }
      const timer = setTimeout(() => {
        void started.terminate();
        resolve(null);
      }, START_TIMEOUT_MS);
      started.on('message', (reply: Reply) => {
        if ('held' in reply) {
          if (worker !== started) return;
          unwritten--;
          if (unwritten === 0 && pending.size === 0) started.unref();
          if (unwritten < MAX_UNWRITTEN_HOLDS) makeRoom();
          return;
        }
        if ('ready' in reply) {
          clearTimeout(timer);
          worker = started;
          started.unref();
          resolve(started);
          return;
        }
        const job = pending.get(reply.id);
        if (!job) return;
        pending.delete(reply.id);
        if ('counts' in reply) job.resolve(reply.counts);
        else job.reject(new Error(reply.error));
      });
      started.on('error', (error: Error) => {
        clearTimeout(timer);
        if (worker === started) lost(error);
        resolve(null);
      });
      started.on('exit', (code) => {
        clearTimeout(timer);
        if (worker === started) lost(new Error(`it exited (code ${code})`));
        resolve(null);
      });
    });
  }

  const post = (target: Worker, message: WriterMessage) => target.postMessage(message);

  return {
    get offThread() {
      return worker !== null;
    },
    async open(run) {
      starting ??= closed ? Promise.resolve(null) : startWorker();
      const target = (await starting) ?? null;
      if (!target || worker !== target) return { swap: (request) => Promise.resolve().then(() => onMain(request)), drop: () => undefined };
      return {
        hold: (rows) => {
          if (worker !== target) return undefined;
          post(target, { hold: run, rows });
          // Rows not yet written keep the process alive, as a swap asked for does.
          if (unwritten++ === 0) target.ref();
          if (unwritten < MAX_UNWRITTEN_HOLDS) return undefined;
          return new Promise<void>((resolve) => waitingForRoom.push(resolve));
        },
        drop: () => {
          if (worker === target) post(target, { drop: run });
        },
        swap: (request) => {
          if (worker !== target) return Promise.reject(new Error('The sync’s writer stopped before this sync’s turn; sync again.'));
          return new Promise<SnapshotCounts>((resolve, reject) => {
            const id = nextId++;
            pending.set(id, { resolve, reject });
            target.ref();
            post(target, { id, request });
          }).finally(() => {
            if (pending.size === 0 && unwritten === 0) target.unref();
          });
        },
      };
    },
    async close() {
      closed = true;
      const current = worker;
      worker = null;
      makeRoom();
      if (!current) return;
      await new Promise<void>((resolve) => {
        current.once('exit', () => resolve());
        post(current, { close: true });
      });
    },
    stop() {
      closed = true;
      const current = worker;
      worker = null;
      makeRoom();
      void current?.terminate();
    },
  };
}
