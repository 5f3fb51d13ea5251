// .env files and the vault: importing chosen variables of a file (read by dotenv's parser, see
// services/env-file.ts) as entries, and exporting chosen entries to a .env file a project can
// load, created readable by its owner only.
import { basename } from 'node:path';
import { AppError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { stamp } from '../exports.ts';
import { EnvSyntaxError, envName, readEnv, writeEnv, type EnvVariable } from '../env-file.ts';
import { writePrivateFile, type FilePicker } from '../files.ts';
import type { VaultEntries } from './entries.ts';

export interface EnvPreview {
  variables: Array<{ name: string; line: number; empty: boolean }>;
}

function read(text: string): EnvVariable[] {
  try {
    return readEnv(text);
  } catch (error) {
    if (!(error instanceof EnvSyntaxError)) throw error;
    // The reason names a variable at most, never a value.
    throw new AppError('validation', `This .env file cannot be read: line ${error.line}: ${error.reason}. Nothing was imported.`, {
      fields: { text: `Line ${error.line}: ${error.reason}.` },
    });
  }
}

export function createVaultEnv(deps: { store: Store; entries: VaultEntries; files: FilePicker; now: () => number; requireKey: () => void }) {
  const { entries } = deps;
  return {
    /** The variables a file holds (names and lines; no value leaves the core). */
    preview: (text: string): EnvPreview => {
      deps.requireKey();
      return { variables: read(text).map((v) => ({ name: v.name, line: v.line, empty: v.value === '' })) };
    },

    /** The chosen variables as entries, one secret field each, all or none. */
    import: async (input: { text: string; service: string; tags?: string[]; names: string[] }): Promise<{ imported: number }> => {
      deps.requireKey();
      const variables = new Map(read(input.text).map((v) => [v.name, v]));
      const chosen = input.names.map((name) => {
        const variable = variables.get(name);
        if (!variable) throw new AppError('validation', `${name} is not a variable of this file.`);
        if (variable.value === '') throw new AppError('validation', `${name} is empty: there is nothing to keep.`);
        return variable;
      });
      const added = await entries.createAll(
        chosen.map((v) => ({ name: v.name, service: input.service, tags: input.tags, fields: [{ label: v.name, value: v.value, secret: true }] })),
        'vault.add',
      );
      return { imported: added.length };
    },

    /** Chosen entries to a .env file: one variable per field, named after the entry (and field). */
    export: async (ids: string[]): Promise<{ path: string; fileName: string; variables: string[] } | { cancelled: true }> => {
      deps.requireKey();
      const nameOf = (entry: string, label: string, fieldCount: number) => (fieldCount === 1 ? envName(entry) : envName(entry, label));
      const seen = new Map<string, string>();
      for (const id of ids) {
        const record = deps.store.vault.get(id);
        if (!record) throw new AppError('not-found', 'A vault entry to export no longer exists.');
        for (const field of record.fields) {
          const name = nameOf(record.name, field.label, record.fields.length);
          const other = seen.get(name);
          if (other !== undefined) throw new AppError('validation', `“${other}” and “${record.name}” would both be written as ${name}: rename one first.`);
          seen.set(name, record.name);
        }
      }
      const path = await deps.files.chooseSave({ title: 'Export to a .env file', defaultName: `keyfleet-${stamp(deps.now())}.env`, filters: [{ name: '.env file', extensions: ['env'] }] });
      if (!path) return { cancelled: true };
      const variables = (await entries.readAll(ids)).flatMap(({ record, fields }) =>
        fields.map((field) => ({ name: nameOf(record.name, field.label, fields.length), value: field.value })),
      );
      let content: string;
      try {
        content = writeEnv(variables, [`Exported from Keyfleet ${new Date(deps.now()).toISOString()}: ${variables.length} variables.`, 'Secrets: keep this file out of version control.']);
      } catch (error) {
        if (error instanceof EnvSyntaxError) throw new AppError('validation', `Cannot write a .env file: ${error.reason}. Nothing was written.`);
        throw error;
      }
      writePrivateFile(path, content);
      deps.store.journal.audit({ at: deps.now(), actor: 'user', action: 'vault.export-env', connectionId: null, keyId: null, result: 'ok', detail: `${variables.length} variables` });
      return { path, fileName: basename(path), variables: variables.map((v) => v.name) };
    },
  };
}
