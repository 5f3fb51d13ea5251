// A sandbox for the enclosing describe: started before its tests, closed after them together with
// whatever was opened against it.
import { afterAll, beforeAll } from 'vitest';

interface Closable {
  close(): Promise<void>;
}

/** `started` gets the sandbox once it listens; push what must be closed with it onto `opened`. */
export function sandboxHooks<S extends Closable>(start: () => Promise<S>, started: (sandbox: S) => void, opened: Closable[]): () => S {
  let sandbox: S | undefined;
  beforeAll(async () => {
    sandbox = await start();
    started(sandbox);
  });
  afterAll(async () => {
    await Promise.all(opened.map((p) => p.close()));
    await sandbox?.close();
  });
  return () => sandbox!;
}
