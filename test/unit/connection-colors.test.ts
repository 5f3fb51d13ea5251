// A fleet of connections is told apart by colour: no two connections Keyfleet colours share one.
import { describe, expect, it } from 'vitest';
import { nextConnectionColor, PALETTE } from '../../src-main/services/connection-colors.ts';

describe('connection colours', () => {
  it('gives each new connection a colour no other has, past the palette too', () => {
    const used: string[] = [];
    for (let i = 0; i < 40; i++) used.push(nextConnectionColor(used));
    expect(new Set(used).size).toBe(40);
    expect(used.slice(0, PALETTE.length)).toEqual(PALETTE);
    for (const color of used) expect(color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('reuses a colour freed by a removed connection, and avoids one the user chose', () => {
    const used = PALETTE.slice(0, 5);
    expect(nextConnectionColor(used.filter((c) => c !== PALETTE[2]))).toBe(PALETTE[2]);
    expect(nextConnectionColor([PALETTE[0]!.toUpperCase()])).toBe(PALETTE[1]);
  });

  it('keeps the palette’s hues apart from each other', () => {
    const hue = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
      const max = Math.max(r, g, b);
      const d = max - Math.min(r, g, b);
      const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
      return (h * 60 + 360) % 360;
    };
    const hues = PALETTE.map(hue).sort((a, b) => a - b);
    const gaps = hues.map((h, i) => (i === 0 ? h + 360 - hues.at(-1)! : h - hues[i - 1]!));
    expect(Math.min(...gaps)).toBeGreaterThan(10);
  });
});
