import { createAuditEventsTable } from '@chat4all/audit';
import { createOutboxEventsTable } from '@chat4all/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// file-service's tables (issue 12): uploads (an upload that completes is the file, same id), their
// chunks, the deduplicated objects (one per SHA-256), and file-service's own transactional outbox,
// drained by outbox-relay like the gateway's.
export class CreateFileUploads1764041600000 implements MigrationInterface {
  name = 'CreateFileUploads1764041600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "file_service"`);
    await q.query(
      `CREATE TABLE "file_service"."blobs" (
        "sha256" text NOT NULL,
        "object_key" text NOT NULL,
        "size_bytes" bigint NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_blobs" PRIMARY KEY ("sha256")
      )`,
    );
    await q.query(
      `CREATE TABLE "file_service"."file_uploads" (
        "id" uuid NOT NULL,
        "owner_id" uuid NOT NULL,
        "protocol" text NOT NULL,
        "filename" text NOT NULL,
        "mime_type" text NOT NULL,
        "size_bytes" bigint NOT NULL,
        "chunk_size" integer NOT NULL,
        "total_chunks" integer NOT NULL,
        "declared_sha256" text,
        "conversation_id" uuid,
        "status" text NOT NULL DEFAULT 'UPLOADING',
        "chunks_received" integer NOT NULL DEFAULT 0,
        "bytes_received" bigint NOT NULL DEFAULT 0,
        "hash_state" bytea,
        "hashed_chunks" integer NOT NULL DEFAULT 0,
        "sniffed_mime_type" text,
        "tail_bytes" integer NOT NULL DEFAULT 0,
        "tail_key" text,
        "sha256" text,
        "failure_code" text,
        "failure_reason" text,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "completed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_file_uploads" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_file_uploads_status" CHECK ("status" IN ('UPLOADING', 'MERGING', 'COMPLETED', 'FAILED')),
        CONSTRAINT "CHK_file_uploads_protocol" CHECK ("protocol" IN ('chunks', 'tus')),
        CONSTRAINT "FK_file_uploads_blob" FOREIGN KEY ("sha256") REFERENCES "file_service"."blobs" ("sha256")
      )`,
    );
    // The caller's uploads by status (GET /v1/files/uploads), and the GC's expired ones.
    await q.query(`CREATE INDEX "IDX_file_uploads_owner" ON "file_service"."file_uploads" ("owner_id", "status", "created_at")`);
    await q.query(`CREATE INDEX "IDX_file_uploads_expiring" ON "file_service"."file_uploads" ("expires_at") WHERE "status" = 'UPLOADING'`);
    await q.query(`CREATE INDEX "IDX_file_uploads_sha256" ON "file_service"."file_uploads" ("sha256") WHERE "sha256" IS NOT NULL`);
    await q.query(
      `CREATE TABLE "file_service"."file_upload_chunks" (
        "upload_id" uuid NOT NULL,
        "chunk_number" integer NOT NULL,
        "size_bytes" integer NOT NULL,
        "object_key" text NOT NULL,
        "sha256" text,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_file_upload_chunks" PRIMARY KEY ("upload_id", "chunk_number"),
        CONSTRAINT "FK_file_upload_chunks_upload" FOREIGN KEY ("upload_id") REFERENCES "file_service"."file_uploads" ("id") ON DELETE CASCADE
      )`,
    );
    await createOutboxEventsTable(q, 'file_service');
    // Dead letters of the merge consumer are security events (NFR-022), as in every app that dead-letters.
    await createAuditEventsTable(q, 'file_service');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "file_service"."audit_events"`);
    await q.query(`DROP TABLE "file_service"."outbox_events"`);
    await q.query(`DROP TABLE "file_service"."file_upload_chunks"`);
    await q.query(`DROP TABLE "file_service"."file_uploads"`);
    await q.query(`DROP TABLE "file_service"."blobs"`);
  }
}
