// Draws Keyfleet's app icon (build/icon.png, 512×512): a key on a rounded indigo square. Written
// as a PNG by hand so the icon is reproducible without an image tool: `node scripts/make-icon.ts`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, tail]);
}

/** Coverage (0..1) of the icon's shapes at a pixel centre; 4×4 supersampling smooths the edges. */
function paint(x: number, y: number): [number, number, number, number] {
  const inRoundedSquare = (px: number, py: number) => {
    const r = 96;
    const m = 16;
    const cx = Math.min(Math.max(px, m + r), SIZE - m - r);
    const cy = Math.min(Math.max(py, m + r), SIZE - m - r);
    return (px - cx) ** 2 + (py - cy) ** 2 <= r * r && px >= m && px <= SIZE - m && py >= m && py <= SIZE - m;
  };
  const inKey = (px: number, py: number) => {
    const ring = Math.hypot(px - 190, py - 256);
    const head = ring <= 92 && ring >= 44;
    const shaft = px >= 270 && px <= 420 && py >= 234 && py <= 278;
    const bit1 = px >= 350 && px <= 378 && py >= 278 && py <= 330;
    const bit2 = px >= 394 && px <= 420 && py >= 278 && py <= 314;
    return head || shaft || bit1 || bit2;
  };
  let bg = 0;
  let key = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const px = x + (i + 0.5) / 4;
      const py = y + (j + 0.5) / 4;
      if (inRoundedSquare(px, py)) {
        bg++;
        if (inKey(px, py)) key++;
      }
    }
  }
  const a = bg / 16;
  const k = bg === 0 ? 0 : key / bg;
  const shade = 1 - (y / SIZE) * 0.25; // a little darker towards the bottom
  const mix = (from: number, to: number) => Math.round(from * shade * (1 - k) + to * k);
  return [mix(79, 255), mix(70, 255), mix(229, 255), Math.round(a * 255)];
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const [r, g, b, a] = paint(x, y);
    raw.set([r, g, b, a], y * (SIZE * 4 + 1) + 1 + x * 4);
  }
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../build/icon.png', import.meta.url), png);
console.log(`build/icon.png: ${png.length} bytes`);
