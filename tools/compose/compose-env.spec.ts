import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadAuthConfig } from '../../apps/auth/src/config';
import { loadConnectorsConfig } from '../../apps/connectors/src/config';
import { loadFileServiceConfig } from '../../apps/file-service/src/config';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { loadMessageWorkerConfig } from '../../apps/message-worker/src/config';
import { loadOutboxRelayConfig } from '../../apps/outbox-relay/src/config';
import { loadRealtimeConfig } from '../../apps/realtime/src/config';

// docker-compose.yml keeps working for people with Docker (`--scale`): each app service's
// environment is what that app's own config loader accepts, so a renamed or newly required variable
// cannot leave the compose file starting apps that exit at once.
const LOADERS: Record<string, (env: Record<string, string>) => unknown> = {
  auth: loadAuthConfig,
  gateway: loadGatewayConfig,
  realtime: loadRealtimeConfig,
  'outbox-relay': loadOutboxRelayConfig,
  'message-worker': loadMessageWorkerConfig,
  'file-service': loadFileServiceConfig,
  connectors: loadConnectorsConfig,
};

interface ComposeService {
  command?: string[];
  environment?: Record<string, string | number>;
  container_name?: string;
}

const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

describe('docker-compose.yml', () => {
  it.each(Object.keys(LOADERS))('%s: its environment passes the app config loader, and it can be scaled', (name) => {
    const service = compose.services[name];
    expect(service.command).toEqual([`dist/apps/${name}/src/main.js`]);
    expect(service.container_name).toBeUndefined();
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
    expect(() => LOADERS[name](env)).not.toThrow();
    // The check can fail: the same environment with a bad port is refused.
    expect(() => LOADERS[name]({ ...env, INTERNAL_HTTP_PORT: 'not-a-port' })).toThrow();
  });
});
