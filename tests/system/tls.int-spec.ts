import { startApp, type RunningApp } from '@chat4all/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';

// NFR-018: public surfaces serve TLS 1.3 as the minimum when given a certificate.
describe('TLS on the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat4all-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  let gateway: RunningApp;
  let port: number;

  beforeAll(async () => {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    // Ready on the internal listener (plain HTTP, never public); TLS is the public listener's.
    gateway = await startApp('gateway', { env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: key } });
    port = gateway.httpPort;
  }, 60_000);

  afterAll(() => gateway?.stop('SIGKILL'));

  const handshake = (maxVersion: 'TLSv1.2' | 'TLSv1.3') =>
    new Promise<string>((resolve, reject) => {
      const socket: TLSSocket = connect({ host: '127.0.0.1', port, ca: readFileSync(cert), servername: 'localhost', maxVersion }, () => {
        resolve(socket.getProtocol() ?? 'unknown');
        socket.end();
      });
      socket.on('error', reject);
    });

  it('refuses a client that speaks at most TLS 1.2', async () => {
    await expect(handshake('TLSv1.2')).rejects.toThrow(/protocol version|alert|handshake/i);
  });

  it('accepts TLS 1.3 and serves the API over HTTPS, with HSTS', async () => {
    expect(await handshake('TLSv1.3')).toBe('TLSv1.3');
    const res = await new Promise<{ status?: number; hsts?: string }>((resolve, reject) =>
      request({ host: '127.0.0.1', port, path: '/.well-known/nowhere', ca: readFileSync(cert) }, (r) => {
        r.resume();
        resolve({ status: r.statusCode, hsts: r.headers['strict-transport-security'] });
      })
        .on('error', reject)
        .end(),
    );
    expect(res).toEqual({ status: 404, hsts: 'max-age=31536000; includeSubDomains' });
  });
});
