import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

// openapi-typescript is an ES module: generated in a child process, with the options npm run contracts uses.
const GENERATE = `
import openapiTS, { astToString } from 'openapi-typescript';
const ast = await openapiTS(new URL('file://${join(ROOT, 'docs', 'openapi.json')}'), { defaultNonNullable: false });
process.stdout.write(astToString(ast));
`;

describe('the SDK types', () => {
  it('are what openapi-typescript generates from docs/openapi.json (else: npm run contracts)', () => {
    const generated = execFileSync(process.execPath, ['--input-type=module', '-e', GENERATE], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const committed = readFileSync(join(__dirname, 'generated', 'openapi.ts'), 'utf8');
    // After its one-line header.
    expect(committed.slice(committed.indexOf('\n') + 1)).toBe(generated);
  });
});
