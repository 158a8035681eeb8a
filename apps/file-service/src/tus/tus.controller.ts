import { BearerAuthGuard, CurrentPrincipal, RequireScopes, type Principal } from '@chat4all/auth-guard';
import { PlatformProblems, ProblemException } from '@chat4all/platform';
import { Controller, Delete, Head, HttpCode, Inject, Logger, Options, Param, Patch, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FILE_SETTINGS, type FileSettings } from '../config';
import type { Upload } from '../uploads/uploads.repository';
import { encodeMetadata, httpDate, parseByteCount, parseChecksum, parseMetadata, TUS_CHECKSUM_ALGORITHMS, TUS_CONTENT_TYPE, TUS_EXTENSIONS, TUS_VERSION } from './tus-headers';
import { TusResumableGuard } from './tus-resumable.guard';
import { TusService } from './tus.service';

// tus 1.0.0 (core, creation, creation-with-upload, checksum, termination, expiration) at
// /v1/files/tus; the gateway forwards these routes unchanged. Hand-written rather than @tus/server,
// which brings its own S3 layout and no checksum extension: this one writes the same chunk rows and
// objects as the spec API, so status, listing, merge and GC treat both alike.
@Controller('v1/files/tus')
@UseGuards(TusResumableGuard)
export class TusController {
  private readonly logger = new Logger(TusController.name);

  constructor(
    private readonly tus: TusService,
    @Inject(FILE_SETTINGS) private readonly settings: FileSettings,
  ) {}

  /** Discovery; no token. */
  @Options()
  @HttpCode(204)
  options(@Res({ passthrough: true }) reply: FastifyReply): void {
    this.describe(reply);
  }

  @Options(':upload_id')
  @HttpCode(204)
  optionsOne(@Res({ passthrough: true }) reply: FastifyReply): void {
    this.describe(reply);
  }

  @Post()
  @HttpCode(201)
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  async create(@CurrentPrincipal() caller: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    if (header(req, 'upload-defer-length') !== undefined) {
      throw new ProblemException(PlatformProblems.invalidRequest, 'Upload-Defer-Length is not supported; send Upload-Length.', { errors: [{ field: 'upload-defer-length', message: 'not supported' }] });
    }
    const uploadLength = parseByteCount('Upload-Length', header(req, 'upload-length'));
    if (uploadLength === undefined) throw new ProblemException(PlatformProblems.invalidRequest, 'Send Upload-Length.', { errors: [{ field: 'upload-length', message: 'required' }] });
    const checksum = parseChecksum(header(req, 'upload-checksum'));
    const upload = await this.tus.create(caller.userId, { uploadLength, metadata: parseMetadata(header(req, 'upload-metadata')) });
    void reply.header('location', `/v1/files/tus/${upload.id}`).header('upload-expires', httpDate(upload.expiresAt));
    const length = parseByteCount('Content-Length', header(req, 'content-length'));
    if (isTusBody(req) && length !== undefined && length > 0) {
      // creation-with-upload: the upload exists whatever happens to its first bytes; the answer says how far they got.
      const offset = await this.tus.patch(caller.userId, upload.id, { offset: 0, contentLength: length, stream: req.raw, checksum }).catch(async (error: unknown) => {
        this.logger.warn({ err: error, upload_id: upload.id, message: 'tus creation-with-upload: the first bytes were not all stored' });
        return (await this.tus.find(caller.userId, upload.id)).bytesReceived;
      });
      void reply.header('upload-offset', String(offset));
    }
  }

  @Head(':upload_id')
  @UseGuards(BearerAuthGuard)
  @RequireScopes('read')
  async head(@CurrentPrincipal() caller: Principal, @Param('upload_id') uploadId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    // Any upload of the caller's can be inspected over tus (a chunk-API one too); only tus ones take PATCHes.
    const { upload, offset } = await this.tus.head(caller.userId, uploadId, { inspectOnly: true });
    void reply
      .header('cache-control', 'no-store')
      .header('upload-offset', String(offset))
      .header('upload-length', String(upload.sizeBytes))
      .header('upload-metadata', metadataOf(upload));
    if (upload.status === 'UPLOADING') void reply.header('upload-expires', httpDate(upload.expiresAt));
  }

  @Patch(':upload_id')
  @HttpCode(204)
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  async patch(@CurrentPrincipal() caller: Principal, @Param('upload_id') uploadId: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    if (!isTusBody(req)) throw new ProblemException(PlatformProblems.unsupportedMediaType, `A tus PATCH carries Content-Type: ${TUS_CONTENT_TYPE}.`);
    const offset = parseByteCount('Upload-Offset', header(req, 'upload-offset'));
    if (offset === undefined) throw new ProblemException(PlatformProblems.invalidRequest, 'Send Upload-Offset.', { errors: [{ field: 'upload-offset', message: 'required' }] });
    const checksum = parseChecksum(header(req, 'upload-checksum'));
    const next = await this.tus.patch(caller.userId, uploadId, { offset, contentLength: parseByteCount('Content-Length', header(req, 'content-length')), stream: req.raw, checksum });
    const upload = await this.tus.find(caller.userId, uploadId);
    void reply.header('upload-offset', String(next));
    if (upload.status === 'UPLOADING') void reply.header('upload-expires', httpDate(upload.expiresAt));
  }

  @Delete(':upload_id')
  @HttpCode(204)
  @UseGuards(BearerAuthGuard)
  @RequireScopes('write')
  async terminate(@CurrentPrincipal() caller: Principal, @Param('upload_id') uploadId: string): Promise<void> {
    await this.tus.terminate(caller.userId, uploadId);
  }

  private describe(reply: FastifyReply): void {
    void reply.headers({
      'tus-version': TUS_VERSION,
      'tus-extension': TUS_EXTENSIONS,
      'tus-max-size': String(this.settings.maxSizeBytes),
      'tus-checksum-algorithm': TUS_CHECKSUM_ALGORITHMS.join(','),
    });
  }
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const isTusBody = (req: FastifyRequest): boolean => (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase() === TUS_CONTENT_TYPE;

/** What the upload was created with, as far as the row keeps it (the cleaned file name). */
const metadataOf = (u: Upload): string => encodeMetadata({ filename: u.filename, filetype: u.mimeType, conversation_id: u.conversationId, sha256: u.declaredSha256 });
