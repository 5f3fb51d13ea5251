// Static supply-chain and configuration checks, run with plain Node (24 strips the types):
//
//   node test/security/static-checks.ts            all checks (part of `npm run test:stress`)
//   node test/security/static-checks.ts --offline  only the install-script check: fast, no network
//
// (a) Install scripts — the one gate: every package in package-lock.json that runs an install
//     script (lock's hasInstallScript, or an installed package.json with pre/post/install scripts
//     or a binding.gyp, which npm builds implicitly) must be on INSTALL_SCRIPT_ALLOWLIST. A new one
//     fails the run: code that runs at `npm install` is a decision, not a side effect.
// (b) npm audit, production dependencies and everything: counts per severity. Advisory only.
// (c) Electronegativity (Doyensec's Electron linter; its README says it is no longer maintained):
//     findings are printed for review, never a gate.
// Figures go to test-results/figures/static-checks.json (see figures.ts).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordFigures, type Figure } from './figures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Packages allowed to run code at install time, and why. */
export const INSTALL_SCRIPT_ALLOWLIST: Readonly<Record<string, string>> = {
  '@github/keytar': 'native OS keychain binding: fetches a prebuilt binary or builds with node-gyp',
  'better-sqlite3': 'native SQLite binding: fetches a prebuilt binary or builds with node-gyp',
  electron: 'the Electron runtime: releases that download their binary in postinstall (this one fetches it on first use)',
  'electron-winstaller': 'dev (electron-builder → squirrel-windows): picks its vendored 7-Zip for the host architecture',
  node: "dev: the pinned Node runtime package; preinstall installs the host's node binary package",
};

interface LockEntry {
  name?: string;
  version?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  hasInstallScript?: boolean;
}

export interface InstallScriptPackage {
  path: string;
  name: string;
  version: string;
  dev: boolean;
  /** Where we learned it: the lock file, the installed package.json, or both. */
  source: 'lock' | 'installed' | 'both';
  allowed: boolean;
}

function packageNameOf(path: string, entry: LockEntry): string {
  if (entry.name) return entry.name;
  const at = path.lastIndexOf('node_modules/');
  return at === -1 ? path : path.slice(at + 'node_modules/'.length);
}

/** Whether an installed package (its directory under root) will run code on install. */
function installedRunsScript(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string>; gypfile?: boolean };
    const scripts = pkg.scripts ?? {};
    if (scripts.preinstall || scripts.install || scripts.postinstall) return true;
    // npm runs `node-gyp rebuild` for a package with a binding.gyp and no install script of its own.
    return pkg.gypfile !== false && existsSync(join(dir, 'binding.gyp'));
  } catch {
    return false;
  }
}

/**
 * Every package that runs an install script, from the lock file and, where the package is
 * installed under root, from its own package.json (so a stale lock cannot hide one).
 */
export function installScriptPackages(
  lock: { packages?: Record<string, LockEntry> },
  root: string | undefined,
  allowlist: Readonly<Record<string, string>> = INSTALL_SCRIPT_ALLOWLIST,
): InstallScriptPackage[] {
  const found: InstallScriptPackage[] = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '' || entry.link) continue;
    const inLock = entry.hasInstallScript === true;
    const installed = root !== undefined && installedRunsScript(join(root, path));
    if (!inLock && !installed) continue;
    const name = packageNameOf(path, entry);
    found.push({
      path,
      name,
      version: entry.version ?? '?',
      dev: entry.dev === true,
      source: inLock && installed ? 'both' : inLock ? 'lock' : 'installed',
      allowed: Object.hasOwn(allowlist, name),
    });
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function checkInstallScripts(root = ROOT): { packages: InstallScriptPackage[]; outside: InstallScriptPackage[]; figures: Figure[] } {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages?: Record<string, LockEntry> };
  const packages = installScriptPackages(lock, root);
  const outside = packages.filter((p) => !p.allowed);
  const figures: Figure[] = [
    {
      figure: 'packages with install scripts',
      value: packages.length,
      target: 'all allowlisted',
      ok: outside.length === 0,
      detail: packages.map((p) => `${p.name}@${p.version}${p.dev ? ' (dev)' : ''}`).join(', '),
    },
    {
      figure: 'install scripts outside the allowlist',
      value: outside.length,
      target: '0',
      ok: outside.length === 0,
      ...(outside.length > 0 ? { detail: outside.map((p) => `${p.name}@${p.version} (${p.path}, from ${p.source})`).join(', ') } : {}),
    },
  ];
  return { packages, outside, figures };
}

// ---------------------------------------------------------------- npm audit

const SEVERITIES = ['critical', 'high', 'moderate', 'low', 'info'] as const;

interface AuditSummary {
  reachable: boolean;
  counts?: Record<(typeof SEVERITIES)[number] | 'total', number>;
  advisories?: string[];
  why?: string;
}

function runAudit(omitDev: boolean): AuditSummary {
  const args = ['audit', '--json', ...(omitDev ? ['--omit=dev'] : [])];
  const run = spawnSync(npm, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.error) return { reachable: false, why: run.error.message };
  let report: {
    message?: string;
    statusCode?: number;
    error?: { code?: string; summary?: string; detail?: string };
    metadata?: { vulnerabilities?: Record<string, number> };
    vulnerabilities?: Record<string, { severity?: string; via?: unknown[] }>;
  };
  try {
    report = JSON.parse(run.stdout) as typeof report;
  } catch {
    const why = `${run.stderr}`.split('\n').filter((l) => l.trim() && !l.includes('Unknown user config')).slice(-3).join(' / ');
    return { reachable: false, why: why || `npm audit exited ${run.status} with no JSON` };
  }
  if (report.error || !report.metadata?.vulnerabilities) {
    // e.g. a registry mirror that answers the bulk-advisory POST with 405, or no network at all.
    const why = [report.error?.code, report.message ?? report.error?.summary].filter(Boolean).join(': ');
    return { reachable: false, why: why || 'the audit report has no vulnerability metadata' };
  }
  const v = report.metadata.vulnerabilities;
  const counts = { critical: v.critical ?? 0, high: v.high ?? 0, moderate: v.moderate ?? 0, low: v.low ?? 0, info: v.info ?? 0, total: v.total ?? 0 };
  const advisories = Object.entries(report.vulnerabilities ?? {})
    .map(([name, vuln]) => `${name} (${vuln.severity ?? '?'})`)
    .sort();
  return { reachable: true, counts, advisories };
}

function auditFigure(label: string, summary: AuditSummary): Figure {
  if (!summary.reachable || !summary.counts) {
    return { figure: `npm audit (${label})`, value: 'unreachable', target: 'advisory', ok: true, detail: summary.why ?? '' };
  }
  const c = summary.counts;
  return {
    figure: `npm audit (${label})`,
    value: SEVERITIES.map((s) => `${s} ${c[s]}`).join(', '),
    target: 'advisory',
    ok: true,
    ...(summary.advisories && summary.advisories.length > 0 ? { detail: summary.advisories.join(', ') } : {}),
  };
}

// ---------------------------------------------------------------- Electronegativity

/** Why the expected findings on this code base are what they are, printed next to them. */
const ELECTRONEGATIVITY_NOTES: Record<string, string> = {
  CSP_GLOBAL_CHECK:
    "the CSP is a response header built in src-main/web-policy.ts (asserted in test/security/hardening.test.ts); the tool only recognises a literal policy or a <meta>",
  CONTEXT_ISOLATION_JS_CHECK: 'webPreferences come from WEB_PREFERENCES in src-main/window-policy.ts, which the tool cannot follow; asserted in hardening.test.ts',
  SANDBOX_JS_CHECK: 'as CONTEXT_ISOLATION_JS_CHECK; the app also calls app.enableSandbox()',
  NODE_INTEGRATION_JS_CHECK: 'as CONTEXT_ISOLATION_JS_CHECK',
  AUXCLICK_JS_CHECK: 'a middle-click reaches the window-open handler as background-tab: denied, https only via safeExternalUrl',
  OPEN_EXTERNAL_JS_CHECK: 'only from the window-open handler, after safeExternalUrl (https, no credentials, length cap) and a click-shaped disposition',
  PROTOCOL_HANDLER_JS_CHECK: 'keyfleet:// links go through parseDeepLink in src-main/deep-link.ts: three exact forms, no data, anything else ignored (test/unit/deep-link.test.ts)',
  PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK: 'hardenSession sets request, check and device handlers that deny everything',
};

interface SarifReport {
  runs?: Array<{
    tool?: { driver?: { version?: string } };
    results?: Array<{
      ruleId?: string;
      level?: string;
      message?: { text?: string };
      locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }>;
    }>;
  }>;
}

function runElectronegativity(): Figure[] {
  const work = mkdtempSync(join(tmpdir(), 'keyfleet-electronegativity-'));
  try {
    const input = join(work, 'app');
    // The app's own code only (no node_modules, no build output), plus package.json for the version.
    for (const part of ['src-main', 'src-preload', 'src-renderer/index.html', 'package.json']) {
      if (existsSync(join(ROOT, part))) cpSync(join(ROOT, part), join(input, part), { recursive: true });
    }
    const output = join(work, 'findings.sarif');
    const electronVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> }).devDependencies?.electron;
    const args = ['--yes', '@doyensec/electronegativity', '-i', input, '-o', output, '-r', '-v', 'false', ...(electronVersion ? ['-e', electronVersion.replace(/^[^\d]*/, '')] : [])];
    console.log(`$ npx ${args.join(' ')}`);
    const run = spawnSync(npx, args, { cwd: work, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    const chatter = `${run.stdout ?? ''}\n${run.stderr ?? ''}`
      .split('\n')
      .filter((l) => l.trim() && !l.includes('Unknown user config') && !/^[│┌└├─╔╚║═\s]/.test(l))
      .slice(-5);
    if (run.error || !existsSync(output)) {
      const why = run.error?.message ?? (chatter.join(' / ') || `exited ${run.status}`);
      console.log(`Electronegativity could not run: ${why}`);
      return [{ figure: 'electronegativity findings', value: 'not run', target: 'advisory', ok: true, detail: why }];
    }
    for (const line of chatter) if (/connectivity|error/i.test(line)) console.log(`  (electronegativity: ${line.trim()})`);
    const sarif = JSON.parse(readFileSync(output, 'utf8')) as SarifReport;
    const results = sarif.runs?.flatMap((r) => r.results ?? []) ?? [];
    const version = sarif.runs?.[0]?.tool?.driver?.version ?? '?';
    const byLevel = new Map<string, number>();
    console.log(`Electronegativity ${version} (unmaintained upstream; advisory): ${results.length} finding(s)`);
    for (const r of results) {
      const level = r.level ?? 'none';
      byLevel.set(level, (byLevel.get(level) ?? 0) + 1);
      const loc = r.locations?.[0]?.physicalLocation;
      const where = loc?.artifactLocation?.uri && loc.artifactLocation.uri !== 'file:///' ? `${loc.artifactLocation.uri}:${loc.region?.startLine ?? '?'}` : '(global)';
      console.log(`  [${level}] ${r.ruleId ?? '?'} at ${where}: ${r.message?.text ?? ''}`);
      const note = r.ruleId ? ELECTRONEGATIVITY_NOTES[r.ruleId] : undefined;
      if (note) console.log(`           reviewed: ${note}`);
    }
    const unreviewed = results.filter((r) => !r.ruleId || !ELECTRONEGATIVITY_NOTES[r.ruleId]).map((r) => r.ruleId ?? '?');
    return [
      {
        figure: 'electronegativity findings',
        value: results.length === 0 ? 0 : [...byLevel].map(([level, n]) => `${level} ${n}`).join(', '),
        target: 'advisory',
        ok: true,
        detail: `v${version}; rules: ${[...new Set(results.map((r) => r.ruleId))].join(', ') || 'none'}`,
      },
      {
        figure: 'electronegativity findings not yet reviewed',
        value: unreviewed.length,
        target: 'advisory',
        ok: true,
        ...(unreviewed.length > 0 ? { detail: [...new Set(unreviewed)].join(', ') } : {}),
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

function main(): number {
  const offline = process.argv.includes('--offline');
  const rows: Figure[] = [];

  console.log('== install scripts (package-lock.json + installed packages)');
  const install = checkInstallScripts();
  for (const p of install.packages) {
    const why = INSTALL_SCRIPT_ALLOWLIST[p.name];
    console.log(`  ${p.allowed ? 'allowed' : 'NOT ALLOWED'}  ${p.name}@${p.version}${p.dev ? ' (dev)' : ''}  [${p.source}]${why ? ` — ${why}` : ''}`);
  }
  const absent = Object.keys(INSTALL_SCRIPT_ALLOWLIST).filter((name) => !install.packages.some((p) => p.name === name));
  if (absent.length > 0) console.log(`  (allowlisted, no install script in this tree: ${absent.join(', ')})`);
  rows.push(...install.figures);

  if (offline) {
    console.log('\n--offline: npm audit and Electronegativity skipped (they need the network; run `npm run test:stress`).');
  } else {
    for (const [label, omitDev] of [
      ['production', true],
      ['all', false],
    ] as const) {
      console.log(`\n== npm audit --json${omitDev ? ' --omit=dev' : ''} (advisory)`);
      const summary = runAudit(omitDev);
      const figure = auditFigure(label, summary);
      console.log(summary.reachable ? `  ${figure.value}` : `  the audit endpoint is unreachable: ${summary.why ?? '?'}`);
      if (summary.advisories && summary.advisories.length > 0) console.log(`  affected: ${summary.advisories.join(', ')}`);
      rows.push(figure);
    }
    console.log('\n== Electronegativity (advisory)');
    rows.push(...runElectronegativity());
  }

  recordFigures('static-checks', rows);
  if (install.outside.length > 0) {
    console.log(`\nFAIL: install scripts outside the allowlist: ${install.outside.map((p) => `${p.name}@${p.version}`).join(', ')}`);
    console.log('Review what each runs; if it is needed, add it to INSTALL_SCRIPT_ALLOWLIST in test/security/static-checks.ts with the reason.');
    return 1;
  }
  console.log('\nstatic checks: passed (audit and Electronegativity are advisory)');
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
