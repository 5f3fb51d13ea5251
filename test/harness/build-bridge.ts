// Bundles the harness bridge (createApi + contract + an HTTP transport) for the browser.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../../', import.meta.url));

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: 'out/harness',
    emptyOutDir: true,
    minify: false,
    lib: { entry: 'test/harness/bridge.ts', formats: ['iife'], name: 'keyfleetBridge', fileName: () => 'bridge.js' },
  },
});
