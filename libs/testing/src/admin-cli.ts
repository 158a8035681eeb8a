import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './app-process';
import { stackVariables } from './stack-env';

/** Runs the built admin CLI (users, API clients) against the suite's database; returns its JSON answer. */
export function adminCli<T = Record<string, string>>(...args: string[]): T {
  const out = execFileSync(process.execPath, [join(REPO_ROOT, 'dist/apps/auth/src/cli/admin.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...stackVariables() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.toString()) as T;
}
