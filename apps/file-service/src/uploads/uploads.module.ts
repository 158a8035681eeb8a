import { OutboxWriter, OUTBOX_TABLE_NAME } from '@chat4all/outbox';
import { Module } from '@nestjs/common';
import { ChunkWriter } from './chunk-writer';
import { UploadsController } from './uploads.controller';
import { UploadsRepository } from './uploads.repository';
import { UploadsService } from './uploads.service';

/** file-service's own outbox table (drained by outbox-relay like the gateway's). */
export const FILE_SERVICE_OUTBOX_TABLE = 'file_service.outbox_events';

@Module({
  controllers: [UploadsController],
  providers: [UploadsRepository, UploadsService, ChunkWriter, OutboxWriter, { provide: OUTBOX_TABLE_NAME, useValue: FILE_SERVICE_OUTBOX_TABLE }],
  exports: [UploadsRepository, UploadsService, ChunkWriter],
})
export class UploadsModule {}
