import { ConfigError } from '@chat4all/config';
import { loadConnectorsConfig } from './config';

const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('connectors config', () => {
  it('names the variables a served channel is missing', () => {
    const load = () => loadConnectorsConfig({ ...base, CONNECTOR_CHANNELS: 'whatsapp,telegram', TELEGRAM_API_URL: 'https://api.telegram.org', TELEGRAM_ACCESS_TOKEN: 't', TELEGRAM_WEBHOOK_SECRET: 's' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/WHATSAPP_API_URL.*\n.*WHATSAPP_ACCESS_TOKEN.*\n.*WHATSAPP_WEBHOOK_SECRET/);
  });

  it('serves every channel from in-process simulators when asked to', () => {
    const config = loadConnectorsConfig({ ...base, CONNECTORS_SIMULATE: 'true', HTTP_PORT: '9000' });
    expect(config.connectors.channels.map((c) => c.channel)).toEqual(['whatsapp', 'instagram', 'telegram', 'messenger']);
    expect(config.connectors.publicUrl).toBe('http://127.0.0.1:9000');
  });

  it('bounds webhook bodies and rate, generously by default', () => {
    const simulated = { ...base, CONNECTORS_SIMULATE: 'true' };
    expect(loadConnectorsConfig(simulated).connectors).toMatchObject({ webhookMaxBodyBytes: 1_048_576, webhookRateLimit: { limit: 3_000, windowSeconds: 10 } });
    const set = loadConnectorsConfig({ ...simulated, WEBHOOK_MAX_BODY_BYTES: '1024', WEBHOOK_RATE_LIMIT_REQUESTS: '1', WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: '3600' });
    expect(set.connectors).toMatchObject({ webhookMaxBodyBytes: 1024, webhookRateLimit: { limit: 1, windowSeconds: 3600 } });
    expect(() => loadConnectorsConfig({ ...simulated, WEBHOOK_MAX_BODY_BYTES: '1023' })).toThrow(/WEBHOOK_MAX_BODY_BYTES/);
    expect(() => loadConnectorsConfig({ ...simulated, WEBHOOK_RATE_LIMIT_REQUESTS: '0' })).toThrow(/WEBHOOK_RATE_LIMIT_REQUESTS/);
    expect(() => loadConnectorsConfig({ ...simulated, WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: '3601' })).toThrow(/WEBHOOK_RATE_LIMIT_WINDOW_SECONDS/);
  });

  it('refuses a channel that has no connector', () => {
    expect(() => loadConnectorsConfig({ ...base, CONNECTORS_SIMULATE: 'true', CONNECTOR_CHANNELS: 'whatsapp,sms' })).toThrow(/CONNECTOR_CHANNELS/);
  });
});
