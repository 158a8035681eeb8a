import type { FileAttachment } from '@chat4all/contracts';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MediaLink, MediaLinks } from './media-links';

interface Served {
  bytes: Buffer;
  contentType: string;
  /** Never answer (a fetcher's timeout). */
  hang?: boolean;
}

// For tests: stands in for MinIO's presigned GET URLs (the bytes behind a link), on 127.0.0.1 and a
// free port, and for file-service's GetFile (which link a file id has), as the connectors see them.
export class MediaServer implements MediaLinks {
  /** While set, every link request fails the way an unreachable file-service does. */
  unavailable = false;
  /** Link requests made, by file id. */
  readonly asked: string[] = [];
  private readonly files = new Map<string, Served>();
  private readonly links = new Map<string, string>();
  private server?: Server;
  private address?: string;

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const served = this.files.get(new URL(request.url ?? '/', 'http://x').pathname.slice(1));
      if (served?.hang) return;
      if (!served) {
        response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
        return;
      }
      response.writeHead(200, { 'content-type': served.contentType, 'content-length': served.bytes.length }).end(served.bytes);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * A file as a file message carries it, its bytes served at a link. `declaredBytes` is what the
   * event says (the metadata may disagree with what the link serves).
   */
  serve(options: { mimeType: string; bytes: number; declaredBytes?: number; filename?: string; hang?: boolean }): { file: FileAttachment; url: string } {
    const bytes = Buffer.alloc(options.bytes, 7);
    const key = randomUUID();
    this.files.set(key, { bytes, contentType: options.mimeType, hang: options.hang });
    return this.register(key, bytes, options);
  }

  /** A file whose link answers 404: expired, or its object gone. */
  missing(options: { mimeType: string; bytes: number }): { file: FileAttachment; url: string } {
    return this.register(randomUUID(), Buffer.alloc(options.bytes), options);
  }

  /** A file file-service does not know. */
  unknown(options: { mimeType: string; bytes: number }): FileAttachment {
    return { file_id: randomUUID(), filename: 'unknown.bin', mime_type: options.mimeType, size_bytes: options.bytes, sha256: '0'.repeat(64) };
  }

  linkFor(fileId: string): Promise<MediaLink> {
    this.asked.push(fileId);
    if (this.unavailable) return Promise.resolve({ ok: false, code: 'file-unavailable', retryable: true, reason: 'file-service did not answer (UNAVAILABLE)' });
    const url = this.links.get(fileId);
    return Promise.resolve(url ? { ok: true, url } : { ok: false, code: 'file-not-found', retryable: false, reason: `no file ${fileId}` });
  }

  private register(key: string, bytes: Buffer, options: { mimeType: string; declaredBytes?: number; filename?: string }): { file: FileAttachment; url: string } {
    if (!this.address) throw new Error('media server is not started');
    const url = `${this.address}/${key}?X-Amz-Expires=300`;
    const file: FileAttachment = {
      file_id: randomUUID(),
      filename: options.filename ?? 'report.bin',
      mime_type: options.mimeType,
      size_bytes: options.declaredBytes ?? bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    this.links.set(file.file_id, url);
    return { file, url };
  }
}
