// Launches Debian's chromium through playwright-core (no browser download)
// with a fake camera fed from a .y4m file. Each phase of a test gets its own
// browser, because the camera file is fixed for the life of the process.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const VIEWPORT = { width: 1280, height: 800 };

// → {context, close()}: a persistent context owns a fresh profile folder,
// which is the only way to hand chromium a --user-data-dir of our own.
export async function launch({ camera } = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'facecheck-chromium-'));
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  ];
  if (camera) args.push(`--use-file-for-fake-video-capture=${camera}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: VIEWPORT,
    locale: 'en-US',
    acceptDownloads: true,
  });
  // Bounded waits everywhere: a hung page fails the test instead of CI.
  context.setDefaultTimeout(15000);
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}
