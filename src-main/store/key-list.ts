// Ordered key lists for the key table: at 100,000 keys, ORDER BY … LIMIT/OFFSET sorts the whole
// inventory for every page (a deep page took a second) and the filter's ten LIKEs read every fat
// row twice (rows and count). Instead, a list (the rowids of one filter and sort, in order) is
// computed once with the same SQL and kept while the database is unchanged; a page is a slice of
// it, fetched by rowid, and its length is the total. The text filter runs in memory over a
// per-key search string, with exactly the LIKE semantics it replaces: a literal substring of any
// of the fields, case-insensitive for ASCII letters only, as SQLite's LIKE.
//
// "Unchanged" is this connection's total_changes() (every row this connection inserted, updated
// or deleted, in any table) plus PRAGMA data_version (commits by other connections): any write
// empties the caches, so nothing stale is ever served. Inside a transaction, nothing is cached.
import type Database from 'better-sqlite3';
import { CONNECTION_WORDS_SQL } from './connection-words.ts';
import type { Db } from './db.ts';

/**
 * A key's own fields the filter matches: in memory here, and by LIKE when the SQL path answers.
 * Besides them, its connection's name and backend (connection-words.ts), once per connection.
 */
export const SEARCH_COLUMNS = ['name', 'id', 'masked_value', 'type', 'status', 'role', 'created_by', 'description', 'local_label', 'local_hint'] as const;

/** Between the fields of one key, and between keys, in the search text; a filter containing either is left to SQL. */
const FIELD_SEPARATOR = '\u001f';
const ROW_SEPARATOR = '\u001e';
const MAX_LISTS = 8;
const MAX_FILTERED = 16;
/** Keys read per step of the background build of the search text (~10 ms each). */
const WARM_CHUNK = 4000;

const NON_ASCII = /[\u0080-\uffff]/;
const ASCII_UPPER = /[A-Z]+/g;

/** SQLite's LIKE (and lower()) fold ASCII letters only: 'É' stays 'É', 'A' becomes 'a'. */
export function foldAscii(text: string): string {
  return !NON_ASCII.test(text) ? text.toLowerCase() : text.replace(ASCII_UPPER, (m) => m.toLowerCase());
}

/** Whether the in-memory filter can answer this text exactly (else: SQL's LIKE). */
export const searchableInMemory = (text: string) => !text.includes(FIELD_SEPARATOR) && !text.includes(ROW_SEPARATOR);

/**
 * The search text holds UTF-8 bytes, one per character of a one-byte string; a needle is encoded
 * the same way. UTF-8 is self-synchronizing, so a substring of the bytes is a substring of the text
 * (a lone surrogate becomes U+FFFD here, as it does on its way into SQLite).
 */
const asBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/**
 * Every listed key's searchable fields, folded as LIKE folds them, in one string of UTF-8 bytes
 * (see asBytes): key i is text[starts[i], starts[i + 1] - 1), its rowid rowids[i]. One indexOf
 * pass finds every match.
 */
interface SearchText {
  text: string;
  starts: Int32Array;
  rowids: Float64Array;
  maxRowid: number;
  /** Key i's connection, an index into connectionWords. */
  connections: Uint16Array;
  /** Each connection's name and backend words, folded and as UTF-8 bytes like the text. */
  connectionWords: string[];
}

export interface KeyListCache {
  /** The rowids of `SELECT … WHERE where ORDER BY order`, from the cache or computed now; null inside a transaction. */
  ordered(where: string, order: string, params: Record<string, unknown>, text: string | undefined): number[] | null;
  /** The key rows of these rowids, in this order: every column, or all but raw_json. */
  rows<T>(rowids: number[], withRaw: boolean): T[];
}

export function createKeyListCache(db: Db, listedColumns: string, keyColumns: string): KeyListCache {
  const generationOf = db.prepare('SELECT total_changes() AS changes, data_version AS version FROM pragma_data_version()');
  const byRowid = db.prepare(`SELECT ${keyColumns} FROM keys WHERE rowid = ?`);
  const listedByRowid = db.prepare(`SELECT ${listedColumns} FROM keys WHERE rowid = ?`);
  // lower() folds exactly as LIKE does (ASCII letters only); NULL fields are empty. Read in rowid
  // order, a chunk at a time, so the text can be built in the background between requests.
  const searchChunk = db
    .prepare(
      `SELECT rowid, lower(${SEARCH_COLUMNS.map((c) => `coalesce(${c}, '')`).join(` || char(31) || `)}), connection_id FROM keys
      WHERE hidden = 0 AND rowid > ? ORDER BY rowid LIMIT ?`,
    )
    .raw();
  const connectionWords = db.prepare(CONNECTION_WORDS_SQL).raw();
  const listStatements = new Map<string, Database.Statement>();
  let generation = '';
  const lists = new Map<string, number[]>();
  const filtered = new Map<string, number[]>();
  let search: SearchText | null = null;
  /** The search text being built for the current generation: the chunks read so far. */
  let building: {
    afterRowid: number;
    chunks: string[];
    starts: number[];
    rowids: number[];
    offset: number;
    connections: number[];
    connectionIndex: Map<string, number>;
    connectionWords: string[];
  } | null = null;
  let warming = false;
  /** The last needle searched and the rows (indexes into the search text, ascending) it matched. */
  let lastMatch: { search: SearchText; needle: string; rows: Int32Array } | null = null;

  /** Empties every cache when the database changed since they were made. */
  function refresh(): void {
    const { changes, version } = generationOf.get() as { changes: number; version: number };
    const now = `${changes}:${version}`;
    if (now === generation) return;
    generation = now;
    lists.clear();
    filtered.clear();
    search = null;
    building = null;
    lastMatch = null;
  }

  function remember(cache: Map<string, number[]>, key: string, value: number[], max: number): number[] {
    cache.set(key, value);
    if (cache.size > max) cache.delete(cache.keys().next().value!);
    return value;
  }

  function recall(cache: Map<string, number[]>, key: string): number[] | undefined {
    const value = cache.get(key);
    if (value) {
      // Most recently used last.
      cache.delete(key);
      cache.set(key, value);
    }
    return value;
  }

  /** Reads the next chunk (all the rest when `limit` is -1); true once every row is read. */
  function readChunk(limit: number): boolean {
    // Always called right after refresh(), which drops a half-built text of an older generation.
    if (!building) {
      const words = connectionWords.all() as Array<[string, string]>;
      building = {
        afterRowid: 0,
        chunks: [],
        starts: [],
        rowids: [],
        offset: 0,
        connections: [],
        connectionIndex: new Map(words.map(([id], i) => [id, i])),
        connectionWords: words.map(([, text]) => asBytes(text)),
      };
    }
    const chunk = searchChunk.all(building.afterRowid, limit) as Array<[number, string, string]>;
    // Each chunk is kept as its UTF-8 bytes in a one-byte string (see asBytes) until the last one is read.
    const texts = new Array<string>(chunk.length);
    chunk.forEach(([rowid, text, connectionId], i) => {
      building!.starts.push(building!.offset);
      building!.rowids.push(rowid);
      // A key of no known connection (none: keys go with their connection) matches by its own fields only.
      building!.connections.push(building!.connectionIndex.get(connectionId) ?? 0xffff);
      building!.offset += Buffer.byteLength(text, 'utf8') + 1;
      texts[i] = text;
    });
    if (chunk.length > 0) {
      building.chunks.push(asBytes(texts.join(ROW_SEPARATOR) + ROW_SEPARATOR));
      building.afterRowid = chunk[chunk.length - 1]![0];
    }
    if (limit !== -1 && chunk.length === limit) return false;
    const done = building;
    building = null;
    done.starts.push(done.offset);
    search = {
      // The bytes as a one-byte string: half the memory of UTF-16, and a faster indexOf. Joined as
      // strings on the JS heap: concatenating buffers first left three copies' worth of freed
      // memory in the allocator (chunks, their concatenation, and the text made from it).
      text: done.chunks.join(''),
      starts: Int32Array.from(done.starts),
      rowids: Float64Array.from(done.rowids),
      // Read in rowid order: the last is the largest.
      maxRowid: done.rowids.at(-1) ?? 0,
      connections: Uint16Array.from(done.connections),
      connectionWords: done.connectionWords,
    };
    return true;
  }

  function searchText(): SearchText {
    if (!search) readChunk(-1);
    return search!;
  }

  /**
   * Builds the search text between requests, a few thousand keys at a time, so the first filter
   * after a change finds it ready; a request that needs it earlier finishes it at once.
   */
  function warm(): void {
    if (warming || search) return;
    warming = true;
    const step = () => {
      try {
        if (!db.open || db.inTransaction) {
          warming = false;
          return;
        }
        refresh();
        if (search || readChunk(WARM_CHUNK)) warming = false;
        else setImmediate(step);
      } catch {
        // A later request builds it instead.
        warming = false;
      }
    };
    setImmediate(step);
  }

  /** The row (index into starts) holding text position `at`, searching forward from `from`. */
  function rowAt(starts: Int32Array, from: number, at: number): number {
    // Galloping: a match is usually in the row just after the previous one.
    let lo = from;
    let step = 1;
    let hi = from + 1;
    const last = starts.length - 2;
    while (hi <= last && starts[hi]! <= at) {
      lo = hi;
      step *= 2;
      hi = from + step;
    }
    hi = Math.min(hi, last);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The rows whose search text contains the needle, ascending. Typing narrows: when the needle
   * contains the previous one, only the previous matches can match, and only they are searched.
   */
  function matchingRows(needle: string): Int32Array {
    const search = searchText();
    const { text, starts } = search;
    const previous = lastMatch && lastMatch.search === search && needle.includes(lastMatch.needle) ? lastMatch.rows : null;
    const found: number[] = [];
    if (previous) {
      // Each search starts at the next candidate; an occurrence past it skips every candidate
      // before the row it lands in (none of them holds the needle).
      let k = 0;
      while (k < previous.length) {
        const at = text.indexOf(needle, starts[previous[k]!]);
        if (at === -1) break;
        while (k < previous.length && starts[previous[k]! + 1]! <= at) k++;
        if (k === previous.length) break;
        const row = previous[k]!;
        if (starts[row]! <= at) {
          found.push(row);
          k++;
        }
      }
    } else {
      let row = 0;
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, starts[row + 1])) {
        row = rowAt(starts, row, at);
        found.push(row);
      }
    }
    const rows = Int32Array.from(found);
    lastMatch = { search, needle, rows };
    return withConnections(search, needle, rows);
  }

  /**
   * The rows matched by their own fields, and every row of a connection whose name or backend
   * matches (those are found anew each time: narrowing only ever reuses the rows' own matches).
   */
  function withConnections(search: SearchText, needle: string, own: Int32Array): Int32Array {
    const matched = search.connectionWords.map((words) => words.includes(needle));
    if (!matched.includes(true)) return own;
    const { connections } = search;
    const rows: number[] = [];
    let k = 0;
    for (let row = 0; row < connections.length; row++) {
      const mine = k < own.length && own[k] === row;
      if (mine) k++;
      if (mine || matched[connections[row]!] === true) rows.push(row);
    }
    return Int32Array.from(rows);
  }

  /** Per ordered list: rowid → its position in the list + 1 (0: not in it), made on first use. */
  const positions = new WeakMap<number[], Int32Array>();
  function positionsOf(list: number[], maxRowid: number): Int32Array {
    let map = positions.get(list);
    if (!map || map.length < maxRowid + 1) {
      map = new Int32Array(maxRowid + 1);
      for (let i = 0; i < list.length; i++) if (list[i]! <= maxRowid) map[list[i]!] = i + 1;
      positions.set(list, map);
    }
    return map;
  }

  /** The keys of `list` (in its order) whose search text contains the needle. */
  function filterList(list: number[], needle: string): number[] {
    const rows = matchingRows(needle);
    const { rowids, maxRowid } = searchText();
    if (rows.length * 4 > list.length) {
      // Most of the list: one pass over it.
      const marks = new Uint8Array(maxRowid + 1);
      for (const row of rows) marks[rowids[row]!] = 1;
      return list.filter((rowid) => marks[rowid] === 1);
    }
    // A few: their places in the list, sorted.
    const place = positionsOf(list, maxRowid);
    const at = new Int32Array(rows.length);
    let n = 0;
    for (const row of rows) {
      const p = place[rowids[row]!]!;
      if (p > 0) at[n++] = p - 1;
    }
    const sorted = at.subarray(0, n).sort();
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = list[sorted[i]!]!;
    return out;
  }

  return {
    ordered(where, order, params, text) {
      if (db.inTransaction) return null;
      refresh();
      const key = `${where}|${order}|${JSON.stringify(params)}`;
      let list = recall(lists, key);
      if (!list) {
        const sql = `SELECT rowid FROM keys ${where} ORDER BY ${order}`;
        let statement = listStatements.get(sql);
        if (!statement) listStatements.set(sql, (statement = db.prepare(sql).pluck()));
        list = remember(lists, key, statement.all(params) as number[], MAX_LISTS);
      }
      if (!text) {
        warm();
        return list;
      }
      const textKey = `${key}|${text}`;
      let matches = recall(filtered, textKey);
      if (!matches) {
        matches = remember(filtered, textKey, filterList(list, asBytes(foldAscii(text))), MAX_FILTERED);
      }
      return matches;
    },

    rows<T>(rowids: number[], withRaw: boolean): T[] {
      const statement = withRaw ? byRowid : listedByRowid;
      const out: T[] = [];
      for (const rowid of rowids) {
        const row = statement.get(rowid) as T | undefined;
        if (row) out.push(row);
      }
      return out;
    },
  };
}
