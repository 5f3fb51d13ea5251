// A call to a Rancher sandbox's API as one of its users (the user by default), as a script or
// another client of the same Rancher would make it: changes "behind Keyfleet's back".
import { expect } from 'vitest';
import type { RancherSandbox, SandboxCredential } from './server.ts';

export async function rancherCall<T = unknown>(sandbox: RancherSandbox, path: string, method = 'GET', body?: unknown, as: SandboxCredential = sandbox.credentials.user): Promise<T> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${as.accessKey}:${as.secretKey}`).toString('base64')}`, accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as T;
}
