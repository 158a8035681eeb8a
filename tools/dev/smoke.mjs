// `npm run smoke`: the running platform (npm start) end to end, as an integrator sees it: a token for
// the demo client, a WhatsApp conversation, one message, and its status until the simulated WhatsApp
// reports it READ. Prints each step; exits 1 with the last status seen if it does not get there.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GATEWAY = process.env.SMOKE_GATEWAY_URL ?? 'https://127.0.0.1:8080';
const TIMEOUT_MS = Number(process.env.SMOKE_TIMEOUT_MS ?? 60_000);

const fail = (why) => {
  console.error(`smoke: FAILED: ${why}`);
  process.exit(1);
};
const admin = (...args) => JSON.parse(execFileSync('bash', [join(ROOT, 'tools/dev/admin.sh'), ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());

let lastTraceId;
async function call(token, method, path, body) {
  const res = await fetch(`${GATEWAY}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  lastTraceId = res.headers.get('x-trace-id') ?? undefined;
  const json = await res.json().catch(() => ({}));
  if (res.status >= 400) fail(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const demo = JSON.parse(readFileSync(process.env.SMOKE_DEMO_CLIENT ?? join(ROOT, '.stack/demo-client.json'), 'utf8'));
const tokenRes = await fetch(`${GATEWAY}/auth/token`, {
  method: 'POST',
  headers: { authorization: `Basic ${Buffer.from(`${demo.client_id}:${demo.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials',
});
if (!tokenRes.ok) fail(`POST /auth/token → ${tokenRes.status}`);
const { access_token: token } = await tokenRes.json();
console.log('smoke: token for the demo client');

// A private conversation has two members: the demo user and a colleague (created once).
const users = admin('list-users');
const colleague = users.find((u) => u.name === 'demo-colleague') ?? admin('create-user', 'demo-colleague');
const contact = `1555${String(Date.now()).slice(-7)}`;
const conversation = await call(token, 'POST', '/v1/conversations', { type: 'private', member_ids: [colleague.user_id], channel: 'whatsapp', external_contact: contact });
console.log(`smoke: conversation ${conversation.id} with WhatsApp contact ${contact}`);

const messageId = randomUUID();
const started = Date.now();
const accepted = await call(token, 'POST', '/v1/messages', { message_id: messageId, conversation_id: conversation.id, payload: { type: 'text', text: 'smoke test' } });
console.log(`smoke: message ${messageId} ${accepted.status} (seq ${accepted.seq}${lastTraceId ? `, trace ${lastTraceId}` : ''})`);

let last = accepted.status;
for (const deadline = Date.now() + TIMEOUT_MS; Date.now() < deadline; await sleep(250)) {
  const message = await call(token, 'GET', `/v1/messages/${messageId}`);
  if (message.status !== last) console.log(`smoke: ${message.status} after ${Date.now() - started} ms`);
  last = message.status;
  if (message.status === 'READ') {
    console.log(`smoke: ok: READ on the simulated WhatsApp in ${Date.now() - started} ms (${message.status_history.map((h) => h.status).join(' → ')})`);
    process.exit(0);
  }
  if (message.status === 'FAILED') fail(`message FAILED: ${message.failure_reason}`);
}
fail(`message still ${last} after ${TIMEOUT_MS} ms`);
