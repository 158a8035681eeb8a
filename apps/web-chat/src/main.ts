import { loadConfigOrExit } from '@chat4all/config';
import { join } from 'node:path';
import { loadWebChatConfig } from './config';
import { buildServer } from './server';

// Bootstrap only. The page is what `vite build` put beside this file's folder (dist/apps/web-chat/public).
const config = loadConfigOrExit('web-chat', () => loadWebChatConfig());

async function main(): Promise<void> {
  const app = await buildServer(config, join(__dirname, '..', 'public'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal, message: 'shutting down' });
      setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await app.listen({ host: config.host, port: config.port });
  app.log.info({ url: `${config.tls ? 'https' : 'http'}://${config.host}:${config.port}`, gateway: config.gatewayUrl, realtime: config.realtimeUrl, message: 'web chat started' });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', timestamp: new Date().toISOString(), service: 'web-chat', message: String(error) })}\n`);
  process.exit(1);
});
