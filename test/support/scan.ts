// Looks for secrets where they must never be: every file under a directory (database, WAL, shm,
// logs…), read as bytes, searched as UTF-8 and UTF-16LE.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Hit {
  file: string;
  needle: string;
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

export function scanForSecrets(dir: string, needles: string[]): Hit[] {
  const hits: Hit[] = [];
  const files = filesUnder(dir);
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'))) {
        hits.push({ file, needle: `${needle.slice(0, 4)}…` });
      }
    }
  }
  return hits;
}
