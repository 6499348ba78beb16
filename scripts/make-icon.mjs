// Draws the extension icon, images/icon.png (128×128 RGBA): a key (the shared key between the ECM and the
// Vault) on a rounded blue square. Plain Node (zlib for the PNG): `node scripts/make-icon.mjs` rewrites it;
// the PNG is committed, so a build never needs this.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4; // samples per pixel side: smooth edges without a graphics library

/** Coverage of the shape at a point (x, y in 0..128): which color it is, or undefined outside the tile. */
function colorAt(x, y) {
  const inRounded = (x0, y0, x1, y1, r) => {
    const cx = Math.min(Math.max(x, x0 + r), x1 - r), cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
  };
  if (!inRounded(4, 4, 124, 124, 22)) return undefined;
  const white = [255, 255, 255, 255];
  // The key: a ring (bow), a shaft and two teeth, on a diagonal-free layout that reads at 16 px too.
  const bow = (x - 42) ** 2 + (y - 64) ** 2;
  if (bow <= 24 ** 2 && bow >= 11 ** 2) return white;
  if (x >= 62 && x <= 106 && y >= 58 && y <= 70) return white;
  if (x >= 84 && x <= 93 && y >= 70 && y <= 86) return white;
  if (x >= 97 && x <= 106 && y >= 70 && y <= 80) return white;
  // Background: a vertical gradient of the gallery banner's blue.
  const t = y / SIZE;
  return [Math.round(0x1f + 0x10 * t), Math.round(0x4e - 0x18 * t), Math.round(0x8c - 0x28 * t), 255];
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colorAt(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        if (!c) continue;
        for (let i = 0; i < 3; i++) acc[i] += c[i] * c[3] / 255;
        acc[3] += c[3];
      }
    }
    const n = SS * SS, o = (py * SIZE + px) * 4;
    const a = acc[3] / n;
    for (let i = 0; i < 3; i++) rgba[o + i] = a ? Math.round((acc[i] / n) * 255 / a) : 0;
    rgba[o + 3] = Math.round(a);
  }
}

// PNG: signature, IHDR, one IDAT (each row prefixed by filter type 0), IEND.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(new URL('../images/', import.meta.url), { recursive: true });
writeFileSync(new URL('../images/icon.png', import.meta.url), png);
console.log(`wrote images/icon.png (${png.length} bytes)`);
