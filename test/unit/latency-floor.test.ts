// The bench's latency floor: only the waits a request really has (it needs something an earlier
// answer carries), rounds of at most four requests per host, longest chains first, and one more
// round trip for the first TCP connection. Paths are the ones the sandboxes serve a sync.
import { describe, expect, it } from 'vitest';
import { latencyFloor } from '../../bench/chains.ts';

const rounds = (gets: string[]) => latencyFloor([{ origin: 'http://h', gets }]).perHost[0]!.rounds;

describe('latency floor', () => {
  it('puts every Rancher read after the environments list, and each marker page after the one before', () => {
    const account = (marker?: string) => `/v2-beta/apikeys?accountId=1a3&limit=1000${marker ? `&marker=${marker}` : ''}`;
    const gets = ['/v2-beta/projects?limit=1000', '/v2-beta/accounts/1a3', '/v2-beta/projects/1a5/schemas/apiKey', account(), account('m1'), account('m2')];
    // projects | accounts, schema, page 1 | page 2 | page 3
    expect(rounds(gets)).toBe(4);
    // The environments list's own pages follow each other too.
    expect(rounds(['/v2-beta/projects?limit=1000', '/v2-beta/projects?limit=1000&marker=m8', '/v2-beta/projects?limit=1000&marker=m9'])).toBe(3);
  });

  it('schedules at most four requests a round on one host', () => {
    const lists = Array.from({ length: 6 }, (_, i) => `/v2-beta/projects/1a${i + 5}/apikeys?accountId=1a${i + 5}&limit=1000`);
    expect(rounds(['/v2-beta/projects?limit=1000', ...lists])).toBe(3);
  });

  it('lets deepset pages after the first wait only for the first, and workspace lists for the workspaces', () => {
    const pages = Array.from({ length: 9 }, (_, i) => `/api/v1/token?limit=100&page_number=${i + 1}`);
    const gets = ['/api/v1/workspaces', '/api/v1/organization/o1/roles?limit=100&page_number=1', ...pages, '/api/v1/workspaces/prod/token?limit=100&page_number=1'];
    // workspaces, roles, page 1 | 8 pages and one workspace list, four at a time
    expect(rounds(gets)).toBe(4);
  });

  it('puts deepset roles after the identity when the sync had to ask for it', () => {
    const roles = '/api/v1/organization/o1/roles?limit=100&page_number=1';
    expect(rounds([roles])).toBe(1);
    expect(rounds(['/api/v1/me', roles])).toBe(2);
    expect(rounds(['/api/v1/organization', roles])).toBe(2);
  });

  it('takes the slowest host, plus one round trip for the first connection', () => {
    const floor = latencyFloor([
      { origin: 'http://a', gets: ['/api/me', '/api/admin/api-key', '/api/user/pats'] },
      { origin: 'http://b', gets: ['/v2-beta/projects?limit=1000', '/v2-beta/apikeys?accountId=1a3&limit=1000'] },
    ]);
    expect(floor.perHost.map((h) => h.rounds)).toEqual([1, 2]);
    expect(floor.rtts).toBe(3);
  });
});
