// The latency floor of a sync: the requests it needed (the GETs the sandboxes served), each
// placed after the requests it must wait for, then scheduled in rounds of at most
// REQUESTS_PER_HOST per host (longest remaining chain first); hosts proceed independently. One
// round costs one RTT, and the first TCP connection to a host one more.
//
// What must wait for what, by what a request needs to be written at all:
// - Rancher: the environments list gives the caller's account id (X-API-User-Id); every key list,
//   permission check and the account lookup need it. A page behind a marker (of any list, the
//   environments' too) needs the page before it, whose next link it is.
// - deepset: the roles list needs the organization's id, from the signed-in user or the
//   organization (when the sync asked for them: a known identity is not asked again); a
//   workspace's key list needs the workspace names (GET /workspaces); the organization's first page
//   needs nothing; page n > 1 of a list needs only its first page (which tells the total).
// - Onyx, and anything else: nothing.
export const FLOOR_REQUESTS_PER_HOST = 4;

interface Request {
  path: string;
  after: number[];
}

function dependencies(gets: string[]): Request[] {
  const requests: Request[] = [];
  const indexOf = (test: (path: string) => boolean) => gets.findIndex(test);
  const lastPageOf = new Map<string, number>();
  gets.forEach((path, i) => {
    const url = new URL(path, 'http://x');
    const after: number[] = [];
    if (/^\/v2-beta\//.test(url.pathname)) {
      const projects = indexOf((p) => /^\/v2-beta\/projects(\?|$)/.test(p));
      if (projects >= 0 && projects !== i && url.pathname !== '/v2-beta/projects') after.push(projects);
      if (url.searchParams.has('marker')) {
        const list = `${url.pathname}?accountId=${url.searchParams.get('accountId')}`;
        const previous = lastPageOf.get(list);
        if (previous !== undefined) after.push(previous);
      }
      lastPageOf.set(`${url.pathname}?accountId=${url.searchParams.get('accountId')}`, i);
    } else if (/^\/api\/v1\//.test(url.pathname)) {
      if (/^\/api\/v1\/organization\/[^/]+\/roles$/.test(url.pathname) && url.searchParams.get('page_number') === '1') {
        const identity = indexOf((p) => /^\/api\/v1\/(me|users\/me|organization)(\?|$)/.test(p));
        if (identity >= 0) after.push(identity);
      }
      if (/^\/api\/v1\/workspaces\/[^/]+\/token$/.test(url.pathname) && url.searchParams.get('page_number') === '1') {
        const workspaces = indexOf((p) => /^\/api\/v1\/workspaces(\?|$)/.test(p));
        if (workspaces >= 0) after.push(workspaces);
      }
      const pageNumber = Number(url.searchParams.get('page_number') ?? '1');
      if (pageNumber > 1) {
        const first = indexOf((p) => {
          const other = new URL(p, 'http://x');
          return other.pathname === url.pathname && other.searchParams.get('page_number') === '1';
        });
        if (first >= 0) after.push(first);
      }
    }
    requests.push({ path, after });
  });
  return requests;
}

/** Rounds of at most `perRound` requests, each after the rounds of the requests it waits for. */
function rounds(requests: Request[], perRound: number): number {
  const n = requests.length;
  if (n === 0) return 0;
  const children: number[][] = requests.map(() => []);
  requests.forEach((r, i) => r.after.forEach((a) => children[a]!.push(i)));
  const height = new Array<number>(n).fill(0);
  const heightOf = (i: number): number => (height[i] ||= 1 + Math.max(0, ...children[i]!.map(heightOf)));
  requests.forEach((_, i) => heightOf(i));
  const doneIn = new Array<number>(n).fill(-1);
  let round = 0;
  let done = 0;
  while (done < n) {
    const ready = requests
      .map((r, i) => i)
      .filter((i) => doneIn[i] === -1 && requests[i]!.after.every((a) => doneIn[a]! >= 0 && doneIn[a]! < round))
      .sort((a, b) => height[b]! - height[a]!)
      .slice(0, perRound);
    for (const i of ready) doneIn[i] = round;
    done += ready.length;
    round++;
  }
  return round;
}

/** The floor in RTTs for each host's GETs, and overall (the slowest host). */
export function latencyFloor(hosts: Array<{ origin: string; gets: string[] }>, perRound = FLOOR_REQUESTS_PER_HOST) {
  const perHost = hosts.map((h) => ({ origin: h.origin, requests: h.gets.length, rounds: rounds(dependencies(h.gets), perRound) }));
  const slowest = Math.max(0, ...perHost.map((h) => h.rounds));
  // Plus one RTT: the first TCP connection to a host.
  return { rtts: slowest + 1, perHost };
}
