// The window reopens where it was, and never off screen or at an absurd size.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, MIN_SIZE, readWindowState, restoreWindowState, WINDOW_STATE_FILE, writeWindowState } from '../../src-main/window-state.ts';
import { tempDir } from '../support/temp.ts';

const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
const monitor = { x: 1920, y: 0, width: 2560, height: 1410 };

describe('window state', () => {
  it('reopens where it was, maximized or not, through a real file', () => {
    const dir = tempDir();
    try {
      const state = { bounds: { x: 2100, y: 100, width: 1500, height: 900 }, maximized: true };
      writeWindowState(dir.path, state);
      expect(restoreWindowState(readWindowState(dir.path), [laptop, monitor])).toEqual(state);
    } finally {
      dir.cleanup();
    }
  });

  it('moves a window whose display was unplugged back onto the primary display', () => {
    const restored = restoreWindowState({ bounds: { x: 2100, y: 100, width: 1500, height: 900 }, maximized: false }, [laptop]);
    expect(restored.bounds).toEqual({ width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height, x: 320, y: 115 });
  });

  it('clamps sizes to the display and to the minimum, and keeps the window inside it', () => {
    expect(restoreWindowState({ bounds: { x: 1800, y: 10, width: 99999, height: 10 }, maximized: false }, [laptop]).bounds).toEqual({
      x: 0,
      y: 10,
      width: laptop.width,
      height: MIN_SIZE.height,
    });
  });

  it.each([
    ['no file', undefined],
    ['not an object', 'hello'],
    ['fractional numbers', { bounds: { x: 0.5, y: 0, width: 1000, height: 700 } }],
    ['strings', { bounds: { x: '0', y: 0, width: 1000, height: 700 } }],
    ['a title bar above every display', { bounds: { x: 100, y: -5000, width: 1000, height: 700 } }],
  ])('falls back to the default for %s', (_label, saved) => {
    expect(restoreWindowState(saved, [laptop])).toEqual({ bounds: { x: 320, y: 115, ...DEFAULT_SIZE }, maximized: false });
  });

  it('survives a corrupt file', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, WINDOW_STATE_FILE), '{"bounds": {"x": 10, "y"');
      expect(readWindowState(dir.path)).toBeUndefined();
      expect(restoreWindowState(readWindowState(dir.path), [laptop]).bounds).toEqual({ x: 320, y: 115, ...DEFAULT_SIZE });
    } finally {
      dir.cleanup();
    }
  });
});
