import { ObjectStorage } from '@chat4all/storage';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { FILE_SETTINGS, type FileSettings } from '../config';
import { ObjectKeys } from '../uploads/object-keys';
import { UploadsRepository } from '../uploads/uploads.repository';

const reclaimedBytes = new Counter({ name: 'file_service_gc_reclaimed_bytes_total', help: 'Bytes of abandoned uploads deleted from MinIO by the GC' });
const removedUploads = new Counter({ name: 'file_service_gc_uploads_removed_total', help: 'Abandoned (expired, unfinished) uploads removed by the GC' });
const abortedMultiparts = new Counter({ name: 'file_service_gc_multipart_aborted_total', help: 'S3 multipart uploads of interrupted merges aborted by the GC' });
const lastRun = new Gauge({ name: 'file_service_gc_last_run_timestamp_seconds', help: 'When the GC last finished a run' });

/** A merge's multipart upload older than this was interrupted (the redelivered merge started a new one). */
const STALE_MULTIPART_MS = 3600 * 1000;

// FR-FU-10, SC-019: every FILE_GC_INTERVAL_SECONDS, uploads still UPLOADING past their expiry (24 h by
// default) are deleted from PostgreSQL and MinIO, in batches. Rows are taken FOR UPDATE SKIP LOCKED,
// so instances running the GC at the same moment share the work; objects are deleted before the rows,
// so a crash between the two leaves rows that the next run deletes again.
@Injectable()
export class UploadGc implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UploadGc.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly uploads: UploadsRepository,
    private readonly storage: ObjectStorage,
    @Inject(FILE_SETTINGS) private readonly settings: FileSettings,
  ) {}

  onApplicationBootstrap(): void {
    // The first run soon after start (a platform restarted daily still collects), then every interval.
    const first = Math.min(this.settings.gcIntervalSeconds, 300) * 1000;
    this.timer = setTimeout(() => this.tick(), first);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    this.running = this.runOnce()
      .catch((error: unknown) => this.logger.error({ err: error, message: 'upload GC run failed; next run at the next interval' }))
      .finally(() => {
        if (this.timer === undefined) return;
        this.timer = setTimeout(() => this.tick(), this.settings.gcIntervalSeconds * 1000);
        this.timer.unref();
      });
  }

  /** One pass; returns what it removed. */
  async runOnce(): Promise<{ uploads: number; bytes: number; multipartsAborted: number }> {
    let uploads = 0;
    let bytes = 0;
    for (;;) {
      const batch = await this.uploads.transaction(async (tx) => {
        const expired = await this.uploads.lockExpired(tx, this.settings.gcBatchSize);
        let freed = 0;
        for (const u of expired) freed += await this.storage.deletePrefix(ObjectKeys.uploadPrefix(u.id));
        if (expired.length > 0) await this.uploads.deleteLocked(tx, expired.map((u) => u.id));
        return { count: expired.length, freed };
      });
      uploads += batch.count;
      bytes += batch.freed;
      reclaimedBytes.inc(batch.freed);
      removedUploads.inc(batch.count);
      if (batch.count < this.settings.gcBatchSize) break;
    }
    const multipartsAborted = await this.storage.abortMultipartUploads(ObjectKeys.blobPrefix, new Date(Date.now() - STALE_MULTIPART_MS));
    abortedMultiparts.inc(multipartsAborted);
    lastRun.set(Date.now() / 1000);
    if (uploads > 0 || multipartsAborted > 0) this.logger.log({ uploads_removed: uploads, bytes_reclaimed: bytes, multiparts_aborted: multipartsAborted, message: 'upload GC run' });
    return { uploads, bytes, multipartsAborted };
  }
}
