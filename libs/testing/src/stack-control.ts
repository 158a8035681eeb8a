import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './app-process';

const run = promisify(execFile);

export type StackService = 'postgres' | 'redis' | 'kafka' | 'minio';

/**
 * Another stack instance than the suite's (tools/stack/stack.sh: its own data and ports), for a test
 * that needs a service in a state the shared one must not be put in, e.g. a Kafka just created.
 */
export interface StackInstance {
  name: string;
  portOffset: number;
}

/** The instance `npm test` runs the suite on (never the platform's `dev` instance that `npm start` runs). */
const suiteInstance = (): StackInstance => ({ name: process.env.STACK_INSTANCE ?? 'test', portOffset: Number(process.env.STACK_PORT_OFFSET ?? 1) });

/** Stops, starts or resets (stops and deletes the data of) one service of a stack instance (outage tests). */
export async function stackService(action: 'up' | 'down' | 'reset', service: StackService, instance: StackInstance = suiteInstance()): Promise<void> {
  if (instance.name === 'dev') throw new Error("tests never touch the platform's stack instance (dev)");
  const env: NodeJS.ProcessEnv = { ...process.env, STACK_INSTANCE: instance.name, STACK_PORT_OFFSET: String(instance.portOffset) };
  // The suite's URLs would make another instance's services look external (and not be started).
  if (instance.name !== suiteInstance().name) for (const name of ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'S3_ENDPOINT']) delete env[name];
  await run('bash', [join(REPO_ROOT, 'tools', 'stack', 'stack.sh'), action, service], { cwd: REPO_ROOT, timeout: 120_000, env });
}

/** Kafka's bootstrap address in a stack instance (tools/stack/stack.sh: 19092 + 100 × offset). */
export const instanceKafkaBrokers = (instance: StackInstance): string => `127.0.0.1:${19092 + 100 * instance.portOffset}`;
