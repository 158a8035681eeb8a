import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './app-process';

/**
 * The slugs of the given problem catalogues that docs/api.md does not list (as `slug` in its errors
 * table): each app's catalogue spec expects none, so a new problem type cannot ship undocumented.
 */
export function undocumentedProblemTypes(...catalogues: Record<string, { slug: string }>[]): string[] {
  const docs = readFileSync(join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
  const slugs = [...new Set(catalogues.flatMap((c) => Object.values(c).map((p) => p.slug)))];
  return slugs.filter((slug) => !docs.includes(`\`${slug}\``));
}
