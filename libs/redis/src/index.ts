export { createRedisClient, createRedisSubscriber } from './redis.client';
export { REDIS, RedisHealth, RedisModule } from './redis.module';
