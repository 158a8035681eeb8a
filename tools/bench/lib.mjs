// Helpers shared by the benchmarks: start built apps on free ports against the stack, percentiles.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export async function startApp(name, env = {}) {
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps', name, 'src/main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', HTTP_PORT: String(httpPort), GRPC_PORT: String(grpcPort), ...env },
    // Fatal start-up lines (bad config) go to stderr; normal logs are silenced.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${httpPort}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && !exited; await sleep(200)) {
    const ok = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return { url, grpcPort, stop: () => child.kill('SIGTERM') };
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become ready${exited ? ' (it exited: see its log line above)' : ''}`);
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const fmt = (n, digits = 1) => n.toFixed(digits);
