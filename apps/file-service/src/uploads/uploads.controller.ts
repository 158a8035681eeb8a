import { BearerAuthGuard, CurrentPrincipal, RequireScopes, type Principal } from '@chat4all/auth-guard';
import { completeUploadSchema, initiateUploadSchema, listUploadsQuerySchema } from '@chat4all/contracts';
import { parseRequest, PlatformProblems, ProblemException } from '@chat4all/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { decodeCursor, encodeCursor, sha256FromContentDigest } from './upload.dto';
import { listItemView, sessionView, statusView } from './upload-views';
import { UploadsService } from './uploads.service';

// The spec's upload API (FR-FU-01..04, 09). The gateway forwards /v1/files/* here unchanged; this
// service checks the token itself, like every service.
@Controller('v1/files')
@UseGuards(BearerAuthGuard)
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post('initiate')
  @HttpCode(201)
  @RequireScopes('write')
  async initiate(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    const input = parseRequest(initiateUploadSchema, body);
    const upload = await this.uploads.initiate(caller.userId, {
      filename: input.filename,
      sizeBytes: input.size_bytes,
      mimeType: input.mime_type,
      sha256: input.sha256,
      conversationId: input.conversation_id,
      protocol: 'chunks',
    });
    return sessionView(upload);
  }

  @Patch('upload/:upload_id/:chunk_number')
  @RequireScopes('write')
  async chunk(@CurrentPrincipal() caller: Principal, @Param('upload_id') uploadId: string, @Param('chunk_number') chunkParam: string, @Req() req: FastifyRequest) {
    const chunkNumber = /^\d{1,9}$/.test(chunkParam) ? Number(chunkParam) : NaN;
    const digest = sha256FromContentDigest(header(req, 'content-digest'));
    if (digest === null) {
      throw new ProblemException(PlatformProblems.invalidRequest, 'Content-Digest must carry sha-256=:<base64 of 32 bytes>: (RFC 9530).', {
        errors: [{ field: 'content-digest', message: 'malformed sha-256 digest' }],
      });
    }
    const length = header(req, 'content-length');
    const { upload, alreadyReceived } = await this.uploads.putChunk(caller.userId, uploadId, chunkNumber, {
      stream: req.raw,
      contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
      expectedSha256: digest,
    });
    return {
      upload_id: upload.id,
      chunk_number: chunkNumber,
      already_received: alreadyReceived,
      chunks_received: upload.chunksReceived,
      total_chunks: upload.totalChunks,
      bytes_received: upload.bytesReceived,
    };
  }

  @Get('upload/:upload_id/status')
  @RequireScopes('read')
  async status(@CurrentPrincipal() caller: Principal, @Param('upload_id') uploadId: string) {
    const { upload, received } = await this.uploads.status(caller.userId, uploadId);
    return statusView(upload, received);
  }

  @Post('complete')
  @HttpCode(202)
  @RequireScopes('write')
  async complete(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    const { upload_id } = parseRequest(completeUploadSchema, body);
    const upload = await this.uploads.complete(caller.userId, upload_id);
    return { upload_id: upload.id, file_id: upload.id, status: upload.status };
  }

  @Get('uploads')
  @RequireScopes('read')
  async list(@CurrentPrincipal() caller: Principal, @Query() query: unknown) {
    const q = parseRequest(listUploadsQuerySchema, query, 'query');
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !before) {
      throw new ProblemException(PlatformProblems.invalidRequest, 'The cursor is not one this API returned.', { errors: [{ field: 'cursor', message: 'invalid' }] });
    }
    const uploads = await this.uploads.list(caller.userId, { status: q.status, limit: q.limit, before });
    const last = uploads.at(-1);
    return { uploads: uploads.map(listItemView), next_cursor: uploads.length === q.limit && last ? encodeCursor(last) : null };
  }

  /** Abandons an unfinished upload: its chunks are deleted now rather than by the GC. */
  @Delete('upload/:upload_id')
  @HttpCode(204)
  @RequireScopes('write')
  async abandon(@CurrentPrincipal() caller: Principal, @Param('upload_id') uploadId: string) {
    await this.uploads.remove(caller.userId, uploadId, { onlyUnfinished: true });
  }

  /** Deletes one of the caller's files (its content stays while another file has the same bytes). */
  @Delete(':file_id')
  @HttpCode(204)
  @RequireScopes('write')
  async delete(@CurrentPrincipal() caller: Principal, @Param('file_id') fileId: string) {
    await this.uploads.remove(caller.userId, fileId, { onlyUnfinished: false });
  }
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};
