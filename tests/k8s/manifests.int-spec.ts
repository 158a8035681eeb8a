import { TOPIC_SPECS } from '@chat4all/contracts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

// The Kubernetes manifests, offline: tools/k8s/validate.sh renders each overlay and checks it with
// kubeconform (Kubernetes and operator CRD schemas, cached under ~/.cache/chat4all/k8s-schemas after
// the first run; tools/test/run.sh fetches them before the suite) and with tools/k8s/policy.mjs.
// Its own Jest project (k8s): it needs no running stack.
const ROOT = join(__dirname, '..', '..');
const LOCAL = join(ROOT, 'k8s', 'overlays', 'local');

function validate(...args: string[]): { status: number; output: string } {
  const result = spawnSync('bash', [join(ROOT, 'tools', 'k8s', 'validate.sh'), ...args], { encoding: 'utf8', timeout: 600_000 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** A kustomization in a temp folder: the local overlay with these JSON6902 patches on top. */
function patchedLocal(patches: Array<{ kind: string; name: string; ops: unknown[] }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'chat4all-k8s-'));
  // kustomize takes no absolute path for a kustomization to build on: the overlay, relative to the folder.
  const lines = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', `  - ${relative(dir, LOCAL)}`, 'patches:'];
  for (const p of patches) lines.push(`  - target: { kind: ${p.kind}, name: ${p.name} }`, `    patch: '${JSON.stringify(p.ops)}'`);
  writeFileSync(join(dir, 'kustomization.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

describe('Kubernetes manifests', () => {
  // On a machine without the cache, the first run fetches kubeconform and the schemas (about 20 s).
  beforeAll(() => {
    const { status, output } = validate('--fetch');
    if (status !== 0) throw new Error(`tools/k8s/validate.sh --fetch failed:\n${output}`);
  }, 600_000);
  const temps: string[] = [];
  afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const overlay = (patches: Parameters<typeof patchedLocal>[0]) => {
    const dir = patchedLocal(patches);
    temps.push(dir);
    return dir;
  };

  it('both overlays pass kubeconform -strict and the policy checks', () => {
    const { status, output } = validate();
    expect(output).toMatch(/^local: schemas: Summary: \d+ resources found in 1 file - Valid: \d+, Invalid: 0, Errors: 0, Skipped: 0$/m);
    expect(output).toMatch(/^production: schemas: Summary: \d+ resources found in 1 file - Valid: \d+, Invalid: 0, Errors: 0, Skipped: 0$/m);
    expect(output).toMatch(/^local: policy: ok /m);
    expect(output).toMatch(/^production: policy: ok .*production rules/m);
    expect(status).toBe(0);
  });

  it('the policy check fails, naming the gateway, when its probes are removed', () => {
    const dir = overlay([
      {
        kind: 'Deployment',
        name: 'gateway',
        ops: [
          { op: 'remove', path: '/spec/template/spec/containers/0/readinessProbe' },
          { op: 'remove', path: '/spec/template/spec/containers/0/livenessProbe' },
        ],
      },
    ]);
    const { status, output } = validate(dir);
    expect(status).toBe(1);
    expect(output).toMatch(/policy: Deployment gateway container gateway: no readinessProbe/);
    expect(output).toMatch(/policy: Deployment gateway container gateway: no livenessProbe/);
    // Still a valid object: only the policy knows probes are required.
    expect(output).toMatch(/schemas: Summary: .* Invalid: 0, Errors: 0/);
  });

  it('kubeconform rejects a wrong type in a Kubernetes object and an unknown field in a CRD object', () => {
    const dir = overlay([
      { kind: 'Deployment', name: 'gateway', ops: [{ op: 'replace', path: '/spec/replicas', value: 'three' }] },
      { kind: 'KafkaTopic', name: 'messages.created', ops: [{ op: 'add', path: '/spec/partition', value: 3 }] },
    ]);
    const { status, output } = validate(dir);
    expect(status).toBe(1);
    expect(output).toMatch(/Deployment gateway is invalid.*\/spec\/replicas/);
    expect(output).toMatch(/KafkaTopic messages\.created is invalid.*additional properties 'partition' not allowed/);
    expect(output).toMatch(/Invalid: 2, Errors: 0/);
  });

  it('production with the external-S3 component (no MinIO) passes too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat4all-k8s-'));
    temps.push(dir);
    const rel = (...p: string[]) => relative(dir, join(ROOT, 'k8s', ...p));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', `resources: [${rel('overlays', 'production')}]`, `components: [${rel('components', 'external-s3')}]`, ''].join('\n'),
    );
    const { status, output } = validate('--production', dir);
    expect(output).toMatch(/schemas: Summary: .* Invalid: 0, Errors: 0/);
    expect(output).toMatch(/policy: ok .*production rules/);
    expect(status).toBe(0);
  });

  it('declares a KafkaTopic for every topic of @chat4all/contracts, and no other', () => {
    const docs = parseAllDocuments(readFileSync(join(ROOT, 'k8s', 'base', 'infra', 'kafka-topics.yaml'), 'utf8')).map(
      (d) => d.toJS() as { metadata: { name: string }; spec: { topicName?: string; config?: Record<string, unknown> } },
    );
    const declared = Object.fromEntries(docs.map((d) => [d.spec.topicName ?? d.metadata.name, d.spec.config ?? {}]));
    expect(Object.keys(declared).sort()).toEqual(TOPIC_SPECS.map((t) => t.name).sort());
    for (const spec of TOPIC_SPECS) {
      for (const [key, value] of Object.entries(spec.config ?? {})) expect(String(declared[spec.name][key])).toBe(value);
    }
  });
});
