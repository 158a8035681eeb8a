export { RateLimiter, rateLimitHeaders } from './rate-limiter';
export type { RateLimitDecision, RateLimitPolicy, StoreFailureMode } from './rate-limiter';
