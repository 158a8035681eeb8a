import { ConfigError, intInRange, parseEnv, port, publicHttpEnv, serviceEnv, urlWithProtocol, type EnvSource } from '@chat4all/config';
import { z } from 'zod';

// The web chat is a static page plus a same-origin proxy: no database, no Kafka, no internal
// listener. It takes the service and TLS variables every app names the same way, and its own port.
const service = serviceEnv({ internalPort: 9088 });
const http = publicHttpEnv({ httpPort: 8088 });

const schema = z.object({
  NODE_ENV: service.NODE_ENV,
  LOG_LEVEL: service.LOG_LEVEL,
  SHUTDOWN_TIMEOUT_MS: service.SHUTDOWN_TIMEOUT_MS,
  WEB_CHAT_HOST: z.string().default('127.0.0.1'),
  // 8088 on dev; tools/dev/apps.sh shifts it by 100 × STACK_PORT_OFFSET like every other port.
  WEB_CHAT_PORT: port().default(8088),
  HTTP_TRUST_PROXY: http.HTTP_TRUST_PROXY,
  TLS_CERT_FILE: http.TLS_CERT_FILE,
  TLS_KEY_FILE: http.TLS_KEY_FILE,
  // The upstreams' CA (theirs is self-signed locally). Unset: TLS_CERT_FILE is trusted, the same
  // certificate the stack gives gateway and realtime, on top of the system's roots.
  TLS_CA_FILE: z.string().min(1).optional(),
  // /auth, /v1 and /.well-known go to the gateway; /ws (the WebSocket upgrade) to realtime.
  GATEWAY_URL: urlWithProtocol('http', 'https').default('https://127.0.0.1:8080'),
  REALTIME_URL: urlWithProtocol('http', 'https', 'ws', 'wss').default('https://127.0.0.1:8081'),
  // How long /health/ready waits for each upstream to answer.
  UPSTREAM_CHECK_TIMEOUT_MS: intInRange(100, 60_000).default(2_000),
});

export function loadWebChatConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
    throw new ConfigError(['TLS_CERT_FILE, TLS_KEY_FILE: set both (HTTPS) or neither (HTTP)']);
  }
  return {
    name: 'web-chat',
    environment: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    host: env.WEB_CHAT_HOST,
    port: env.WEB_CHAT_PORT,
    trustProxy: env.HTTP_TRUST_PROXY,
    tls: env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } : undefined,
    upstreamCaFile: env.TLS_CA_FILE ?? env.TLS_CERT_FILE,
    gatewayUrl: env.GATEWAY_URL,
    // The proxy speaks WebSocket to realtime; an http(s) URL names the same listener.
    realtimeUrl: env.REALTIME_URL.replace(/^http/, 'ws'),
    upstreamCheckTimeoutMs: env.UPSTREAM_CHECK_TIMEOUT_MS,
  };
}

export type WebChatConfig = ReturnType<typeof loadWebChatConfig>;
