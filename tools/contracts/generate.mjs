#!/usr/bin/env node
// npm run contracts: writes docs/openapi.json and docs/asyncapi.json from the zod schemas in
// @chat4all/contracts (built into dist/ by npm run build). A unit test fails while they differ.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const contracts = require(join(root, 'dist', 'libs', 'contracts', 'src', 'index.js'));
const render = (document) => `${JSON.stringify(document, null, 2)}\n`;
for (const [file, document] of [
  ['openapi.json', contracts.openApiDocument()],
  ['asyncapi.json', contracts.asyncApiDocument()],
]) {
  writeFileSync(join(root, 'docs', file), render(document));
  console.log(`contracts: docs/${file}`);
}
