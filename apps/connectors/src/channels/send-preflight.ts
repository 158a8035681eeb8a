import type { FileAttachment, OutboundMessage } from '@chat4all/contracts';
import type { ChannelCapabilities, MediaKind, MediaRule, SendFailure } from './channel-connector';
import type { MediaLinks } from './media-links';

/** Code points, not UTF-16 units: an emoji is one character to the platforms, not two. */
export const textLength = (text: string): number => [...text].length;

/** What a connector sends: a text, or a file the platform fetches from `url` and shows as `kind`. */
export type OutgoingContent = { type: 'text'; text: string } | { type: 'media'; kind: MediaKind; url: string; file: FileAttachment };

const MB = 1024 * 1024;
const megabytes = (bytes: number): string => `${Number((bytes / MB).toFixed(1))} MB`;

const names = (rule: MediaRule, mimeType: string): boolean =>
  rule.mimeTypes.some((t) => t === '*' || t === mimeType || (t.endsWith('/*') && mimeType.startsWith(t.slice(0, -1))));

/** The rule a file goes out by, or why the platform cannot take it; permanent either way. */
export function mediaRuleFor(file: Pick<FileAttachment, 'mime_type' | 'size_bytes'>, capabilities: ChannelCapabilities, channel: string): MediaRule | SendFailure {
  const mimeType = file.mime_type.split(';')[0].trim().toLowerCase();
  const named = capabilities.media.filter((rule) => names(rule, mimeType));
  const fits = named.find((rule) => file.size_bytes <= rule.maxBytes);
  if (fits) return fits;
  if (named.length === 0) {
    return { ok: false, code: 'unsupported-content', retryable: false, reason: `${channel} does not take ${mimeType} files (${acceptedTypes(capabilities)})` };
  }
  const largest = Math.max(...named.map((r) => r.maxBytes));
  return { ok: false, code: 'file-too-large', retryable: false, reason: `${channel} takes ${mimeType} files up to ${megabytes(largest)}; this one is ${megabytes(file.size_bytes)}` };
}

function acceptedTypes(capabilities: ChannelCapabilities): string {
  return capabilities.media.map((r) => `${r.kind}: ${r.mimeTypes.join(', ')}`).join('; ');
}

/**
 * What can be refused without asking the provider: a retry would fail the same way, so these are
 * permanent. Returns the text to send, or the failure.
 */
export function preflightText(text: string, capabilities: ChannelCapabilities): { ok: true; text: string } | SendFailure {
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

/**
 * The content to send, checked against the platform's limits first; a file's link is asked for only
 * once the platform is known to take the file (from the size and type the event carries). The
 * platform still fetches the bytes itself and may refuse them (an expired link, a size it measures).
 */
export async function outgoingContent(message: OutboundMessage, capabilities: ChannelCapabilities, links: MediaLinks): Promise<OutgoingContent | SendFailure> {
  const { payload } = message;
  if (payload.type === 'text') {
    const checked = preflightText(payload.text, capabilities);
    return checked.ok ? { type: 'text', text: checked.text } : checked;
  }
  const { type: _type, ...file } = payload;
  const rule = mediaRuleFor(file, capabilities, message.channel);
  if ('ok' in rule) return rule;
  const link = await links.linkFor(file.file_id);
  if (!link.ok) return link;
  return { type: 'media', kind: rule.kind, url: link.url, file };
}
