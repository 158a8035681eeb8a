import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

// Every app parses its environment exactly once at start-up; a missing or bad value stops the app with
// a message that names the variable (issue 2, ARCHITECTURE §6).
export function parseEnv<S extends z.ZodType>(schema: S, source: EnvSource = process.env): z.infer<S> {
  // Treat empty strings as unset so `FOO=` falls back to the default instead of failing oddly.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(root)';
        const given = cleaned[String(issue.path[0])];
        return given === undefined ? `${name}: is required (${issue.message})` : `${name}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}
