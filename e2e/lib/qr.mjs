// A camera clip showing a QR code, for a kiosk that checks guests in by
// their invitation. Encoded with the copy of qrcode-generator the web pages
// serve (clients/web/vendor-qrcode.js), drawn as a greyscale PGM at 10 px per
// module with the standard 4-module quiet zone, then centred on a white
// 640x480 frame like a phone screen held up to the camera.
import { writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import qrcode from '../../clients/web/vendor-qrcode.js';

const run = promisify(execFile);
const MODULE_PX = 10;
const QUIET = 4;

export async function qrY4m(text, out) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const modules = qr.getModuleCount() + 2 * QUIET;
  const side = modules * MODULE_PX;
  const pixels = Buffer.alloc(side * side, 255);
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const r = Math.floor(y / MODULE_PX) - QUIET;
      const c = Math.floor(x / MODULE_PX) - QUIET;
      const inside = r >= 0 && c >= 0 && r < qr.getModuleCount() && c < qr.getModuleCount();
      if (inside && qr.isDark(r, c)) pixels[y * side + x] = 0;
    }
  }
  const pgm = path.join(path.dirname(out), `${path.basename(out, '.y4m')}.pgm`);
  await writeFile(pgm, Buffer.concat([Buffer.from(`P5\n${side} ${side}\n255\n`), pixels]));
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', pgm,
    '-t', '1', '-r', '5',
    '-vf', 'pad=640:480:(ow-iw)/2:(oh-ih)/2:color=white,format=yuv420p',
    '-f', 'yuv4mpegpipe', out]);
  return out;
}
