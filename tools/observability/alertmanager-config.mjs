#!/usr/bin/env node
// Prints an alertmanager.yml built from ALERT_* variables (NFR-027): critical alerts go to PagerDuty,
// Slack and email, warnings to Slack (and email with ALERT_EMAIL_WARNINGS=true); a receiver is present
// only when its variables are set. ALERT_WEBHOOK_URL gets every alert (what the tests listen on).
//
//   node tools/observability/alertmanager-config.mjs > alertmanager.yml
//
// The output is JSON, which is YAML: no YAML library needed, and every string is quoted exactly.
// Node >= 20, no dependencies (tools/stack runs it with whatever node is on PATH).
import { pathToFileURL } from 'node:url';

/** The variables this generator reads, with what they mean (docs/operations.md lists them too). */
export const ALERT_VARIABLES = {
  ALERT_WEBHOOK_URL: 'a webhook that receives every alert, firing and resolved',
  ALERT_SLACK_WEBHOOK_URL: 'Slack incoming-webhook URL: critical and warning alerts',
  ALERT_SLACK_CHANNEL: "Slack channel (e.g. #chat4all-alerts); default: the webhook's own",
  ALERT_PAGERDUTY_ROUTING_KEY: 'PagerDuty Events API v2 integration key: critical alerts',
  ALERT_EMAIL_TO: 'comma-separated addresses: critical alerts',
  ALERT_EMAIL_FROM: 'sender address (required with ALERT_EMAIL_TO)',
  ALERT_SMTP_SMARTHOST: 'SMTP server host:port (required with ALERT_EMAIL_TO)',
  ALERT_SMTP_USERNAME: 'SMTP login (optional)',
  ALERT_SMTP_PASSWORD: 'SMTP password (with ALERT_SMTP_USERNAME)',
  ALERT_SMTP_REQUIRE_TLS: 'true (default) or false',
  ALERT_EMAIL_WARNINGS: 'true to email warnings too (default false)',
  ALERT_RUNBOOK_BASE_URL: 'prefix for the rules\' runbook_url (e.g. https://git.example.com/chat4all/blob/main/); default: shown as is',
  ALERT_GROUP_WAIT: 'how long a new group waits for more alerts before its first notification (default 30s)',
  ALERT_GROUP_INTERVAL: 'how long before notifying about alerts added to a group already notified (default 5m)',
  ALERT_REPEAT_INTERVAL: 'how long before repeating a notification still firing (default 4h)',
};

export class AlertmanagerConfigError extends Error {}

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const NONE = 'none';

/**
 * The Alertmanager configuration (a plain object) for these variables.
 * @param {Record<string, string | undefined>} env
 */
export function alertmanagerConfig(env) {
  const problems = [];
  const get = (name) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const url = (name) => {
    const value = get(name);
    if (value !== undefined && !/^https?:\/\/[^\s]+$/.test(value)) problems.push(`${name} must be an http(s) URL`);
    return value;
  };
  const duration = (name, fallback) => {
    const value = get(name) ?? fallback;
    if (!DURATION.test(value)) problems.push(`${name} must be a duration such as 1s, 30s, 5m, 4h (got '${value}')`);
    return value;
  };
  const flag = (name, fallback) => {
    const value = get(name);
    if (value === undefined) return fallback;
    if (value !== 'true' && value !== 'false') problems.push(`${name} must be true or false`);
    return value === 'true';
  };

  const webhookUrl = url('ALERT_WEBHOOK_URL');
  const slackUrl = url('ALERT_SLACK_WEBHOOK_URL');
  const slackChannel = get('ALERT_SLACK_CHANNEL');
  const pagerdutyKey = get('ALERT_PAGERDUTY_ROUTING_KEY');
  const emailTo = get('ALERT_EMAIL_TO');
  const emailFrom = get('ALERT_EMAIL_FROM');
  const smarthost = get('ALERT_SMTP_SMARTHOST');
  const smtpUser = get('ALERT_SMTP_USERNAME');
  const smtpPassword = get('ALERT_SMTP_PASSWORD');
  const smtpTls = flag('ALERT_SMTP_REQUIRE_TLS', true);
  const emailWarnings = flag('ALERT_EMAIL_WARNINGS', false);
  const runbookBase = get('ALERT_RUNBOOK_BASE_URL') ?? '';
  const timing = {
    group_wait: duration('ALERT_GROUP_WAIT', '30s'),
    group_interval: duration('ALERT_GROUP_INTERVAL', '5m'),
    repeat_interval: duration('ALERT_REPEAT_INTERVAL', '4h'),
  };
  if (slackChannel && !slackUrl) problems.push('ALERT_SLACK_CHANNEL needs ALERT_SLACK_WEBHOOK_URL');
  if (emailTo) {
    if (!emailFrom) problems.push('ALERT_EMAIL_TO needs ALERT_EMAIL_FROM');
    if (!smarthost) problems.push('ALERT_EMAIL_TO needs ALERT_SMTP_SMARTHOST');
    else if (!/^[^\s:]+:\d+$/.test(smarthost)) problems.push('ALERT_SMTP_SMARTHOST must be host:port');
  } else if (emailFrom || smarthost || smtpUser || smtpPassword) {
    problems.push('ALERT_EMAIL_FROM and ALERT_SMTP_* need ALERT_EMAIL_TO');
  }
  if (Boolean(smtpUser) !== Boolean(smtpPassword)) problems.push('ALERT_SMTP_USERNAME and ALERT_SMTP_PASSWORD go together');
  if (emailWarnings && !emailTo) problems.push('ALERT_EMAIL_WARNINGS needs ALERT_EMAIL_TO');
  if (problems.length) throw new AlertmanagerConfigError(`alertmanager config: ${problems.join('; ')}`);

  const runbook = `${runbookBase}{{ .Annotations.runbook_url }}`;
  const slack = slackUrl && {
    api_url: slackUrl,
    ...(slackChannel ? { channel: slackChannel } : {}),
    send_resolved: true,
    title: '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})',
    text: `{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: ${runbook}\n{{ end }}`,
  };
  const pagerduty = pagerdutyKey && {
    routing_key: pagerdutyKey,
    send_resolved: true,
    severity: '{{ .CommonLabels.severity }}',
    description: '{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}',
    details: {
      firing: '{{ range .Alerts.Firing }}{{ .Annotations.description }} {{ end }}',
      runbook: `{{ range .Alerts.Firing }}${runbook} {{ end }}`,
    },
  };
  const email = emailTo && { to: emailTo, send_resolved: true };

  const receiver = (name, integrations) => {
    const configs = Object.fromEntries(Object.entries(integrations).filter(([, list]) => list.length));
    return Object.keys(configs).length ? { name, ...configs } : undefined;
  };
  const only = (value) => (value ? [value] : []);
  const webhook = receiver('webhook', { webhook_configs: only(webhookUrl && { url: webhookUrl, send_resolved: true }) });
  const critical = receiver('critical', { pagerduty_configs: only(pagerduty), slack_configs: only(slack), email_configs: only(email) });
  const warning = receiver('warning', { slack_configs: only(slack), email_configs: only(emailWarnings && email) });

  // `none` takes what no route wants: it has no integration, so those alerts go nowhere.
  const receivers = [{ name: NONE }, webhook, critical, warning].filter(Boolean);
  const routes = [
    ...(webhook ? [{ receiver: webhook.name, continue: true }] : []),
    // Critical alerts stop here even without a critical receiver: never downgraded to the warning one.
    { receiver: critical ? critical.name : NONE, matchers: ['severity="critical"'] },
    ...(warning ? [{ receiver: warning.name }] : []),
  ];
  const global = emailTo
    ? {
        smtp_smarthost: smarthost,
        smtp_from: emailFrom,
        smtp_require_tls: smtpTls,
        ...(smtpUser ? { smtp_auth_username: smtpUser, smtp_auth_password: smtpPassword } : {}),
      }
    : undefined;

  return {
    ...(global ? { global } : {}),
    route: { receiver: NONE, group_by: ['alertname', 'service'], ...timing, routes },
    // The wider alert says it all: no separate notification for what it contains.
    inhibit_rules: [
      { source_matchers: ['alertname="AppServiceDown"'], target_matchers: ['alertname="AppInstanceDown"'], equal: ['service'] },
      { source_matchers: ['alertname="DeadLetterQueueLarge"'], target_matchers: ['alertname="DeadLetterQueueNotEmpty"'], equal: ['service'] },
    ],
    receivers,
  };
}

/** alertmanager.yml text (JSON, valid YAML) for these variables. */
export function renderAlertmanagerConfig(env) {
  const config = alertmanagerConfig(env);
  return [
    '# Generated by tools/observability/alertmanager-config.mjs from the ALERT_* variables: change those, not this file.',
    '# It holds the receivers\' secrets (Slack URL, PagerDuty key, SMTP password): keep it out of version control.',
    JSON.stringify(config, null, 2),
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(renderAlertmanagerConfig(process.env));
  } catch (error) {
    if (!(error instanceof AlertmanagerConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
