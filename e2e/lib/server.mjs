// Starts `facecheck serve` on a free loopback port with a throw-away data
// folder, and stops it again. The tests drive the real binary, so they find
// it the way scripts/test.sh builds it.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.mjs';

// FACECHECK_BIN names the binary itself; FACECHECK_BUILD the build folder
// (as in scripts/test.sh); else the release build.
export function facecheckBinary() {
  if (process.env.FACECHECK_BIN) return process.env.FACECHECK_BIN;
  const build = process.env.FACECHECK_BUILD || path.join(repoRoot, 'build', 'release');
  return path.join(build, 'facecheck');
}

// Ask the kernel for a port nobody uses, then release it for the server.
// The gap between close() and the server's bind is tiny on a test machine.
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`facecheck serve exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`facecheck serve did not answer /healthz within ${timeoutMs} ms`);
}

// → {base, port, dataDir, adminKey, log(), stop()}. extraArgs and env go to
// `facecheck serve` (e.g. the liveness test's fixed challenge).
export async function startServer({ timeoutMs = 60000, extraArgs = [], env = {} } = {}) {
  const bin = facecheckBinary();
  if (!existsSync(bin)) throw new Error(`no facecheck binary at ${bin} (build it, or set FACECHECK_BUILD / FACECHECK_BIN)`);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'facecheck-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Serve this checkout's pages, whatever folder the binary was built in.
  // One engine: a kiosk sends one frame at a time, and the CI machine has
  // two cores to share with chromium.
  const args = ['serve', '--port', String(port), '--data', dataDir,
    '--web-root', path.join(repoRoot, 'clients', 'web'), '--workers', '1', ...extraArgs];
  // The models sit in the checkout (scripts/fetch-models.sh), not next to a
  // binary built elsewhere; FACECHECK_MODELS still wins when set.
  if (!process.env.FACECHECK_MODELS) args.push('--models', path.join(repoRoot, 'models'));
  const child = spawn(bin, args, {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-20000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(base, child, timeoutMs);
    const adminKey = (await readFile(path.join(dataDir, 'admin-key.txt'), 'utf8')).trim();
    return {
      base, port, dataDir, adminKey, stop,
      log: () => output,
    };
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n--- server output ---\n${output}`);
  }
}
