import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/errors.ts';
import { createHttpClient } from '../../src-main/http/client.ts';
import { isLoopback, isPlainHttpRemote } from '../../src-main/http/plain-http.ts';

describe('plain http', () => {
  it('counts only this machine as loopback, however its address is spelled', () => {
    for (const url of ['http://localhost:8080', 'http://LOCALHOST./x', 'http://api.localhost', 'http://127.0.0.1', 'http://127.1', 'http://0x7f.1', 'http://2130706433', 'http://[::1]:3000', 'http://[0:0:0:0:0:0:0:1]', 'http://[::ffff:127.0.0.1]']) {
      expect(isLoopback(new URL(url)), url).toBe(true);
    }
    for (const url of ['http://10.0.0.1', 'http://192.168.1.10', 'http://localhost.example.com', 'http://127.0.0.1.nip.io', 'http://[::2]', 'http://rancher.internal', 'http://0.0.0.0']) {
      expect(isLoopback(new URL(url)), url).toBe(false);
    }
    expect(isPlainHttpRemote(new URL('https://rancher.example.com'))).toBe(false);
    expect(isPlainHttpRemote(new URL('http://rancher.example.com'))).toBe(true);
  });

  it('the HTTP module sends nothing over plain http to another machine unless the risk was accepted', async () => {
    // 192.0.2.0/24 is TEST-NET-1: nothing answers there, so only a refusal ends this quickly.
    const client = createHttpClient({ baseUrl: 'http://192.0.2.1:8080', backendName: 'Testend', headers: { authorization: 'Bearer plain-http-test-token' }, timeoutMs: 60_000 });
    try {
      const error = await client.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect([(error as AppError).kind, (error as AppError).message, (error as AppError).fields]).toEqual([
        'validation',
        '192.0.2.1:8080 is reached over plain http: the connection’s credential and every answer would cross the network unencrypted, readable and changeable by anyone on the way. Use https, or accept this risk for the connection.',
        { baseUrl: 'Plain http to another machine needs the risk accepted.' },
      ]);
    } finally {
      await client.close();
    }
  });
});
