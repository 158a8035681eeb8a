import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument } from './asyncapi';
import { openApiDocument } from './openapi';

// The committed contracts (docs/openapi.json, docs/asyncapi.json) are what the schemas generate:
// `npm run contracts` rewrites them after a change.
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const committed = (file: string) => readFileSync(join(REPO_ROOT, 'docs', file), 'utf8');
export const renderContract = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;

const BLOCKING = new Set<number>([DiagnosticSeverity.Error, DiagnosticSeverity.Warning]);

describe('contracts', () => {
  it.each([
    ['openapi.json', openApiDocument],
    ['asyncapi.json', asyncApiDocument],
  ])('docs/%s is what the schemas generate (else: npm run contracts)', (file, generate) => {
    expect(committed(file)).toBe(renderContract(generate()));
  });

  it('the AsyncAPI document is valid for @asyncapi/parser', async () => {
    const { diagnostics } = await new Parser().parse(committed('asyncapi.json'));
    const problems = diagnostics
      .filter((d) => BLOCKING.has(Number(d.severity))).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it('every problem type an operation lists is documented in docs/api.md', () => {
    const api = committed('api.md');
    const types = new Set(JSON.stringify(openApiDocument()).match(/https:\/\/chat4all\.dev\/problems\/[a-z0-9-]+/g));
    const missing = [...types].map((t) => t.split('/').at(-1)!).filter((slug) => !api.includes(`\`${slug}\``));
    expect(missing).toEqual([]);
  });
});
