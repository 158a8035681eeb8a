import type { z } from 'zod';
import { ProblemException } from './problem.filter';
import { PlatformProblems } from '@chat4all/contracts';

// Request bodies and queries are validated by a schema; every violation is listed in the 400 problem
// (`errors: [{field, message}]`) so a client can fix them all at once. No body at all is an empty
// one; a JSON `null` is a body, and not an object.
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(input === undefined ? {} : input);
  if (result.success) return result.data;
  throw new ProblemException(PlatformProblems.invalidRequest, `The request ${what} is invalid.`, {
    errors: result.error.issues.map((i) => ({ field: i.path.join('.') || what, message: i.message })),
  });
}
