// keyfleet journal: the action journal — what Keyfleet (the app or the command line) did to
// each backend, and how it went. Oldest first, as a log reads.
import type { AuditEntryView } from '../../../src-preload/contract.ts';
import { JSON_OPTION, positiveInt, type Command } from '../args.ts';
import { EXIT } from '../exit.ts';
import { moment, printJson, table, write } from '../output.ts';
import { parseWhen, TIME_HELP } from '../time.ts';

const DEFAULT_LIMIT = 50;

export const journal: Command = {
  name: 'journal',
  summary: 'Show the action journal: every change Keyfleet made to a backend, and its result.',
  options: {
    since: { type: 'string', value: 'TIME', help: `only entries from TIME on: ${TIME_HELP} ago` },
    limit: { type: 'string', value: 'N', help: `at most the N most recent entries (default: all since TIME, else ${DEFAULT_LIMIT})` },
    json: JSON_OPTION,
  },
  details: ['JSON: an array of { id, at, action, connectionId, connectionName, keyId, result, detail }; at in epoch milliseconds.'],
  async run({ io, values, session }) {
    const since = values.since === undefined ? undefined : parseWhen(values.since as string, Date.now(), 'past', '--since');
    const limit = positiveInt(values.limit as string | undefined, '--limit', 1_000_000) ?? (since === undefined ? DEFAULT_LIMIT : Infinity);
    const { api } = await session();
    const entries: AuditEntryView[] = [];
    // Newest first from the core, a page at a time, until the window or the limit is reached.
    for (let offset = 0; entries.length < limit; offset += 500) {
      const page = await api.journal.list({ offset, limit: 500 });
      const inWindow = page.rows.filter((row) => since === undefined || row.at >= since);
      for (const row of inWindow.slice(0, limit - entries.length)) entries.push(row);
      if (inWindow.length < page.rows.length || offset + 500 >= page.total) break;
    }
    entries.reverse();
    if (values.json) {
      await printJson(io, entries);
      return EXIT.ok;
    }
    if (entries.length === 0) await write(io.stderr, 'No journal entries in that window.\n');
    else {
      await write(
        io.stdout,
        table(
          ['AT', 'RESULT', 'ACTION', 'CONNECTION', 'KEY', 'DETAIL'],
          entries.map((e) => [moment(e.at), e.result, e.action, e.connectionName ?? '—', e.keyId ?? '—', e.detail ?? '']),
        ),
      );
    }
    return EXIT.ok;
  },
};
