import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './app-process';

const run = promisify(execFile);

export type StackService = 'postgres' | 'redis' | 'kafka' | 'minio';

/** Stops or starts one service of the local stack (for outage tests). */
export async function stackService(action: 'up' | 'down', service: StackService): Promise<void> {
  await run('bash', [join(REPO_ROOT, 'tools', 'stack', 'stack.sh'), action, service], { cwd: REPO_ROOT, timeout: 120_000 });
}
