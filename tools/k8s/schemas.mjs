#!/usr/bin/env node
// Turns the schemas that tools/k8s/validate.sh fetched into kubeconform's local layout (what its
// openapi2jsonschema does, in short):
//
//   node tools/k8s/schemas.mjs kubernetes <swagger.json> <out> <version>
//     the Kubernetes OpenAPI v2 document (api/openapi-spec/swagger.json of the k8s.io/kubernetes
//     module) -> <out>/v<version>-standalone-strict/<kind>-<group>-<version>.json, one file per kind,
//     every definition it refers to inside it (standalone);
//   node tools/k8s/schemas.mjs crds <out> <crd.yaml>...
//     CustomResourceDefinitions -> <out>/<group>/<kind>_<version>.json from each version's openAPIV3Schema.
//
// Strict, like kubeconform -strict: an object schema that lists its properties gets
// additionalProperties: false (unless it keeps unknown fields, x-kubernetes-preserve-unknown-fields),
// so a misspelt field fails. Optional fields may be null, as the API server accepts; int-or-string
// fields take either; a Quantity is a string or a number. Descriptions are dropped (size).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = [{ type: 'string' }, { type: 'integer' }];

/** One schema node, converted (a new object; the input is not changed). */
export function convertNode(node, { nullableOptional }) {
  if (Array.isArray(node)) return node.map((n) => convertNode(n, { nullableOptional }));
  if (node === null || typeof node !== 'object') return node;
  if (node.format === 'int-or-string' || node['x-kubernetes-int-or-string'] === true) return { oneOf: INT_OR_STRING };
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, prop]) => [name, convertNode(prop, { nullableOptional })]));
    } else if (key === 'nullable') {
      continue;
    } else {
      out[key] = convertNode(value, { nullableOptional });
    }
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (nullableOptional && out.properties) {
    const required = new Set(node.required ?? []);
    for (const [name, prop] of Object.entries(out.properties)) {
      if (!required.has(name) && typeof prop.type === 'string') out.properties[name] = { ...prop, type: [prop.type, 'null'] };
    }
  }
  if (out.properties && out.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function refsOf(node, found = new Set()) {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, found));
  else if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string') found.add(node.$ref.replace('#/definitions/', ''));
    Object.values(node).forEach((v) => refsOf(v, found));
  }
  return found;
}

export const kubeconformKindFile = (kind, group, version) =>
  `${kind.toLowerCase()}${group ? `-${group.split('.')[0].toLowerCase()}` : ''}-${version.toLowerCase()}.json`;

export function kubernetesSchemas(swagger) {
  const definitions = {};
  for (const [name, def] of Object.entries(swagger.definitions)) {
    definitions[name] = name === QUANTITY ? { oneOf: [{ type: 'string' }, { type: 'number' }] } : convertNode(def, { nullableOptional: true });
  }
  const files = {};
  for (const [name, def] of Object.entries(swagger.definitions)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      const reachable = new Set();
      const queue = [...refsOf(definitions[name])];
      while (queue.length > 0) {
        const ref = queue.pop();
        if (reachable.has(ref)) continue;
        reachable.add(ref);
        queue.push(...refsOf(definitions[ref]));
      }
      const schema = { ...definitions[name], definitions: Object.fromEntries([...reachable].sort().map((r) => [r, definitions[r]])) };
      files[kubeconformKindFile(gvk.kind, gvk.group, gvk.version)] = schema;
    }
  }
  return files;
}

export function crdSchemas(texts) {
  const files = {};
  for (const text of texts) {
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (!schema) continue;
        files[join(crd.spec.group, `${crd.spec.names.kind.toLowerCase()}_${version.name}.json`)] = convertNode(schema, { nullableOptional: false });
      }
    }
  }
  return files;
}

function write(dir, files) {
  for (const [file, schema] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(schema));
  }
  return Object.keys(files).length;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'kubernetes' && args.length === 3) {
    const [swaggerFile, out, version] = args;
    const n = write(join(out, `v${version.replace(/^v/, '')}-standalone-strict`), kubernetesSchemas(JSON.parse(readFileSync(swaggerFile, 'utf8'))));
    process.stdout.write(`schemas: ${n} Kubernetes kinds\n`);
  } else if (command === 'crds' && args.length >= 2) {
    const [out, ...crdFiles] = args;
    const n = write(out, crdSchemas(crdFiles.map((f) => readFileSync(f, 'utf8'))));
    process.stdout.write(`schemas: ${n} CRD versions\n`);
  } else {
    process.stderr.write('usage: schemas.mjs kubernetes <swagger.json> <out> <version> | crds <out> <crd.yaml>...\n');
    process.exit(2);
  }
}
