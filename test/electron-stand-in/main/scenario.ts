// The launch a stand-in Electron process plays (platform, packaged or not, where the OS keeps
// app data) and the record of every Electron call the main bundle makes, sent to the test.
// The scenario comes from the parent test in KEYFLEET_STAND_IN (JSON).

export interface Scenario {
  platform: 'linux' | 'darwin' | 'win32';
  /** app.isPackaged: a packaged build, or `electron .` (process.defaultApp) in development. */
  packaged: boolean;
  /** Electron's appData (Linux: $XDG_CONFIG_HOME or ~/.config). */
  appData: string;
  /** Electron's temp path. */
  temp: string;
  /** Arguments after the executable (and after the app folder in a development run). */
  args: string[];
  /** Whether 'ready' comes by itself after the main script's first tick, or when the test says. */
  autoReady: boolean;
  /** What powerMonitor.getSystemIdleState answers (the test may change it). */
  idleState: 'active' | 'idle' | 'locked' | 'unknown';
}

export type CallRecord = { type: string } & { [key: string]: unknown };

export const scenario: Scenario = JSON.parse(process.env.KEYFLEET_STAND_IN ?? '{}') as Scenario;

/** Node's own exit, kept before Electron's init maps process.exit to app.exit. */
export const realExit = process.exit.bind(process);

export function record(type: string, detail: { [key: string]: unknown } = {}): void {
  process.send?.({ record: { type, ...detail } });
}

/** The platform name as Electron's docs tag it, for refusing what a platform does not have. */
export const PLATFORM_LABEL = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' } as const;
