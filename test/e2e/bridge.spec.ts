// What crosses the context bridge, seen from the page. The harness runs the real built preload
// behind a contextBridge that passes values as Electron does (test/electron-stand-in/), so these
// hold in the desktop app too: window.keyfleet is frozen plain data and functions, every call
// resolves to a Result and never throws, and what a failed call carries (field messages, choices)
// reaches the form that needs it.
import { expect, shoot, test } from './fixtures.ts';

test('window.keyfleet hands the page only Results: frozen, no Node, no ipcRenderer, failures as data', async ({ app }) => {
  const seen = await app.evaluate(async () => {
    const bridge = (globalThis as unknown as { keyfleet: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> }).keyfleet;
    const invalid = await bridge.connections!.add!({ kind: 'rancher', name: 'x', baseUrl: 'ftp://x', credential: { type: 'key-pair', accessKey: 'a', secretKey: 'b' } });
    const status = await bridge.app!.status!();
    return {
      frozen: Object.isFrozen(bridge) && Object.isFrozen(bridge.connections),
      writable: Object.getOwnPropertyDescriptor(globalThis, 'keyfleet')?.writable,
      namespaces: Object.keys(bridge).sort(),
      node: typeof (globalThis as { require?: unknown }).require,
      invalid,
      status: (status as { ok: boolean }).ok,
    };
  });
  expect(seen.frozen).toBe(true);
  expect(seen.writable).toBe(false);
  expect(seen.namespaces).toContain('connections');
  expect(seen.namespaces).toContain('on');
  expect(seen.node).toBe('undefined');
  expect(seen.status).toBe(true);
  expect(seen.invalid).toMatchObject({ ok: false, error: { kind: 'validation', fields: { baseUrl: 'must be an http:// or https:// address without credentials in it' } } });
});

test('a field the core refuses shows its message under that field of the connection form', async ({ app }) => {
  await app.getByRole('button', { name: 'Add connection' }).first().click();
  const dialog = app.getByRole('dialog', { name: 'Add a connection' });
  await dialog.getByLabel('Server URL').fill('ftp://rancher.example.com');
  await dialog.getByLabel('Access key').fill('access');
  await dialog.getByLabel('Secret key').fill('secret');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  const url = dialog.getByLabel('Server URL');
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('must be an http:// or https:// address without credentials in it', { exact: true })).toBeVisible();
  await shoot(app, 'connection-field-error');
});
