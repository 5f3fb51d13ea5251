// Living with a connection, as a person does it in Chromium against the real renderer and core:
// a connection named after the account it reaches, renamed later; a credential that stopped
// working, reconnected from the 401 banner (another account's credential refused, the inventory
// kept); an address without a scheme completed with https:// in the field; an address that is not
// the backend's API said so; a host that does not answer, with elapsed time and a Cancel.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { connectionAccount, createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { expect, keyRow, shootSizes, test } from './fixtures.ts';

test('a connection is named after its account, renamed at will, and reconnected from the 401 banner without losing anything', async ({ app, sandbox, harness, typedSecrets }) => {
  const sidebar = app.getByRole('navigation', { name: 'Connections' });
  await app.getByRole('button', { name: 'Add connection' }).first().click();
  const add = app.getByRole('dialog', { name: 'Add a connection' });
  await expect(add.getByText('Left empty, it is the organization or account the backend reports.')).toBeVisible();
  await add.getByLabel('Server URL').fill(sandbox.url);
  await add.getByLabel('Access key').fill(sandbox.credentials.user.accessKey);
  await add.getByLabel('Secret key').fill(sandbox.credentials.user.secretKey);
  await add.getByRole('button', { name: 'Connect' }).click();
  await expect(add).toBeHidden();
  // Named after the account Rancher reported, not the server's host and port.
  await expect(sidebar.getByText('alice', { exact: true })).toBeVisible();
  await expect(sidebar.getByText(new URL(sandbox.url).host, { exact: true })).toHaveCount(0);
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();

  // Rename it at any time: no verification, nothing else changes.
  await app.getByRole('button', { name: 'Edit connection alice' }).click();
  const edit = app.getByRole('dialog', { name: 'Edit “alice”' });
  await shootSizes(app, 'connection-edit');
  await edit.getByLabel('Display name').fill('Acme Platform');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(app.getByRole('heading', { name: 'Acme Platform' })).toBeVisible();

  // A second key of alice's, to reconnect with later.
  await sidebar.getByRole('button', { name: /Account · alice/ }).click();
  await app.getByRole('button', { name: 'Create key' }).first().click();
  const form = app.getByRole('dialog', { name: 'Create a key' });
  await form.getByLabel('Name').fill('keyfleet-2');
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = app.getByRole('dialog', { name: 'Copy your new key now' });
  const accessKey = (await reveal.getByTestId('reveal-Access key').textContent())!;
  const secretKey = (await reveal.getByTestId('reveal-Secret key').textContent())!;
  typedSecrets.add(secretKey);
  await reveal.getByRole('button', { name: 'Copy Secret key' }).click();
  // The copy lands through the core; Done before it would ask about an uncopied secret.
  await expect(reveal.getByRole('button', { name: 'Copy Secret key, copied' })).toBeVisible();
  await reveal.getByRole('button', { name: 'Done' }).click();
  const laptop = await harness.core.api.keys.list({ query: 'laptop' });
  const history = await harness.core.api.keys.history({ connectionId: laptop.rows[0]!.connectionId, keyId: laptop.rows[0]!.id });

  // The connection's key is deactivated in Rancher itself: the next sync is refused (401).
  const auth = { authorization: `Basic ${Buffer.from(`${sandbox.credentials.user.accessKey}:${sandbox.credentials.user.secretKey}`).toString('base64')}` };
  const own = sandbox.keys(sandbox.ids.user).find((k) => k.publicValue === sandbox.credentials.user.accessKey)!;
  await fetch(`${sandbox.url}/v2-beta/apikeys/${String(own.id)}/?action=deactivate`, { method: 'POST', headers: auth });
  await expect.poll(() => sandbox.key(String(own.id))!.state).toBe('inactive');
  await app.getByRole('button', { name: 'Sync now' }).click();
  const failed = app.getByRole('alert').filter({ hasText: 'Sync of “Acme Platform” failed' });
  await expect(failed).toContainText('Rancher rejected the connection');
  await shootSizes(app, 'reconnect-banner');

  // Reconnect, straight from the banner.
  await failed.getByRole('button', { name: 'Reconnect' }).click();
  const reconnect = app.getByRole('dialog', { name: 'Reconnect “Acme Platform”' });
  await expect(reconnect).toContainText('Enter a new credential for alice. A new credential');
  // Another account's credential is refused, with both names; nothing is stored.
  await reconnect.getByLabel('Access key').fill(sandbox.credentials.admin.accessKey);
  await reconnect.getByLabel('Secret key').fill(sandbox.credentials.admin.secretKey);
  await reconnect.getByRole('button', { name: 'Verify and reconnect' }).click();
  await expect(reconnect.getByRole('alert').first()).toContainText('This credential belongs to “admin”, not to “alice”, which this connection manages.');
  await shootSizes(app, 'reconnect-refused');
  const connectionId = (await harness.core.api.connections.list())[0]!.id;
  const keychain = createKeytarSecretStore();
  expect(JSON.parse((await keychain.get(connectionAccount(connectionId)))!)).toMatchObject({ accessKey: sandbox.credentials.user.accessKey });

  await reconnect.getByLabel('Access key').fill(accessKey);
  await reconnect.getByLabel('Secret key').fill(secretKey);
  await reconnect.getByRole('button', { name: 'Verify and reconnect' }).click();
  await expect(reconnect).toBeHidden();
  await expect(failed).toBeHidden();
  await expect(sidebar.getByText(/Synced just now/)).toBeVisible();
  expect(JSON.parse((await keychain.get(connectionAccount(connectionId)))!)).toMatchObject({ accessKey });
  // Nothing cached was lost: the keys and their history are still there.
  await expect(keyRow(app, 'laptop')).toHaveCount(1);
  expect(await harness.core.api.keys.history({ connectionId, keyId: laptop.rows[0]!.id })).toEqual(history);
  await app.getByRole('button', { name: 'Action journal' }).click();
  await expect(app.getByRole('table')).toContainText('connection reconnect');
});

test('an address is completed with https://, checked for being the backend’s API, and a host that does not answer can be cancelled', async ({ app, harness, sandbox }) => {
  const sockets = new Set<Socket>();
  let requests = 0;
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => requests++);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentHost = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
  try {
    await app.getByRole('button', { name: 'Add connection' }).first().click();
    const add = app.getByRole('dialog', { name: 'Add a connection' });
    await add.getByLabel('Access key').fill(sandbox.credentials.user.accessKey);
    await add.getByLabel('Secret key').fill(sandbox.credentials.user.secretKey);

    // No scheme: https:// is added, and shown in the field.
    const url = add.getByLabel('Server URL');
    await url.fill('rancher.example.invalid');
    await url.blur();
    await expect(url).toHaveValue('https://rancher.example.invalid');
    await expect(add.getByText('https:// was added')).toBeVisible();

    // Another server (this harness): said to be no Rancher API, never an internal channel's name.
    await url.fill(harness.url);
    await add.getByRole('button', { name: 'Connect' }).click();
    const error = add.getByRole('alert').first();
    await expect(error).toHaveText('This address does not answer like a Rancher 1.x API — check the URL (it answered HTTP 404).');
    await expect(add).not.toContainText('connections.');
    await shootSizes(app, 'connection-wrong-address');

    // A host that does not answer: elapsed time, then a Cancel that aborts the request.
    await url.fill(`http://${silentHost}`);
    await add.getByRole('button', { name: 'Connect' }).click();
    const verifying = add.getByRole('status').filter({ hasText: `Verifying with ${silentHost}` });
    await expect(verifying).toContainText(/[1-9] s/);
    await expect(add.getByRole('button', { name: 'Verifying…' })).toBeDisabled();
    await shootSizes(app, 'connection-verifying');
    expect(requests).toBe(1);
    await verifying.getByRole('button', { name: 'Cancel verification' }).click();
    await expect(verifying).toBeHidden();
    await expect(add.getByRole('button', { name: 'Connect' })).toBeEnabled();
    await expect(add.getByRole('alert')).toHaveCount(0);
    await expect.poll(() => sockets.size).toBe(0);
    expect(await harness.core.api.connections.list()).toEqual([]);

    // Closing the dialog while it verifies stops the verification as well.
    await add.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => requests).toBe(2);
    await add.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(add).toBeHidden();
    await expect.poll(() => sockets.size).toBe(0);
    expect(await harness.core.api.connections.list()).toEqual([]);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});
