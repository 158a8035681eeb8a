import { spawnSync } from 'node:child_process';

export interface CommandResult {
  status: number;
  output: string;
}

// Runs one of the Prometheus tools (promtool, amtool): a missing binary fails the test with how to get
// it, rather than skipping, so a machine without them cannot pass the suite by accident.
export function runCommand(command: string, args: string[]): CommandResult {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error && 'code' in result.error && result.error.code === 'ENOENT') {
    throw new Error(
      `${command} is not on PATH. It comes with the Prometheus Debian packages that the local stack installs: ` +
        'run `npm run stack -- up prometheus alertmanager` (or `apt-get install prometheus prometheus-alertmanager`).',
    );
  }
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
