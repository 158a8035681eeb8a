import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports';
import { stackVariables } from './stack-env';
import { waitFor } from './wait-for';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export type AppName = 'auth' | 'gateway' | 'realtime' | 'outbox-relay' | 'message-worker' | 'file-service' | 'connectors';

export interface RunningApp {
  name: AppName;
  /** The public listener: the API (gateway, realtime, connectors; the others have none). */
  url: string;
  httpPort: number;
  /** The internal listener: /health/live, /health/ready, /metrics. */
  internalUrl: string;
  internalPort: number;
  grpcPort: number;
  process: ChildProcess;
  /** Everything the app wrote to stdout and stderr so far (JSON log lines). */
  output(): string;
  /** Sends a signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<AppExit>;
  exited: Promise<AppExit>;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the stop request (or start) to exit. */
  afterMs: number;
}

/** Starts a built app (`dist/apps/<name>`) as its own process, on free ports, against the stack; waits on its internal listener. */
export async function startApp(
  name: AppName,
  options: { env?: Record<string, string>; waitUntil?: 'live' | 'ready' | 'none'; timeoutMs?: number } = {},
): Promise<RunningApp> {
  const main = join(REPO_ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  // Ports given in env win (a test that must know a port before the app starts picks it itself).
  const httpPort = options.env?.HTTP_PORT ? Number(options.env.HTTP_PORT) : await freePort();
  const internalPort = options.env?.INTERNAL_HTTP_PORT ? Number(options.env.INTERNAL_HTTP_PORT) : await freePort();
  const grpcPort = options.env?.GRPC_PORT ? Number(options.env.GRPC_PORT) : await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    TZ: 'UTC',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ...stackVariables(),
    HTTP_PORT: String(httpPort),
    INTERNAL_HTTP_PORT: String(internalPort),
    GRPC_PORT: String(grpcPort),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--enable-source-maps', main], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let stopRequestedAt = Date.now();
  const exited = new Promise<AppExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, afterMs: Date.now() - stopRequestedAt })),
  );
  let exitCode: number | null | undefined;
  void exited.then((exit) => (exitCode = exit.code));
  // Prometheus of the test stack scrapes every app a test starts, for as long as it runs.
  const target = announceToPrometheus(name, internalPort, child.pid);
  if (target) void exited.then(() => rmSync(target, { force: true }));

  const app: RunningApp = {
    name,
    url: `http://127.0.0.1:${httpPort}`,
    httpPort,
    internalUrl: `http://127.0.0.1:${internalPort}`,
    internalPort,
    grpcPort,
    process: child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (exitCode === undefined) {
        stopRequestedAt = Date.now();
        child.kill(signal);
      }
      return exited;
    },
  };
  const waitUntil = options.waitUntil ?? 'ready';
  if (waitUntil !== 'none') {
    try {
      await waitFor(
        async () => {
          if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode}`);
          const res = await fetch(`${app.internalUrl}/health/${waitUntil}`).catch(() => undefined);
          return res?.status === 200 ? true : undefined;
        },
        { timeoutMs: options.timeoutMs ?? 30_000, description: `${name} /health/${waitUntil}` },
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n--- ${name} output ---\n${output.slice(-4000)}`);
    }
  }
  return app;
}

/** Writes the file-discovery entry of an app instance (when the stack has a Prometheus); its path. */
function announceToPrometheus(name: AppName, internalPort: number, pid: number | undefined): string | undefined {
  const dir = process.env.PROMETHEUS_TARGETS_DIR;
  if (!dir || pid === undefined) return undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `test-${name}-${pid}.json`);
  writeFileSync(file, JSON.stringify([{ targets: [`127.0.0.1:${internalPort}`], labels: { service: name } }]));
  return file;
}

/** The gateway's addresses of the apps it calls (auth, and message-worker and file-service when started). */
export function gatewayEnv(apps: { auth: RunningApp; worker?: RunningApp; files?: RunningApp }): Record<string, string> {
  return {
    AUTH_GRPC_URL: `127.0.0.1:${apps.auth.grpcPort}`,
    ...(apps.worker ? { DELIVERY_GRPC_URL: `127.0.0.1:${apps.worker.grpcPort}` } : {}),
    ...(apps.files ? { FILE_GRPC_URL: `127.0.0.1:${apps.files.grpcPort}`, FILE_SERVICE_URL: apps.files.url } : {}),
  };
}
