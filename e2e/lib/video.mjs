// Turns one still photo into a .y4m clip for Chromium's fake camera
// (--use-file-for-fake-video-capture), which loops it. Made at test time
// from the shared photos, so no image data lands in the repository.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// 640x480 like a typical webcam. The 250x250 LFW photo is scaled to the
// frame's height and padded at the sides rather than stretched, so the face
// keeps its shape. yuv420p: Chromium shows 4:4:4 files as green frames.
// One second at 5 fps is enough: Chromium loops the file, and the clip stays
// a few MB.
export async function makeY4m(photo, out) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', photo,
    '-t', '1', '-r', '5',
    '-vf', 'scale=-2:480,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=gray,format=yuv420p',
    '-f', 'yuv4mpegpipe', out]);
  return out;
}

// A screenshot squeezed for the repository: the same pixels mapped to a
// 256-colour palette (ffmpeg is here anyway for the clips).
export async function smallPng(from, to) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', from,
    '-vf', 'split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a',
    '-frames:v', '1', to]);
  return to;
}

// The first `seconds` of a real video as a 640x480 .y4m clip (padded, not
// stretched), for a kiosk whose camera must show a live person moving.
export async function videoY4m(video, out, seconds = 6) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', video,
    '-t', String(seconds), '-r', '15', '-an',
    '-vf', 'scale=-2:480,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=gray,format=yuv420p',
    '-f', 'yuv4mpegpipe', out]);
  return out;
}

// One frame of a video (at `second`) as a JPEG, to enrol its person.
export async function videoFrame(video, out, second = 0) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-ss', String(second),
    '-i', video, '-frames:v', '1', '-q:v', '2', out]);
  return out;
}
