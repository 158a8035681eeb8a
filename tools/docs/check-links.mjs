#!/usr/bin/env node
// Checks the repository's Markdown links: README.md and every docs/**/*.md.
//
// For each link or image target, `[text](target)` or `![alt](target)` (and reference definitions,
// `[label]: target`), that is relative (not http:, https:, mailto: or another scheme, and not a pure
// #anchor), the #anchor is stripped and the target must exist relative to the file containing the
// link (a target starting with `/` is taken from the repository root). Links inside fenced code blocks
// and inline code spans are not links and are skipped.
//
// Also fails when a file contains the string "../shared" anywhere, code included: the docs must stand
// on their own.
//
// Prints `docs: N links checked, all resolve`, or one `file:line: broken link <target>` line per
// problem and exits 1. No dependencies: node >= 18.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FORBIDDEN = '../shared';

function markdownFiles() {
  const files = [];
  if (existsSync(join(ROOT, 'README.md'))) files.push(join(ROOT, 'README.md'));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) files.push(path);
    }
  };
  const docs = join(ROOT, 'docs');
  if (existsSync(docs) && statSync(docs).isDirectory()) walk(docs);
  return files;
}

/** The text with fenced code blocks and inline code spans blanked out (same length, newlines kept). */
function withoutCode(text) {
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  let fence = null; // the opening run of backticks or tildes while inside a fenced block
  const lines = text.split('\n').map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === null) {
      if (marker) fence = marker;
      return marker ? blank(line) : line;
    }
    // A closing fence: the same character, at least as many, nothing else on the line.
    if (marker && marker[0] === fence[0] && marker.length >= fence.length && /^ {0,3}(`+|~+)\s*$/.test(line)) fence = null;
    return blank(line);
  });
  // Inline code: a run of N backticks up to the next run of exactly N, within one paragraph.
  return lines.join('\n').replace(/(`+)((?:(?!\n[ \t]*\n)[\s\S])*?[^`])\1(?!`)/g, (m) => blank(m));
}

/** Reads a link destination starting at `i` (just after the opening parenthesis). */
function destinationAt(text, i) {
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '<') {
    const end = text.indexOf('>', i + 1);
    return end < 0 ? null : text.slice(i + 1, end);
  }
  let depth = 0;
  let j = i;
  for (; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    } else if (/\s/.test(c)) break;
  }
  return j > i ? text.slice(i, j) : null;
}

function linksOf(text) {
  const links = [];
  const scan = withoutCode(text);
  for (let i = scan.indexOf(']('); i >= 0; i = scan.indexOf('](', i + 2)) {
    const target = destinationAt(scan, i + 2);
    if (target !== null) links.push({ target, index: i });
  }
  const definition = /^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/gm;
  for (let m = definition.exec(scan); m; m = definition.exec(scan)) {
    links.push({ target: m[1].replace(/^<|>$/g, ''), index: m.index });
  }
  return links;
}

const lineOf = (text, index) => text.slice(0, index).split('\n').length;
const isExternal = (target) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

const problems = [];
let checked = 0;
for (const file of markdownFiles()) {
  const text = readFileSync(file, 'utf8');
  const name = relative(ROOT, file).split(sep).join('/');
  for (let i = text.indexOf(FORBIDDEN); i >= 0; i = text.indexOf(FORBIDDEN, i + 1)) {
    problems.push(`${name}:${lineOf(text, i)}: mentions ${FORBIDDEN} (the docs must not point outside the repository)`);
  }
  for (const { target, index } of linksOf(text)) {
    if (target === '' || target.startsWith('#') || isExternal(target)) continue;
    checked++;
    let path = target.replace(/[#?].*$/, '');
    if (path === '') continue;
    try {
      path = decodeURI(path);
    } catch {
      // keep it as written
    }
    const resolved = path.startsWith('/') ? join(ROOT, path) : resolve(dirname(file), path);
    if (!existsSync(resolved)) problems.push(`${name}:${lineOf(text, index)}: broken link ${target}`);
  }
}

if (problems.length > 0) {
  for (const p of problems) console.log(p);
  process.exit(1);
}
console.log(`docs: ${checked} links checked, all resolve`);
