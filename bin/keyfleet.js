#!/usr/bin/env node
// keyfleet, the command line (src-main/cli). It runs on Node 24 or newer: the TypeScript sources
// run as they are there, and better-sqlite3's binary crashes on older Nodes. Started on an older
// Node, it starts itself again on the project's own Node (the `node` devDependency), as every
// `npm run` script does.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 24;

if (Number(process.versions.node.split('.')[0]) >= MIN_MAJOR) {
  await import('../src-main/cli/start.ts');
} else {
  const node = ['../node_modules/node/bin/node.exe', '../node_modules/node/bin/node', '../node_modules/.bin/node']
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((path) => existsSync(path));
  if (!node) {
    process.stderr.write(`keyfleet: needs Node ${MIN_MAJOR} or newer (this is ${process.version}); run “npm install” in the Keyfleet folder to get it.\n`);
    process.exit(3);
  }
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C and a closed terminal reach the whole foreground process group, the child included;
  // a SIGTERM sent to this process alone is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 3);
  });
}
