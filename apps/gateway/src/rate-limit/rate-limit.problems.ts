import { defineProblemTypes, PlatformProblems } from '@chat4all/platform';

export const RateLimitProblems = defineProblemTypes({
  rateLimited: PlatformProblems.rateLimited,
  rateLimitUnavailable: { slug: 'rate-limit-unavailable', status: 503, title: 'Service temporarily unavailable' },
});
