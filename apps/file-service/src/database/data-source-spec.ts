import { AuditEvent } from '@chat4all/audit';
import type { DataSourceSpec } from '@chat4all/database';
import { OutboxEvent } from '@chat4all/outbox';
import { Blob } from '../files/blob.entity';
import { FileUpload } from '../uploads/file-upload.entity';
import { UploadChunk } from '../uploads/upload-chunk.entity';
import { CreateFileUploads1764041600000 } from './migrations/1764041600000-create-file-uploads';

export const FILE_SERVICE_SCHEMA = 'file_service';

export const fileServiceDataSourceSpec: DataSourceSpec = {
  schema: FILE_SERVICE_SCHEMA,
  applicationName: 'file-service',
  entities: [FileUpload, UploadChunk, Blob, OutboxEvent, AuditEvent],
  migrations: [CreateFileUploads1764041600000],
};
