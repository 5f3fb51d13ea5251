// keyfleet export: the app's secret-free inventory export (CSV or JSON) with its SHA-256.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CONNECTION_OPTION, JSON_OPTION, oneOf, type Command } from '../args.ts';
import { CliError, EXIT } from '../exit.ts';
import { count, line, printJson, write } from '../output.ts';
import { connectionIdOf } from '../session.ts';

/** Written beside the target and renamed over it: a reader never sees half an export. */
function writeWhole(file: string, content: string): void {
  const partial = join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
  try {
    writeFileSync(partial, content, { flag: 'wx' });
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new CliError(EXIT.failed, `Could not write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

export const exportInventory: Command = {
  name: 'export',
  summary: 'Export the cached inventory without any secret, as CSV or JSON, with its SHA-256.',
  options: {
    format: { type: 'string', value: 'csv|json', help: 'the export’s format (required)' },
    out: { type: 'string', value: 'FILE', help: 'write the export to FILE (replaced if it exists) instead of stdout' },
    connection: CONNECTION_OPTION,
    json: JSON_OPTION,
  },
  details: [
    'The same export as the app’s “Export”: the reviewed fields of every key, never a secret or the backend’s raw fields.',
    'With --out, stdout gets the checksum line “<sha256>  FILE”, which `sha256sum -c` checks;',
    'without it, the export goes to stdout and “sha256 <hex>” to stderr.',
    'JSON: { fileName, file, keys, sha256 } (with --out), or { fileName, keys, sha256, content }.',
  ],
  async run({ io, values, session }) {
    const format = oneOf(values.format as string | undefined, ['csv', 'json'] as const, '--format');
    const { api } = await session();
    const connectionId = await connectionIdOf(api, values.connection);
    const exported = await api.inventory.export({ format, connectionId });
    const out = values.out as string | undefined;
    if (out === undefined) {
      if (values.json) await printJson(io, { fileName: exported.fileName, keys: exported.keys, sha256: exported.sha256, content: exported.content });
      else {
        await write(io.stdout, exported.content);
        await line(io.stderr, `sha256 ${exported.sha256}`);
      }
      return EXIT.ok;
    }
    const file = resolve(io.cwd, out);
    writeWhole(file, exported.content);
    if (values.json) await printJson(io, { fileName: exported.fileName, file, keys: exported.keys, sha256: exported.sha256 });
    else {
      await line(io.stdout, `${exported.sha256}  ${out}`);
      if (io.stderr.isTTY) await line(io.stderr, `Exported ${count(exported.keys, 'key')} to ${file} (no secret in it).`);
    }
    return EXIT.ok;
  },
};
