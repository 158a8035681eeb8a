import {
  csvList,
  databaseEnv,
  grpcServerEnv,
  intInRange,
  kafkaEnv,
  parseEnv,
  publicHttpEnv,
  redisEnv,
  s3Env,
  serviceEnv,
  toDatabaseConfig,
  tokenEnv,
  toKafkaConfig,
  toRedisConfig,
  toServiceConfig,
  toTokenVerificationConfig,
  toStorageConfig,
  grpcClientEnv,
  urlWithProtocol,
  type EnvSource,
} from '@chat4all/config';
import { z } from 'zod';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

// The file types accepted unless FILE_ALLOWED_MIME_TYPES says otherwise: pictures, video, audio,
// documents and archives people send in chats. Each is checked against the content's magic bytes.
export const DEFAULT_ALLOWED_MIME_TYPES = [
  'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic',
  'video/mp4', 'video/quicktime', 'video/webm', 'video/3gpp',
  'audio/mpeg', 'audio/mp4', 'audio/ogg', 'audio/aac', 'audio/wav', 'audio/webm',
  'application/pdf', 'application/zip',
  'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'text/plain', 'text/csv', 'application/json',
];

const schema = z
  .object({
    ...serviceEnv({ internalPort: 9083 }),
    // The upload API (the gateway streams /v1/files/* here; not meant to be exposed by itself).
    ...publicHttpEnv({ httpPort: 8083 }),
    ...grpcServerEnv({ grpcPort: 50053 }),
    ...databaseEnv,
    ...kafkaEnv,
    ...redisEnv,
    ...s3Env,
    ...tokenEnv,
    ...grpcClientEnv('AUTH_GRPC_URL', '127.0.0.1:50051'),
    // Where presigned download URLs point (what clients and the messaging platforms can reach); the
    // S3 endpoint when unset.
    S3_PUBLIC_ENDPOINT: urlWithProtocol('http', 'https').optional(),
    // Largest file (SC-002: 2 GiB).
    FILE_MAX_SIZE_BYTES: intInRange(1, 5 * 1024 * GiB).default(2 * GiB),
    // Chunk size handed out by initiate and used by tus (FR-FU-01: 5-10 MiB; every chunk but the last
    // becomes one part of an S3 multipart merge, and S3 parts are at least 5 MiB).
    FILE_CHUNK_SIZE_BYTES: intInRange(5 * MiB, 10 * MiB).default(8 * MiB),
    FILE_ALLOWED_MIME_TYPES: csvList().pipe(z.array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+*-]+$/, 'must be a MIME type (type/subtype or type/*)'))).default(DEFAULT_ALLOWED_MIME_TYPES),
    // Characters of a file name once cleaned (path and control characters removed).
    FILE_NAME_MAX_CHARS: intInRange(16, 1024).default(255),
    // An upload not completed this long after it started expires (tus Upload-Expires) and the GC removes it (FR-FU-10).
    FILE_UPLOAD_TTL_SECONDS: intInRange(60, 30 * 24 * 3600).default(24 * 3600),
    // Unfinished uploads one user may have at once.
    FILE_MAX_OPEN_UPLOADS_PER_USER: intInRange(1, 10_000).default(50),
    // How often the GC looks for expired uploads (daily by default; several instances may run it).
    FILE_GC_INTERVAL_SECONDS: intInRange(1, 7 * 24 * 3600).default(24 * 3600),
    // Uploads removed per GC transaction.
    FILE_GC_BATCH_SIZE: intInRange(1, 10_000).default(100),
    // Lifetime of a presigned download URL.
    FILE_DOWNLOAD_URL_TTL_SECONDS: intInRange(10, 7 * 24 * 3600).default(300),
    // Part copies a merge runs at once (server-side, in MinIO).
    FILE_MERGE_CONCURRENCY: intInRange(1, 64).default(4),
    // Consumer group of files.merge-requested.
    FILE_MERGE_CONSUMER_GROUP: z.string().min(1).default('file-service.merge'),
    // A chunk whose bytes stop arriving for this long is abandoned (its request fails, nothing is kept).
    FILE_CHUNK_IDLE_TIMEOUT_MS: intInRange(1_000, 600_000).default(60_000),
  })
  .superRefine((e, ctx) => {
    if (e.FILE_CHUNK_SIZE_BYTES > e.FILE_MAX_SIZE_BYTES && e.FILE_MAX_SIZE_BYTES >= 5 * MiB) {
      ctx.addIssue({ code: 'custom', path: ['FILE_CHUNK_SIZE_BYTES'], message: 'must not exceed FILE_MAX_SIZE_BYTES' });
    }
  });

export function loadFileServiceConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('file-service', env),
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('file-service', env),
    redis: toRedisConfig(env),
    storage: toStorageConfig(env),
    grpc: { url: `${env.GRPC_HOST}:${env.GRPC_PORT}` },
    auth: toTokenVerificationConfig(env),
    files: {
      publicEndpoint: env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT,
      maxSizeBytes: env.FILE_MAX_SIZE_BYTES,
      chunkSizeBytes: env.FILE_CHUNK_SIZE_BYTES,
      allowedMimeTypes: env.FILE_ALLOWED_MIME_TYPES,
      nameMaxChars: env.FILE_NAME_MAX_CHARS,
      uploadTtlSeconds: env.FILE_UPLOAD_TTL_SECONDS,
      maxOpenUploadsPerUser: env.FILE_MAX_OPEN_UPLOADS_PER_USER,
      gcIntervalSeconds: env.FILE_GC_INTERVAL_SECONDS,
      gcBatchSize: env.FILE_GC_BATCH_SIZE,
      downloadUrlTtlSeconds: env.FILE_DOWNLOAD_URL_TTL_SECONDS,
      mergeConcurrency: env.FILE_MERGE_CONCURRENCY,
      mergeConsumerGroup: env.FILE_MERGE_CONSUMER_GROUP,
      chunkIdleTimeoutMs: env.FILE_CHUNK_IDLE_TIMEOUT_MS,
    },
  };
}

export const loadFileServiceDatabaseConfig = (source?: EnvSource) => toDatabaseConfig(parseEnv(z.object(databaseEnv), source));

export type FileServiceConfig = ReturnType<typeof loadFileServiceConfig>;
export type FileSettings = FileServiceConfig['files'];
export const FILE_SETTINGS = Symbol('FILE_SETTINGS');
