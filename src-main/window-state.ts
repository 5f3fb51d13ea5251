// The main window's size, position and maximized state, remembered across runs in the data dir.
// What is read back is distrusted: a file from another machine, a display that was unplugged or
// a hand-edited value never puts the window off screen or at an absurd size.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const MIN_SIZE = { width: 900, height: 560 } as const;
/** How much of the title bar must be on a display for the window to count as reachable. */
const REACHABLE = 64;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function isRect(v: unknown): v is Rect {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return isInt(r.x) && isInt(r.y) && isInt(r.width) && isInt(r.height);
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The state to open with: the saved one if its title bar is on one of today's displays (its size
 * clamped to that display), else the default size centred on the primary display.
 */
export function restoreWindowState(saved: unknown, workAreas: Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const fallback: WindowState = {
    bounds: {
      width: Math.min(DEFAULT_SIZE.width, primary.width),
      height: Math.min(DEFAULT_SIZE.height, primary.height),
      x: primary.x + Math.max(0, Math.round((primary.width - DEFAULT_SIZE.width) / 2)),
      y: primary.y + Math.max(0, Math.round((primary.height - DEFAULT_SIZE.height) / 2)),
    },
    maximized: false,
  };
  if (!saved || typeof saved !== 'object') return fallback;
  const { bounds, maximized } = saved as Record<string, unknown>;
  if (!isRect(bounds)) return fallback;
  const titleBar = { x: bounds.x, y: bounds.y, width: bounds.width, height: 32 };
  const home = workAreas.find((area) => {
    const o = overlap(titleBar, area);
    return o.width >= REACHABLE && o.height > 0;
  });
  if (!home) return { ...fallback, maximized: maximized === true };
  const width = Math.min(Math.max(bounds.width, MIN_SIZE.width), home.width);
  const height = Math.min(Math.max(bounds.height, MIN_SIZE.height), home.height);
  return {
    bounds: {
      width,
      height,
      x: Math.min(Math.max(bounds.x, home.x), home.x + home.width - width),
      y: Math.min(Math.max(bounds.y, home.y), home.y + home.height - height),
    },
    maximized: maximized === true,
  };
}

export function readWindowState(dataDir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Written whole, then renamed over the old file: a crash never leaves half a file behind. */
export function writeWindowState(dataDir: string, state: WindowState): void {
  const file = join(dataDir, WINDOW_STATE_FILE);
  try {
    writeFileSync(`${file}.tmp`, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  } catch {
    // Losing the window's position is not worth an error dialog.
  }
}
