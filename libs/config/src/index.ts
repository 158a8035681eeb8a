export { ConfigError, parseEnv } from './parse-env';
export { loadConfigOrExit } from './load-or-exit';
export type { EnvSource } from './parse-env';
export { bool, csvList, hostPort, intInRange, port, urlWithProtocol } from './env-types';
export { databaseEnv, DEFAULT_GRPC_METHOD_DEADLINES_MS, grpcClientEnv, grpcServerEnv, kafkaEnv, publicHttpEnv, redisEnv, s3Env, serviceEnv, tokenEnv } from './fragments';
export { toDatabaseConfig, toKafkaConfig, toRedisConfig, toServiceConfig, toStorageConfig, toTokenVerificationConfig } from './configs';
export type { CircuitBreakerConfig, DatabaseConfig, GrpcClientCallConfig, KafkaConfig, PublicHttpConfig, RedisConfig, ServiceConfig, StorageConfig, TokenVerificationConfig } from './configs';
