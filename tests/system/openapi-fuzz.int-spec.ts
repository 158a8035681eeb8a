import { openApiDocument } from '@chat4all/contracts';
import { Chat4AllClient } from '@chat4all/sdk';
import { type Caller, gatewayEnv, newCaller, REPO_ROOT, type RunningApp, startApp } from '@chat4all/testing';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The fuzzer's configuration (per-operation expectations, each with its reason) and hooks. */
const FUZZ_DIR = join(REPO_ROOT, 'tests', 'system', 'fuzz');
const RESULTS_DIR = join(REPO_ROOT, '.stack', 'test-results');
/** Test cases per operation: enough to cover every status an operation documents, within the suite's budget. */
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 40);

interface FuzzResult {
  exitCode: number;
  output: string;
  report: string;
  operations: number;
  testCases: number;
  failures: string[];
}

/** schemathesis against `baseUrl`, every check on, from the document the gateway serves. */
async function schemathesis(schema: string, baseUrl: string, token: string, filter: string[], env: Record<string, string> = {}): Promise<FuzzResult> {
  const dir = mkdtempSync(join(tmpdir(), 'chat4all-fuzz-'));
  try {
    const args = [
      '--config-file',
      join(FUZZ_DIR, 'schemathesis.toml'),
      'run',
      schema,
      '--url',
      baseUrl,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      'all',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      process.env.FUZZ_SEED ?? '20261203',
      '--workers',
      '2',
      '--request-timeout',
      '10',
      '--report',
      'junit',
      '--report-junit-path',
      join(dir, 'junit.xml'),
      '--no-color',
      ...filter,
    ];
    const result = await run(join(REPO_ROOT, 'tools', 'test', 'schemathesis.sh'), args, {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 15 * 60_000,
      env: { ...process.env, ...env, PYTHONPATH: FUZZ_DIR },
    }).then(
      (r) => ({ exitCode: 0, output: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ exitCode: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    // The whole report goes to a file, for whoever reads a failure; the test prints one summary line.
    // Never echo schemathesis' own output: its closing banner is pytest's ("=== 1 warning in 1.7s ==="),
    // and a log reader that takes the last runner summary for the suite's would count no test.
    mkdirSync(RESULTS_DIR, { recursive: true });
    const report = join(RESULTS_DIR, `schemathesis-${filter.join('').replace(/[^a-z]/g, '')}.txt`);
    writeFileSync(report, result.output);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    const failures = [...junit.matchAll(/<testcase name="([^"]+)"[^>]*>\s*<(failure|error)[^>]*message="([^"]*)"/g)].map((m) => `${m[1]}: ${m[3]}`);
    const operations = [...junit.matchAll(/<testcase /g)].length;
    const testCases = Number(/(\d+) generated/.exec(result.output)?.[1] ?? /Test cases:\s*(\d+)/.exec(result.output)?.[1] ?? 0);
    return { ...result, operations, testCases, failures, report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the OpenAPI document', () => {
  const apps: RunningApp[] = [];
  let gateway: RunningApp;
  let connectors: RunningApp;
  let admin: Caller;
  let resources: Record<string, string>;

  beforeAll(async () => {
    const auth = await startApp('auth');
    // The relay publishes file-service's merge requests: the fuzzing user's file gets COMPLETED.
    const [worker, files, relay] = await Promise.all([
      startApp('message-worker'),
      startApp('file-service', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` } }),
      startApp('outbox-relay'),
    ]);
    gateway = await startApp('gateway', {
      env: {
        ...gatewayEnv({ auth, worker, files }),
        // The fuzzer sends thousands of writes a minute: the limit itself is tested in rate-limit.int-spec.
        RATE_LIMIT_WRITE_PER_MINUTE: '100000',
        RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE: '100000',
      },
    });
    connectors = await startApp('connectors', { env: { CONNECTORS_SIMULATE: 'true' }, timeoutMs: 60_000 });
    apps.push(auth, worker, files, relay, gateway, connectors);
    admin = await newCaller(gateway.url, 'fuzz', 'read,write,admin');
    // Resources of the fuzzing user, so that positive cases reach real rows (schemathesis.toml).
    const peer = await newCaller(gateway.url, 'fuzz-peer');
    const sdk = new Chat4AllClient({ baseUrl: gateway.url, clientId: admin.clientId, clientSecret: admin.clientSecret });
    const conversation = await sdk.conversations.create({ type: 'private', member_ids: [peer.userId] });
    const message = await sdk.messages.send(conversation.id, 'fuzz me');
    const file = await sdk.files.upload(new TextEncoder().encode('a file to fuzz\n'), { filename: 'fuzz.txt', mimeType: 'text/plain' });
    const open = await fetch(`${gateway.url}/v1/files/initiate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'open.txt', size_bytes: 100, mime_type: 'text/plain' }),
    });
    const { upload_id } = (await open.json()) as { upload_id: string };
    resources = { FUZZ_CONVERSATION_ID: conversation.id, FUZZ_MESSAGE_ID: message.message_id, FUZZ_FILE_ID: file.fileId, FUZZ_UPLOAD_ID: upload_id };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
  });

  it('is served at /openapi.json as the schemas generate it, with an interactive reference at /docs', async () => {
    const res = await fetch(`${gateway.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(openApiDocument());
    const docs = await fetch(`${gateway.url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await docs.text()).toContain('/docs/swagger-ui-bundle.js');
    const bundle = await fetch(`${gateway.url}/docs/swagger-ui-bundle.js`);
    expect({ status: bundle.status, type: bundle.headers.get('content-type') }).toEqual({ status: 200, type: 'text/javascript; charset=utf-8' });
  });

  it('holds under schemathesis on the gateway: no server error, no response the document does not describe', async () => {
    const result = await schemathesis(`${gateway.url}/openapi.json`, gateway.url, admin.token, ['--exclude-tag', 'webhooks'], resources);
    console.log(`schemathesis (gateway): ${result.operations} operations, ${result.testCases} test cases, exit ${result.exitCode}, report ${result.report}`);
    expect(result.failures).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.operations).toBeGreaterThanOrEqual(25);
  }, 20 * 60_000);

  it('holds under schemathesis on the connectors\' webhooks', async () => {
    const result = await schemathesis(`${gateway.url}/openapi.json`, connectors.url, admin.token, ['--include-tag', 'webhooks'], resources);
    console.log(`schemathesis (webhooks): ${result.operations} operations, ${result.testCases} test cases, exit ${result.exitCode}, report ${result.report}`);
    expect(result.failures).toEqual([]);
    expect(result.exitCode).toBe(0);
  }, 10 * 60_000);
});
