import { BearerAuthGuard, CurrentPrincipal, RequireScopes, type Principal } from '@chat4all/auth-guard';
import { Controller, Delete, Get, Head, Options, Param, Patch, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StreamedAsIs } from '../idempotency/idempotency.interceptor';
import { NotCountedAsWrite } from '../rate-limit/write-rate-limit.interceptor';
import { FileAccess } from './file-access.service';
import { FileProxy } from './file-proxy';

// Route constraints, so that /v1/files/{file_id} does not also match /v1/files/complete (and the
// chunk route /v1/files/upload/{id}/status): another path there is a 404, and Allow lists only what
// the path really has.
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const CHUNK_NUMBER = '\\d{1,9}';

// /v1/files: downloads are answered here (who may see a file depends on conversations, which the
// gateway owns); the upload API and tus are streamed to file-service as they are, after the token and
// scope checks, so no chunk is ever held in the gateway's memory.
@Controller('v1/files')
export class FilesController {
  constructor(
    private readonly access: FileAccess,
    private readonly proxy: FileProxy,
  ) {}

  @Post('initiate')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  @StreamedAsIs()
  initiate(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Patch(`upload/:upload_id/:chunk_number(${CHUNK_NUMBER})`)
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  @NotCountedAsWrite()
  chunk(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Get('upload/:upload_id/status')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('read')
  status(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Delete('upload/:upload_id')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  abandon(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Post('complete')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  @StreamedAsIs()
  complete(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Get('uploads')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('read')
  uploads(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  // tus 1.0 (docs/files.md). OPTIONS is discovery and carries no token.
  @Options('tus')
  tusOptions(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Post('tus')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  @StreamedAsIs()
  tusCreate(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Head('tus/:upload_id')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('read')
  tusHead(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Patch('tus/:upload_id')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  @NotCountedAsWrite()
  tusPatch(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Delete('tus/:upload_id')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  tusDelete(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  @Options('tus/:upload_id')
  tusOptionsOne(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }

  /** A file's metadata and a short-lived download URL, for its uploader and members of a conversation it was sent in. */
  @Get(`:file_id(${UUID})`)
  @UseGuards(BearerAuthGuard)
  @RequireScopes('read')
  async get(@CurrentPrincipal() caller: Principal, @Param('file_id') fileId: string) {
    const file = await this.access.visible(caller.userId, fileId, true);
    return {
      file_id: file.fileId,
      status: file.status,
      filename: file.filename,
      mime_type: file.mimeType,
      size_bytes: Number(file.sizeBytes),
      sha256: file.sha256 || null,
      created_at: file.createdAt,
      completed_at: file.completedAt || null,
      download_url: file.downloadUrl || null,
      download_url_expires_at: file.downloadUrlExpiresAt || null,
    };
  }

  /** Deleting a file is its owner's, in file-service. */
  @Delete(`:file_id(${UUID})`)
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  delete(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.proxy.forward(req, reply);
  }
}
