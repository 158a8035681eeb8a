export { connectAtStartup, createRedisClient, createRedisSubscriber, isPermanentRedisError } from './redis.client';
export { REDIS, RedisHealth, RedisModule } from './redis.module';
