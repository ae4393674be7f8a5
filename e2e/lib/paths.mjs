// Where things are, relative to this checkout.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(e2eRoot, '..');
// The real photos live beside the checkout, never inside it.
export const sharedData = process.env.FACECHECK_SHARED_DATA || path.resolve(repoRoot, '..', 'shared', 'data');
export const lfwImages = path.join(sharedData, 'lfw', 'images');
export const artifactsDir = path.join(repoRoot, 'build', 'e2e-artifacts');
export const screenshotsDir = path.join(repoRoot, 'docs', 'screenshots');
