// Each connection's colour tells it apart in the sidebar and the key table, so no two share one:
// a new connection gets the first colour of a palette of well-separated hues that no other
// connection has; past the palette, hues keep turning by the golden angle.

/** Twelve hues about 30° apart, ordered so that neighbours in the list differ most. */
export const PALETTE = [
  '#2563eb', // blue
  '#16a34a', // green
  '#ea580c', // orange
  '#7c3aed', // violet
  '#db2777', // pink
  '#0891b2', // cyan
  '#65a30d', // lime
  '#dc2626', // red
  '#4f46e5', // indigo
  '#0d9488', // teal
  '#ca8a04', // amber
  '#c026d3', // fuchsia
];

const GOLDEN_ANGLE = 137.508;

function hslToHex(hue: number, saturation: number, lightness: number): string {
  const s = saturation / 100;
  const l = lightness / 100;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** The colour for a new connection, given the colours the others already have. */
export function nextConnectionColor(used: Iterable<string>): string {
  const taken = new Set([...used].map((c) => c.toLowerCase()));
  const free = PALETTE.find((color) => !taken.has(color));
  if (free) return free;
  for (let i = 0; ; i++) {
    // Mid lightness and saturation: readable as a dot on the dark sidebar and the light table.
    const color = hslToHex((i * GOLDEN_ANGLE + 17) % 360, 70, 42 + (i % 3) * 6);
    if (!taken.has(color)) return color;
  }
}
