// What the renderer may load, shared by the desktop app's app:// protocol and the web harness.
// The renderer never talks to the network: every backend call goes through the core.
//
// The policy travels as a response header on every file the app:// protocol serves (and the
// harness serves), never as a <meta http-equiv> in index.html, on purpose:
//   - the header already covers every document the packaged app can show, and meta-delivered
//     policies ignore frame-ancestors anyway;
//   - a meta is enforced together with the header (both must allow), so the harness, which
//     relaxes connect-src to reach its own origin, would be blocked by a meta's connect-src 'none';
//   - under `electron-vite dev` the page comes from Vite, whose React refresh preamble is an inline
//     script and whose HMR uses a WebSocket: a meta with this policy would break development, and
//     one loose enough for it would only add a second, weaker policy.
// test/security/hardening.test.ts asserts the header on served files and that index.html carries
// no CSP meta that could drift from this one.
import { readFile } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export function contentType(file: string): string {
  const dot = file.lastIndexOf('.');
  return TYPES[file.slice(dot).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The app:// protocol handler: files under `root` (the built renderer), each with the CSP header
 * and nosniff; anything outside `root` (../, encoded or not) or missing is a 404.
 */
export function createRendererHandler(root: string): (request: Request) => Promise<Response> {
  const base = resolve(root);
  const notFound = () => new Response('Not found', { status: 404, headers: { 'content-security-policy': CONTENT_SECURITY_POLICY } });
  return async (request) => {
    let file: string;
    try {
      const { pathname } = new URL(request.url);
      file = normalize(join(base, decodeURIComponent(pathname === '/' ? '/index.html' : pathname)));
    } catch {
      return notFound();
    }
    if (!file.startsWith(base + sep)) return notFound();
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': contentType(file),
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return notFound();
    }
  };
}
