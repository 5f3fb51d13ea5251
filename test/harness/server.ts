// The web harness: the real core under Node, reachable over HTTP (calls) and server-sent events
// (events) on 127.0.0.1 behind a random token, serving the built renderer with a bridge that runs
// the real built preload in a stand-in of Electron's sandboxed preload world (bridge.ts). Only the
// transport differs from the desktop app, and it carries nothing Electron's IPC would not: every
// answer and event is checked to arrive through JSON exactly as structured clone would deliver it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventNames } from '../../src-preload/contract.ts';
import { createCore, type Core, type CoreOptions } from '../../src-main/core.ts';
import { createMemoryClipboard, type ClipboardPort } from '../../src-main/services/clipboard.ts';
import type { FilePicker } from '../../src-main/services/files.ts';
import { CONTENT_SECURITY_POLICY, contentType } from '../../src-main/web-policy.ts';
import { readBody } from '../backends/faults.ts';
import { cloneDifference } from './wire.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = join(root, 'out/renderer');
export const BRIDGE_FILE = join(root, 'out/harness/bridge.js');
const MAX_BODY = 1024 * 1024;

// The harness page may call back to its own origin; nothing else changes from the app's policy.
const HARNESS_CSP = CONTENT_SECURITY_POLICY.replace("connect-src 'none'", "connect-src 'self'");

export interface Harness {
  url: string;
  /** The page to open: carries the token. */
  pageUrl: string;
  token: string;
  core: Core;
  clipboard: ClipboardPort & { concealed?: boolean };
  dataDir: string;
  /** Where the OS file dialogs of the desktop app would have led (see harnessFiles). */
  files: HarnessFiles;
  close(): Promise<void>;
}

/**
 * The harness's answer to the desktop app's save and open dialogs: saves go into `dir` under the
 * name the app suggests (or `nextSave`); an open takes `nextOpen`, else the newest file in `dir`
 * with a matching extension (so a person clicking through the web preview restores the backup
 * they just made). `cancelNext` answers the next dialog as a cancel.
 */
export interface HarnessFiles {
  dir: string;
  nextSave: string | null;
  nextOpen: string | null;
  cancelNext: boolean;
  saved: string[];
}

function harnessFiles(): { files: HarnessFiles; picker: FilePicker } {
  const files: HarnessFiles = { dir: mkdtempSync(join(tmpdir(), 'keyfleet-harness-files-')), nextSave: null, nextOpen: null, cancelNext: false, saved: [] };
  const cancelled = () => {
    const cancel = files.cancelNext;
    files.cancelNext = false;
    return cancel;
  };
  const picker: FilePicker = {
    chooseSave: ({ defaultName }) => {
      if (cancelled()) return Promise.resolve(null);
      const path = files.nextSave ?? join(files.dir, defaultName);
      files.nextSave = null;
      files.saved.push(path);
      return Promise.resolve(path);
    },
    chooseOpen: ({ filters }) => {
      if (cancelled()) return Promise.resolve(null);
      const chosen = files.nextOpen;
      files.nextOpen = null;
      if (chosen) return Promise.resolve(chosen);
      const extensions = filters.flatMap((f) => f.extensions);
      const newest = readdirSync(files.dir)
        .filter((name) => extensions.some((ext) => name.endsWith(`.${ext}`)))
        .map((name) => join(files.dir, name))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
      return Promise.resolve(newest ?? null);
    },
  };
  return { files, picker };
}

export interface HarnessOptions extends Partial<CoreOptions> {
  dataDir: string;
  port?: number;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const clipboard = options.clipboard ?? createMemoryClipboard();
  const { files, picker } = harnessFiles();
  const core = createCore({ version: 'harness', files: picker, ...options, clipboard });
  const token = randomBytes(24).toString('hex');
  const streams = new Set<ServerResponse>();
  let host = '';

  for (const event of eventNames) {
    core.events.on(event, (payload) => {
      const difference = cloneDifference(payload);
      if (difference) {
        console.error(`Harness: event ${event} would reach the page differently over JSON than over Electron's IPC: ${difference}`);
        return;
      }
      // The channel the desktop app's main process sends it on (webContents.send).
      const frame = `data: ${JSON.stringify({ channel: `event:${event}`, payload })}\n\n`;
      for (const stream of streams) stream.write(frame);
    });
  }

  const tokenMatches = (candidate: string | null | undefined) => {
    if (!candidate || candidate.length !== token.length) return false;
    return timingSafeEqual(Buffer.from(candidate), Buffer.from(token));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only this exact host: a page on another origin that rebinds a name to 127.0.0.1 gets nothing.
    if (req.headers.host !== host) return send(res, 421, 'text/plain', 'Misdirected request');
    const url = new URL(req.url ?? '/', `http://${host}`);

    if (url.pathname.startsWith('/__harness/invoke/') && req.method === 'POST') {
      if (!tokenMatches(req.headers.authorization?.replace(/^Bearer /, ''))) return send(res, 401, 'text/plain', 'Unauthorized');
      const channel = decodePath(url.pathname.slice('/__harness/invoke/'.length));
      if (channel === undefined) return sendJson(res, 400, { ok: false, error: { kind: 'validation', message: 'The channel name is not valid percent-encoding.' } });
      let input: unknown;
      try {
        const body = await readBody(req, MAX_BODY);
        input = body.length === 0 ? undefined : JSON.parse(body);
      } catch {
        return sendJson(res, 400, { ok: false, error: { kind: 'validation', message: 'The request body is not JSON or too large.' } });
      }
      return sendJson(res, 200, checkedForWire(`the answer to ${channel}`, await core.dispatch(channel, input)));
    }

    if (url.pathname === '/__harness/events' && req.method === 'GET') {
      if (!tokenMatches(url.searchParams.get('token'))) return send(res, 401, 'text/plain', 'Unauthorized');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }

    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'Method not allowed');

    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!tokenMatches(url.searchParams.get('token'))) return send(res, 401, 'text/plain', 'Open the URL the harness printed.');
      const html = await readFile(join(RENDERER_DIR, 'index.html'), 'utf8');
      const injected = html.replace(
        '<head>',
        `<head>\n    <meta name="keyfleet-harness-token" content="${token}" />\n    <script src="/__harness/bridge.js"></script>`,
      );
      return send(res, 200, 'text/html; charset=utf-8', injected);
    }
    if (url.pathname === '/__harness/bridge.js') {
      return send(res, 200, 'text/javascript; charset=utf-8', await readFile(BRIDGE_FILE));
    }
    const path = decodePath(url.pathname);
    if (path === undefined) return send(res, 400, 'text/plain', 'Bad request');
    const file = normalize(join(RENDERER_DIR, path));
    if (!file.startsWith(RENDERER_DIR + sep)) return send(res, 404, 'text/plain', 'Not found');
    try {
      return send(res, 200, contentType(file), await readFile(file));
    } catch {
      return send(res, 404, 'text/plain', 'Not found');
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'Harness error');
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  const url = `http://${host}`;

  return {
    url,
    pageUrl: `${url}/?token=${token}`,
    token,
    core,
    clipboard,
    dataDir: options.dataDir,
    files,
    async close() {
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
      rmSync(files.dir, { recursive: true, force: true });
    },
  };
}

/**
 * Electron's IPC structured-clones; the harness sends JSON. Where the two would differ (a Date, a
 * Map, NaN, a class instance's prototype) the harness would show the page something the desktop
 * app never shows, so it refuses instead: the test fails and names what differed.
 */
function checkedForWire<T>(what: string, value: T): T {
  const difference = cloneDifference(value);
  if (difference) throw new Error(`Harness: ${what} would reach the page differently over JSON than over Electron's IPC: ${difference}`);
  return value;
}

/** A percent-decoded path, or undefined when the encoding is broken (a 400, not a crash). */
function decodePath(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': HARNESS_CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}
