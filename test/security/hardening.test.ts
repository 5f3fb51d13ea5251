// Hardening of the desktop shell, asserted under plain Node: the policy module
// (src-main/window-policy.ts) gets fake Electron objects, the CSP is read and served, and ESLint
// is run on the boundary rule. The Electron binary is not needed; src-main/index.ts is only glue
// (checked here to actually use the policy).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames, type ChannelName } from '../../src-preload/contract.ts';
import { CONTENT_SECURITY_POLICY, createRendererHandler } from '../../src-main/web-policy.ts';
import {
  BLOCKED_NAVIGATION_EVENTS,
  EXTERNAL_OPEN_INTERVAL_MS,
  MAX_EXTERNAL_URL_LENGTH,
  WEB_PREFERENCES,
  bindChannels,
  createSenderCheck,
  createWindowOpenHandler,
  forbiddenResult,
  hardenContents,
  hardenSession,
  safeExternalUrl,
  windowWebPreferences,
  type ContentsLike,
  type IpcEventLike,
  type IpcLike,
  type SessionLike,
  type WindowOpenDetails,
} from '../../src-main/window-policy.ts';
import { tempDir } from '../support/temp.ts';
import { recordFigures, type Figure } from './figures.ts';
import { INSTALL_SCRIPT_ALLOWLIST, checkInstallScripts, installScriptPackages } from './static-checks.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const figures: Figure[] = [];

afterAll(() => recordFigures('hardening', figures));

// ---------------------------------------------------------------- webPreferences

describe('window webPreferences', () => {
  it('isolate and sandbox the renderer, with no Node and no relaxed web security', () => {
    expect(WEB_PREFERENCES).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableWebSQL: false,
      navigateOnDragDrop: false,
      plugins: false,
      spellcheck: false,
    });
    expect(Object.isFrozen(WEB_PREFERENCES)).toBe(true);
    const prefs: Record<string, unknown> = windowWebPreferences('/app/out/preload/index.cjs');
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    for (const risky of ['enableBlinkFeatures', 'additionalArguments', 'session', 'partition', 'offscreen']) {
      expect(prefs, risky).not.toHaveProperty(risky);
    }
    const { preload: _preload, ...rest } = prefs;
    expect(rest).toEqual(WEB_PREFERENCES);
  });

  it('are what the Electron glue actually uses, with every other policy wired in', () => {
    // The glue: src-main/index.ts and src-main/electron/ (test/glue/ runs it under a stand-in electron).
    const glue = ['src-main/index.ts', ...tsFilesUnder('src-main/electron')].map((file) => readFileSync(join(ROOT, file), 'utf8')).join('\n');
    // One window, built with the policy's preferences and no inline webPreferences object.
    expect(glue.match(/webPreferences\s*:/g)).toEqual(['webPreferences:']);
    expect(glue).toMatch(/webPreferences:\s*windowWebPreferences\(/);
    for (const wiring of [
      /app\.enableSandbox\(\)/,
      /hardenSession\(session\.defaultSession\)/,
      /app\.on\('web-contents-created',[^\n]*hardenContents\(contents, windowOpen\)/,
      /createWindowOpenHandler\(\(url\) => shell\.openExternal\(url\)\)/,
      /bindChannels\(ipcMain, [^\n]*isTrustedSender\)/,
      /createSenderCheck\(\{/,
      /protocol\.handle\('app', createRendererHandler\(/,
    ]) {
      expect(glue, String(wiring)).toMatch(wiring);
    }
    // No second route to the browser, no raw IPC outside bindChannels.
    expect(glue.match(/openExternal/g)).toHaveLength(1);
    expect(glue).not.toMatch(/ipcMain\.(handle|on|once)\(/);
  });
});

// ---------------------------------------------------------------- CSP

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(map.has(name), `duplicate directive ${name}`).toBe(false);
    map.set(name.toLowerCase(), values);
  }
  return map;
}

describe('content security policy', () => {
  it("denies by default, never allows inline or eval'd code, and lets the page reach no network", () => {
    const csp = directives(CONTENT_SECURITY_POLICY);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    // Nothing that would let a script in or the page out.
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|strict-dynamic|'nonce-|'sha\d+-/);
    for (const [name, values] of csp) {
      for (const value of values) {
        expect(`${name} ${value}`).not.toMatch(/ (\*|https?:|wss?:|blob:|filesystem:|app:)$/);
        if (value === 'data:') expect(name).toBe('img-src');
      }
    }
    // No directive that re-opens what default-src closes.
    for (const name of ['frame-src', 'child-src', 'worker-src', 'object-src', 'media-src', 'manifest-src']) {
      expect(csp.has(name), name).toBe(false);
    }
  });

  describe('served by the app:// protocol handler', () => {
    let dir: ReturnType<typeof tempDir>;
    let serve: (request: Request) => Promise<Response>;

    beforeAll(() => {
      dir = tempDir('keyfleet-csp-');
      const root = join(dir.path, 'renderer');
      mkdirSync(join(root, 'assets'), { recursive: true });
      writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
      writeFileSync(join(root, 'assets/app.js'), 'export {};');
      writeFileSync(join(root, 'assets/app.css'), 'body{}');
      writeFileSync(join(dir.path, 'secret.txt'), 'TOP-SECRET');
      serve = createRendererHandler(root);
    });
    afterAll(() => dir.cleanup());

    it('carries the policy and nosniff on every file', async () => {
      for (const [path, type] of [
        ['/', 'text/html'],
        ['/index.html', 'text/html'],
        ['/assets/app.js', 'text/javascript'],
        ['/assets/app.css', 'text/css'],
      ] as const) {
        const response = await serve(new Request(`app://keyfleet${path}`));
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-type'), path).toContain(type);
        expect(response.headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
        expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      }
    });

    it('serves nothing outside the renderer directory', async () => {
      for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/missing.js', '/%E0%A4%A']) {
        const response = await serve(new Request(`app://keyfleet${path}`));
        expect(response.status, path).toBe(404);
        expect(await response.text(), path).not.toContain('TOP-SECRET');
      }
    });
  });

  it('is not duplicated as a <meta> in index.html (by design: see src-main/web-policy.ts)', () => {
    const pages = [join(ROOT, 'src-renderer/index.html'), join(ROOT, 'out/renderer/index.html')].filter((file) => existsSync(file));
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      expect(html, page).not.toMatch(/http-equiv\s*=\s*["']?content-security-policy/i);
      // Whatever the build emits must work under script-src/style-src 'self': no inline code.
      for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) expect(tag, page).toMatch(/\ssrc=/);
      expect(html, page).not.toMatch(/<style\b|\sstyle\s*=|\son[a-z]+\s*=/i);
    }
  });

  it.skipIf(!existsSync(join(ROOT, 'out/renderer/index.html')))('covers the built renderer and every file it loads', async () => {
    const serve = createRendererHandler(join(ROOT, 'out/renderer'));
    const index = await serve(new Request('app://keyfleet/index.html'));
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await index.text();
    const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(1);
    for (const ref of refs) {
      // Same-origin relative references only: script-src/style-src 'self' must be enough.
      expect(ref, ref).toMatch(/^\.?\//);
      const response = await serve(new Request(new URL(ref, 'app://keyfleet/index.html').href));
      expect(response.status, ref).toBe(200);
      expect(response.headers.get('content-security-policy'), ref).toBe(CONTENT_SECURITY_POLICY);
    }
  });
});

// ---------------------------------------------------------------- permissions

/** Every permission name Electron's typings know, read from the installed electron.d.ts. */
function electronPermissionNames(): string[] {
  const dts = readFileSync(join(ROOT, 'node_modules/electron/electron.d.ts'), 'utf8');
  const match = /setPermissionRequestHandler\(handler: \(\(webContents: WebContents, permission: ([^,]+), callback/.exec(dts);
  expect(match, 'setPermissionRequestHandler signature in electron.d.ts').not.toBeNull();
  return [...match![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('session permissions', () => {
  it('refuses every permission request and check Electron knows of', () => {
    const names = electronPermissionNames();
    expect(names.length).toBeGreaterThan(20);
    for (const expected of ['media', 'notifications', 'openExternal', 'clipboard-read', 'geolocation', 'hid', 'usb', 'serial', 'unknown']) {
      expect(names).toContain(expected);
    }
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    } satisfies SessionLike;
    hardenSession(session);
    expect(session.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(session.setPermissionCheckHandler).toHaveBeenCalledTimes(1);
    expect(session.setDevicePermissionHandler).toHaveBeenCalledTimes(1);
    const request = session.setPermissionRequestHandler.mock.calls[0]![0] as SessionLike extends { setPermissionRequestHandler(h: infer H): void } ? H : never;
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;
    const device = session.setDevicePermissionHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;

    let denied = 0;
    for (const name of [...names, 'made-up-permission']) {
      const callback = vi.fn();
      request({}, name, callback);
      expect(callback, name).toHaveBeenCalledTimes(1);
      expect(callback, name).toHaveBeenCalledWith(false);
      for (const origin of ['app://keyfleet', 'http://localhost:5173', 'https://evil.example', '']) {
        expect(check({}, name, origin, { requestingUrl: `${origin}/`, isMainFrame: true }), `${name} from ${origin}`).toBe(false);
      }
      denied++;
    }
    for (const deviceType of ['hid', 'serial', 'usb']) {
      expect(device({ deviceType, origin: 'app://keyfleet', device: {} })).toBe(false);
    }
    figures.push({ figure: 'permission names denied (request + check)', value: denied, target: `${names.length + 1} of ${names.length + 1}`, ok: denied === names.length + 1 });
  });
});

// ---------------------------------------------------------------- navigation and windows

function fakeContents() {
  const listeners = new Map<string, Array<(event: { preventDefault(): void }) => void>>();
  let windowOpen: ((details: WindowOpenDetails) => { action: 'deny' }) | undefined;
  const contents: ContentsLike = {
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(handler) {
      windowOpen = handler;
    },
  };
  const emit = (name: string) => {
    const event = { preventDefault: vi.fn() };
    for (const listener of listeners.get(name) ?? []) listener(event);
    return event.preventDefault.mock.calls.length;
  };
  return { contents, emit, windowOpen: () => windowOpen };
}

describe('navigation', () => {
  it('prevents navigation of any frame, redirects and webview attachment', () => {
    const fake = fakeContents();
    const handler = createWindowOpenHandler(() => undefined);
    hardenContents(fake.contents, handler);
    expect([...BLOCKED_NAVIGATION_EVENTS].sort()).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect']);
    for (const name of BLOCKED_NAVIGATION_EVENTS) expect(fake.emit(name), name).toBe(1);
    expect(fake.windowOpen()).toBe(handler);
    // The fake itself tells prevented from not: an event nobody handles is not prevented.
    expect(fake.emit('did-finish-load')).toBe(0);
  });
});

describe('window.open and external links', () => {
  const link = (url: string, extra: Partial<WindowOpenDetails> = {}): WindowOpenDetails => ({
    url,
    frameName: '',
    features: '',
    disposition: 'foreground-tab',
    ...extra,
  });

  const refused = [
    'http://example.com/',
    'file:///etc/passwd',
    'file://server/share/x.exe',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'blob:app://keyfleet/0b4f',
    'about:blank',
    'app://keyfleet/index.html',
    'mailto:a@example.com',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://file/etc/passwd',
    'smb://server/share',
    'chrome://settings',
    'https://user:pass@example.com/',
    'https://user@example.com/',
    'https://:pass@example.com/',
    ' https://example.com/',
    'https://example.com/\n',
    'https://exa\tmple.com/',
    'https://example.com/\u0000',
    'https://example.com/\u0085',
    'https:\\\\evil.example\\',
    'https:/\\evil.example/',
    'https:evil.example',
    'https://',
    'https:///path',
    'https:////evil.example/',
    'https://@evil.example/',
    `https://example.com/${'a'.repeat(MAX_EXTERNAL_URL_LENGTH)}`,
    '',
  ];
  const allowed: Array<[string, string]> = [
    ['https://example.com', 'https://example.com/'],
    ['https://docs.example.com/a/b?q=1#frag', 'https://docs.example.com/a/b?q=1#frag'],
    ['HTTPS://EXAMPLE.COM/Path', 'https://example.com/Path'],
    ['https://bücher.example/', 'https://xn--bcher-kva.example/'],
    ['https://example.com/a%20b', 'https://example.com/a%20b'],
  ];

  it('is always denied, and only https links a user clicked open in the browser', () => {
    let cases = 0;
    let wrongOpens = 0;
    for (const url of refused) {
      for (const disposition of ['foreground-tab', 'background-tab', 'new-window', 'default', 'other'] as const) {
        const openExternal = vi.fn();
        // A fresh handler and a clock far apart each time, so the rate limit plays no part here.
        expect(createWindowOpenHandler(openExternal)(link(url, { disposition }))).toEqual({ action: 'deny' });
        if (openExternal.mock.calls.length > 0) wrongOpens++;
        expect(openExternal, `${JSON.stringify(url)} ${disposition}`).not.toHaveBeenCalled();
        cases++;
      }
    }
    for (const [url, opened] of allowed) {
      for (const disposition of ['foreground-tab', 'background-tab'] as const) {
        const openExternal = vi.fn();
        expect(createWindowOpenHandler(openExternal)(link(url, { disposition }))).toEqual({ action: 'deny' });
        expect(openExternal, url).toHaveBeenCalledTimes(1);
        expect(openExternal).toHaveBeenCalledWith(opened);
        cases++;
      }
      // Not the shape of a click: a popup with features, a shift-click window, a form POST.
      for (const extra of [
        { features: 'width=400,height=300' },
        { disposition: 'new-window' as const },
        { disposition: 'other' as const },
        { disposition: 'default' as const },
        { postBody: { data: [], contentType: 'application/x-www-form-urlencoded' } },
      ]) {
        const openExternal = vi.fn();
        expect(createWindowOpenHandler(openExternal)(link(url, extra))).toEqual({ action: 'deny' });
        if (openExternal.mock.calls.length > 0) wrongOpens++;
        expect(openExternal, `${url} ${JSON.stringify(extra)}`).not.toHaveBeenCalled();
        cases++;
      }
    }
    figures.push({ figure: 'window-open cases (all denied)', value: cases, target: 'all denied', ok: true });
    figures.push({ figure: 'external opens that should not have happened', value: wrongOpens, target: '0', ok: wrongOpens === 0 });
  });

  it('opens at most one link per interval, and survives a browser that fails to start', async () => {
    let now = 10_000;
    const openExternal = vi.fn(() => Promise.reject(new Error('no browser')));
    const handler = createWindowOpenHandler(openExternal, () => now);
    handler(link('https://example.com/1'));
    now += EXTERNAL_OPEN_INTERVAL_MS - 1;
    handler(link('https://example.com/2'));
    expect(openExternal).toHaveBeenCalledTimes(1);
    now += 1;
    handler(link('https://example.com/3'));
    expect(openExternal.mock.calls.map((c: unknown[]) => c[0])).toEqual(['https://example.com/1', 'https://example.com/3']);
    const throwing = createWindowOpenHandler(() => {
      throw new Error('spawn failed');
    });
    expect(throwing(link('https://example.com/'))).toEqual({ action: 'deny' });
    await new Promise((resolve) => setTimeout(resolve, 0)); // no unhandled rejection from the refused promise
  });

  it('safeExternalUrl returns the normalised href it checked', () => {
    expect(safeExternalUrl('https://Example.com:443/x/../y')).toBe('https://example.com/y');
    expect(safeExternalUrl(42)).toBeUndefined();
    expect(safeExternalUrl(undefined)).toBeUndefined();
  });
});

// ---------------------------------------------------------------- IPC sender check

describe('IPC sender check on every channel', () => {
  const mainContents = { id: 1, name: 'main window' };
  const otherContents = { id: 2, name: 'some other window' };
  const top = (url: string) => ({ url, parent: null });
  const check = createSenderCheck({ appOrigin: 'app://keyfleet', devServerUrl: 'http://localhost:5173', trustedContents: () => mainContents });
  const packaged = createSenderCheck({ appOrigin: 'app://keyfleet', devServerUrl: undefined, trustedContents: () => mainContents });
  const beforeWindow = createSenderCheck({ appOrigin: 'app://keyfleet', trustedContents: () => undefined });

  const forged: Array<[string, IpcEventLike, (event: IpcEventLike) => boolean]> = [
    ['wrong frame URL', { sender: mainContents, senderFrame: top('https://evil.example/index.html') }, check],
    ['other webContents', { sender: otherContents, senderFrame: top('app://keyfleet/index.html') }, check],
    ['look-alike webContents', { sender: { ...mainContents }, senderFrame: top('app://keyfleet/index.html') }, check],
    ['missing senderFrame', { sender: mainContents }, check],
    ['null senderFrame', { sender: mainContents, senderFrame: null }, check],
    ['file:// page', { sender: mainContents, senderFrame: top('file:///opt/keyfleet/out/renderer/index.html') }, check],
    ['devserver spoof (suffix host)', { sender: mainContents, senderFrame: top('http://localhost:5173.evil.example/') }, check],
    ['devserver spoof (longer port)', { sender: mainContents, senderFrame: top('http://localhost:51730/') }, check],
    ['devserver spoof (other scheme)', { sender: mainContents, senderFrame: top('https://localhost:5173/') }, check],
    ['devserver spoof (other host)', { sender: mainContents, senderFrame: top('http://127.0.0.1:5173/') }, check],
    ['devserver spoof (credentials)', { sender: mainContents, senderFrame: top('http://localhost:5173@evil.example/') }, check],
    ['dev server when packaged', { sender: mainContents, senderFrame: top('http://localhost:5173/') }, packaged],
    ['app origin look-alike', { sender: mainContents, senderFrame: top('app://keyfleet.evil/index.html') }, check],
    ['app origin prefix', { sender: mainContents, senderFrame: top('app://keyfleetx/index.html') }, check],
    ['app origin with user info', { sender: mainContents, senderFrame: top('app://evil@keyfleet/index.html') }, check],
    ['blob: of our origin', { sender: mainContents, senderFrame: top('blob:app://keyfleet/8d1c') }, check],
    ['about:blank', { sender: mainContents, senderFrame: top('about:blank') }, check],
    ['data: page', { sender: mainContents, senderFrame: top('data:text/html,hi') }, check],
    ['empty frame URL', { sender: mainContents, senderFrame: top('') }, check],
    ['subframe of our page', { sender: mainContents, senderFrame: { url: 'app://keyfleet/index.html', parent: top('app://keyfleet/index.html') } }, check],
    [
      'destroyed frame',
      {
        sender: mainContents,
        senderFrame: {
          get url(): string {
            throw new Error('Render frame was disposed before WebFrameMain could be accessed');
          },
          parent: null,
        },
      },
      check,
    ],
    ['before the window exists', { sender: undefined, senderFrame: top('app://keyfleet/index.html') }, beforeWindow],
  ];

  function bind(isTrusted: (event: IpcEventLike) => boolean) {
    const handlers = new Map<string, (event: IpcEventLike, input: unknown) => unknown>();
    const ipc: IpcLike = {
      handle(channel, listener) {
        expect(handlers.has(channel), `${channel} bound twice`).toBe(false);
        handlers.set(channel, listener);
      },
    };
    const dispatch = vi.fn((channel: ChannelName, _input: unknown) => Promise.resolve({ ok: true as const, value: channel }));
    bindChannels(ipc, dispatch, isTrusted);
    return { handlers, dispatch };
  }

  it('binds every contract channel exactly once', () => {
    const { handlers } = bind(check);
    expect([...handlers.keys()].sort()).toEqual([...channelNames].sort());
    expect(channelNames.length).toBeGreaterThan(40);
  });

  it('refuses every forged sender on every channel before the dispatcher', async () => {
    let attempts = 0;
    let refusals = 0;
    let reached = 0;
    for (const [label, event, isTrusted] of forged) {
      expect(isTrusted(event), label).toBe(false);
      const { handlers, dispatch } = bind(isTrusted);
      for (const channel of channelNames) {
        attempts++;
        const result = await handlers.get(channel)!(event, { connectionId: 'c1', keyId: 'k1' });
        if (JSON.stringify(result) === JSON.stringify(forbiddenResult())) refusals++;
        expect(result, `${label} → ${channel}`).toEqual({ ok: false, error: { kind: 'forbidden', message: 'Request from an unknown sender was refused.' } });
      }
      reached += dispatch.mock.calls.length;
      expect(dispatch, label).not.toHaveBeenCalled();
    }
    expect(attempts).toBe(forged.length * channelNames.length);
    figures.push({ figure: 'forged-sender calls refused', value: `${refusals}/${attempts}`, target: 'all', ok: refusals === attempts });
    figures.push({ figure: 'forged-sender calls reaching the dispatcher', value: reached, target: '0', ok: reached === 0 });
  });

  it('lets our own page through to the dispatcher with its channel and input', async () => {
    const trusted: Array<[string, IpcEventLike, (event: IpcEventLike) => boolean]> = [
      ['packaged page', { sender: mainContents, senderFrame: top('app://keyfleet/index.html') }, packaged],
      ['app root', { sender: mainContents, senderFrame: top('app://keyfleet/') }, check],
      ['dev server', { sender: mainContents, senderFrame: top('http://localhost:5173/') }, check],
      ['dev server page', { sender: mainContents, senderFrame: top('http://localhost:5173/index.html?x=1') }, check],
    ];
    for (const [label, event, isTrusted] of trusted) {
      expect(isTrusted(event), label).toBe(true);
      const { handlers, dispatch } = bind(isTrusted);
      for (const channel of channelNames) {
        const input = { probe: channel };
        expect(await handlers.get(channel)!(event, input), `${label} → ${channel}`).toEqual({ ok: true, value: channel });
        expect(dispatch).toHaveBeenLastCalledWith(channel, input);
      }
      expect(dispatch).toHaveBeenCalledTimes(channelNames.length);
    }
  });

  it('rejects an app origin that is not an origin', () => {
    expect(() => createSenderCheck({ appOrigin: 'app://keyfleet/sub', trustedContents: () => mainContents })).toThrow();
    expect(() => createSenderCheck({ appOrigin: 'not a url', trustedContents: () => mainContents })).toThrow();
  });
});

// ---------------------------------------------------------------- the 'electron' boundary

function tsFilesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

describe("ESLint keeps 'electron' out of the core", () => {
  // The project's own config, without the type-aware rules: the boundary rules are syntactic, and
  // linting text that is not on disk through a type-checked program is slow and depends on it.
  const eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked });
  const ELECTRON_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

  async function electronErrors(filePath: string, text: string): Promise<string[]> {
    const [result] = await eslint.lintText(text, { filePath: join(ROOT, filePath), warnIgnored: true });
    // Every message in the failure text: an ignored file or a parse error must say so.
    const all = JSON.stringify(result!.messages.map((m) => `${m.ruleId ?? '-'} ${m.severity}: ${m.message}`));
    expect(result!.messages.filter((m) => m.fatal || m.ruleId === null), `${filePath}: ${all}`).toEqual([]);
    return result!.messages.filter((m) => m.severity === 2 && ELECTRON_RULES.has(m.ruleId ?? '')).map((m) => m.message);
  }

  it('reports every way of importing electron from a core file', { timeout: 60_000 }, async () => {
    const variants = [
      "import { app } from 'electron';\nexport const x = app;\n",
      "import type { App } from 'electron';\nexport type X = App;\n",
      "import { app } from 'electron/main';\nexport const x = app;\n",
      "export const x = import('electron');\n",
      "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const x: unknown = require('electron');\n",
    ];
    for (const file of ['src-main/services/clipboard.ts', 'src-main/window-policy.ts', 'src-main/core.ts']) {
      for (const text of variants) {
        const errors = await electronErrors(file, text);
        expect(errors, `${file}: ${text}`).toHaveLength(1);
        expect(errors[0]).toContain('Only the Electron glue');
      }
    }
    // The rule is about electron, not about names that start with it.
    expect(await electronErrors('src-main/services/clipboard.ts', "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const x: unknown = require('electron-store');\n")).toEqual([]);
    // …and the glue may.
    expect(await electronErrors('src-main/index.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([]);
  });

  it('allows it in src-main/index.ts and src-main/electron/ alone', { timeout: 60_000 }, async () => {
    const files = tsFilesUnder('src-main');
    expect(files).toContain('src-main/window-policy.ts');
    const allowed: string[] = [];
    for (const file of files) {
      const config = (await eslint.calculateConfigForFile(join(ROOT, file))) as { rules: Record<string, unknown> };
      const severity = (rule: string) => {
        const value = config.rules[rule];
        const level = Array.isArray(value) ? value[0] : value;
        return level === 'error' || level === 2 ? 2 : level === 'warn' || level === 1 ? 1 : 0;
      };
      if (severity('no-restricted-imports') !== 2 || severity('no-restricted-syntax') !== 2) allowed.push(file);
    }
    const glue = (file: string) => file === 'src-main/index.ts' || file.startsWith('src-main/electron/');
    expect(allowed.filter((file) => !glue(file))).toEqual([]);
    expect(allowed).toContain('src-main/index.ts');
    // And in the tree as it is, only those files mention the module at all.
    const importing = files.filter((file) => /from\s+['"]electron(\/[a-z]+)?['"]|(?:import|require)\(\s*['"]electron(\/[a-z]+)?['"]/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(importing.filter((file) => !glue(file))).toEqual([]);
  });
});

// ---------------------------------------------------------------- install scripts (offline static check)

describe('install scripts', () => {
  it('run only for allowlisted packages in this tree', () => {
    const { packages, outside } = checkInstallScripts(ROOT);
    expect(outside.map((p) => `${p.name}@${p.version} (${p.path})`)).toEqual([]);
    // The keychain binding is native: if the check stopped seeing it, it would see nothing.
    expect(packages.map((p) => p.name)).toContain('@github/keytar');
  });

  it('flags an unknown package from the lock file or from its installed package.json', () => {
    const dir = tempDir('keyfleet-install-scripts-');
    try {
      const pkg = (path: string, json: object, gyp = false) => {
        mkdirSync(join(dir.path, path), { recursive: true });
        writeFileSync(join(dir.path, path, 'package.json'), JSON.stringify(json));
        if (gyp) writeFileSync(join(dir.path, path, 'binding.gyp'), '{}');
      };
      pkg('node_modules/quiet', { name: 'quiet', scripts: { test: 'x' } });
      pkg('node_modules/sneaky', { name: 'sneaky', scripts: { postinstall: 'curl … | sh' } });
      pkg('node_modules/gyp-only', { name: 'gyp-only' }, true);
      pkg('node_modules/gyp-off', { name: 'gyp-off', gypfile: false }, true);
      pkg('node_modules/@github/keytar', { name: '@github/keytar', scripts: { install: 'node script/install.js' } });
      const lock = {
        packages: {
          '': { name: 'app' },
          'node_modules/quiet': { version: '1.0.0' },
          'node_modules/sneaky': { version: '1.0.0' },
          'node_modules/gyp-only': { version: '1.0.0' },
          'node_modules/gyp-off': { version: '1.0.0' },
          'node_modules/declared': { version: '2.0.0', hasInstallScript: true, dev: true },
          'node_modules/a/node_modules/@github/keytar': { version: '7.0.0', hasInstallScript: true },
          'node_modules/@github/keytar': { version: '7.10.6', hasInstallScript: true },
        },
      };
      const found = installScriptPackages(lock, dir.path, INSTALL_SCRIPT_ALLOWLIST);
      expect(found.map((p) => [p.name, p.source, p.allowed])).toEqual([
        ['@github/keytar', 'both', true],
        ['@github/keytar', 'lock', true],
        ['declared', 'lock', false],
        ['gyp-only', 'installed', false],
        ['sneaky', 'installed', false],
      ]);
    } finally {
      dir.cleanup();
    }
  });
});
