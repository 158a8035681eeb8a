import type { OutboundMessage } from '@chat4all/contracts';
import type { ChannelCapabilities, SendFailure } from './channel-connector';

/** Code points, not UTF-16 units: an emoji is one character to the platforms, not two. */
export const textLength = (text: string): number => [...text].length;

/**
 * What can be refused without asking the provider: a retry would fail the same way, so these are
 * permanent. Returns the text to send, or the failure.
 */
export function preflight(message: OutboundMessage, capabilities: ChannelCapabilities): { ok: true; text: string } | SendFailure {
  if (message.payload.type !== 'text') {
    // The outbound event carries a file id; sending media needs the file resolved to a URL first.
    return { ok: false, code: 'unsupported-content', retryable: false, reason: 'file messages are not supported by this connector yet' };
  }
  const { text } = message.payload;
  if (text.trim().length === 0) {
    return { ok: false, code: 'rejected', retryable: false, reason: 'text is empty' };
  }
  const length = textLength(text);
  if (length > capabilities.maxTextLength) {
    return { ok: false, code: 'text-too-long', retryable: false, reason: `text has ${length} characters; the limit is ${capabilities.maxTextLength}` };
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (capabilities.maxTextBytes !== undefined && bytes > capabilities.maxTextBytes) {
    return { ok: false, code: 'text-too-long', retryable: false, reason: `text has ${bytes} UTF-8 bytes; the limit is ${capabilities.maxTextBytes}` };
  }
  return { ok: true, text };
}
