export { connectAtStartup, createRedisClient, createRedisSubscriber, isPermanentRedisError } from './redis.client';
export { REDIS, RedisHealth, RedisModule } from './redis.module';
export { countRedisErrors } from './redis-metrics';
export { decodeFanoutMessage, encodeFanoutMessage, RealtimeFanout } from './realtime-fanout';
export type { FanoutResult } from './realtime-fanout';
