import { defineProblemTypes } from '@chat4all/platform';

// What a protected route answers about its caller's credentials (a missing token is the platform's
// `unauthorized`).
export const AuthProblems = defineProblemTypes({
  invalidToken: { slug: 'invalid-token', status: 401, title: 'Invalid access token' },
  insufficientScope: { slug: 'insufficient-scope', status: 403, title: 'Insufficient scope' },
  authUnavailable: { slug: 'auth-unavailable', status: 503, title: 'Authentication is temporarily unavailable' },
});
