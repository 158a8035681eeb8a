import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookHeaders } from './channel-connector';

/** One header value, whatever the case of its name; a repeated header is refused (ambiguous). */
export function singleHeader(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const matches = Object.entries(headers).filter(([key, value]) => key.toLowerCase() === wanted && value !== undefined);
  if (matches.length !== 1) return undefined;
  const value = matches[0][1];
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

/** X-Hub-Signature-256 value for a body: `sha256=` and the hex HMAC-SHA256 keyed by the app secret. */
export const hubSignature256 = (appSecret: string, rawBody: Buffer | string): string =>
  `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;

/** Meta still sends the SHA-1 variant beside it; nobody should verify with it. */
export const hubSignatureSha1 = (appSecret: string, rawBody: Buffer | string): string =>
  `sha1=${createHmac('sha1', appSecret).update(rawBody).digest('hex')}`;

/** Checks X-Hub-Signature-256 over the raw body (Meta signs the bytes it sent, not a re-encoding). */
export function verifyHubSignature256(headers: WebhookHeaders, rawBody: Buffer, appSecret: string): boolean {
  const header = singleHeader(headers, 'x-hub-signature-256');
  const match = header === undefined ? null : /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}

/** Compares secrets in constant time whatever their lengths (digests have equal length). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
