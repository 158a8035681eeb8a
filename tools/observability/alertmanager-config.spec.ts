import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertmanagerConfigError, alertmanagerConfig, renderAlertmanagerConfig } from './alertmanager-config.mjs';
import { runCommand } from './command-line.test-kit';

const ALL = {
  ALERT_WEBHOOK_URL: 'http://127.0.0.1:9199/alerts',
  ALERT_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX',
  ALERT_SLACK_CHANNEL: '#chat4all-alerts',
  ALERT_PAGERDUTY_ROUTING_KEY: 'abcdef0123456789abcdef0123456789',
  ALERT_EMAIL_TO: 'sre@example.com, oncall@example.com',
  ALERT_EMAIL_FROM: 'alertmanager@example.com',
  ALERT_SMTP_SMARTHOST: 'smtp.example.com:587',
  ALERT_SMTP_USERNAME: 'alertmanager',
  ALERT_SMTP_PASSWORD: 'secret',
  ALERT_EMAIL_WARNINGS: 'true',
};

interface Receiver {
  name: string;
  [integration: string]: unknown;
}
interface Config {
  route: { receiver: string; group_wait: string; group_interval: string; repeat_interval: string };
  receivers: Receiver[];
}

describe('alertmanager-config', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'chat4all-am-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const amtool = (env: Record<string, string>, ...args: string[]) => {
    const file = join(dir, 'alertmanager.yml');
    writeFileSync(file, renderAlertmanagerConfig(env));
    return runCommand('amtool', [...args, file]);
  };
  // `amtool config routes test` prints the receivers an alert with these labels reaches.
  const receiversFor = (env: Record<string, string>, ...labels: string[]) => {
    const file = join(dir, 'routes.yml');
    writeFileSync(file, renderAlertmanagerConfig(env));
    return runCommand('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]).output.split('\n')[0];
  };

  it('with every receiver configured passes amtool check-config', () => {
    const result = amtool(ALL, 'check-config');
    if (result.status !== 0) throw new Error(result.output);
    expect(result.output).toContain('4 receivers');
  });

  it('with nothing configured passes amtool check-config and sends nowhere', () => {
    const result = amtool({}, 'check-config');
    if (result.status !== 0) throw new Error(result.output);
    expect((alertmanagerConfig({}) as unknown as Config).receivers).toEqual([{ name: 'none' }]);
    expect(receiversFor({}, 'severity=critical')).toBe('none');
  });

  it('routes critical to PagerDuty, Slack and email, warnings to Slack (and email when asked), everything to the webhook', () => {
    expect(receiversFor(ALL, 'alertname=DeadLetterQueueLarge', 'severity=critical')).toBe('webhook,critical');
    expect(receiversFor(ALL, 'alertname=DeadLetterQueueNotEmpty', 'severity=warning')).toBe('webhook,warning');
    const { receivers } = alertmanagerConfig(ALL) as unknown as Config;
    const integrations = Object.fromEntries(receivers.map(({ name, ...rest }) => [name, Object.keys(rest).sort()]));
    expect(integrations).toEqual({
      none: [],
      webhook: ['webhook_configs'],
      critical: ['email_configs', 'pagerduty_configs', 'slack_configs'],
      warning: ['email_configs', 'slack_configs'],
    });
    const withoutWarningMail = alertmanagerConfig({ ...ALL, ALERT_EMAIL_WARNINGS: 'false' }) as unknown as Config;
    expect(Object.keys(withoutWarningMail.receivers.find((r) => r.name === 'warning') ?? {})).toEqual(['name', 'slack_configs']);
  });

  it('includes only the receivers whose variables are set', () => {
    const slackOnly = alertmanagerConfig({ ALERT_SLACK_WEBHOOK_URL: ALL.ALERT_SLACK_WEBHOOK_URL }) as unknown as Config;
    expect(slackOnly.receivers.map((r) => r.name)).toEqual(['none', 'critical', 'warning']);
    expect(receiversFor({ ALERT_PAGERDUTY_ROUTING_KEY: 'k' }, 'severity=warning')).toBe('none');
    expect(receiversFor({ ALERT_WEBHOOK_URL: ALL.ALERT_WEBHOOK_URL }, 'severity=critical')).toBe('webhook,none');
  });

  it('asks every integration to send resolved notifications', () => {
    const { receivers } = alertmanagerConfig(ALL) as unknown as Config;
    const integrations = receivers.flatMap(({ name: _name, ...rest }) => Object.values(rest).flat() as Array<{ send_resolved?: boolean }>);
    expect(integrations).toHaveLength(6);
    expect(integrations.every((i) => i.send_resolved === true)).toBe(true);
  });

  it('takes its timing from ALERT_GROUP_WAIT, ALERT_GROUP_INTERVAL and ALERT_REPEAT_INTERVAL', () => {
    expect((alertmanagerConfig({}) as unknown as Config).route).toMatchObject({ group_wait: '30s', group_interval: '5m', repeat_interval: '4h' });
    const fast = alertmanagerConfig({ ALERT_GROUP_WAIT: '1s', ALERT_GROUP_INTERVAL: '1s', ALERT_REPEAT_INTERVAL: '1m' }) as unknown as Config;
    expect(fast.route).toMatchObject({ group_wait: '1s', group_interval: '1s', repeat_interval: '1m' });
  });

  it('refuses incomplete or malformed variables, naming them', () => {
    expect(() => alertmanagerConfig({ ALERT_GROUP_WAIT: 'soon' })).toThrow(AlertmanagerConfigError);
    expect(() => alertmanagerConfig({ ALERT_EMAIL_TO: 'sre@example.com' })).toThrow(/ALERT_EMAIL_FROM.*ALERT_SMTP_SMARTHOST/);
    expect(() => alertmanagerConfig({ ALERT_WEBHOOK_URL: 'localhost:9199' })).toThrow(/ALERT_WEBHOOK_URL must be an http\(s\) URL/);
    expect(() => alertmanagerConfig({ ...ALL, ALERT_SMTP_PASSWORD: '' })).toThrow(/ALERT_SMTP_USERNAME and ALERT_SMTP_PASSWORD/);
  });
});
