import type { ChannelConnector, InboundEvent, MediaRule } from './channel-connector';
import type { ChannelModule } from './channel-module';
import type { ChannelSimulator, SimulatorOptions } from './channel-simulator';
import type { MediaServer } from './media-server.test-kit';
import { newContact, outboundMessage } from './outbound-message.test-kit';
import { pollUntil } from './webhook-sink.test-kit';

interface MediaConformanceInput {
  module: ChannelModule;
  files: MediaServer;
  setUp: (options?: SimulatorOptions, timeoutMs?: number) => Promise<{ simulator: ChannelSimulator; connector: ChannelConnector; webhooks: { update(): InboundEvent[] } }>;
}

/** A MIME type each rule names: its first, with wildcards made concrete. */
const sampleType = (rule: MediaRule): string => {
  const first = rule.mimeTypes[0];
  if (first === '*') return 'application/vnd.chat4all.sample';
  return first.endsWith('/*') ? first.replace('*', 'mp4') : first;
};

/** The largest size the platform takes for a type, over every rule naming it. */
const limitFor = (rules: readonly MediaRule[], mimeType: string): number =>
  Math.max(...rules.filter((r) => r.mimeTypes.some((t) => t === '*' || t === mimeType || (t.endsWith('/*') && mimeType.startsWith(t.slice(0, -1))))).map((r) => r.maxBytes));

/**
 * File messages on every channel: sent by link as the kind the platform shows that type as, refused
 * for good (with a reason) when the type or size is beyond what the platform takes, whether that is
 * known from the event (before calling) or only once the platform fetched the link.
 */
export function runMediaConformance({ module, files, setUp }: MediaConformanceInput): void {
  const { channel, capabilities } = module;
  const fileMessage = (contact: string, file: ReturnType<MediaServer['serve']>['file']) => outboundMessage(channel, contact, { type: 'file', ...file });

  /** The platform's verdict on a link it fetches: the send's answer, or (fetched after answering) a FAILED status. */
  async function platformRefusal(setup: Awaited<ReturnType<MediaConformanceInput['setUp']>>, file: ReturnType<MediaServer['serve']>['file']): Promise<string> {
    const { simulator, connector, webhooks } = setup;
    const result = await connector.send(fileMessage(newContact(), file));
    if (capabilities.mediaFetch === 'before-answer') {
      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(simulator.accepted).toHaveLength(0);
      return result.ok ? '' : result.reason;
    }
    if (!result.ok) throw new Error(`send failed: ${result.code}: ${result.reason}`);
    const failed = await pollUntil(
      () => webhooks.update().find((e) => e.kind === 'status' && e.providerMessageId === result.providerMessageId && e.status === 'FAILED'),
      'a FAILED status for the media the platform could not fetch',
    );
    return failed.kind === 'status' ? (failed.reason ?? '') : '';
  }

  describe('file messages', () => {
    for (const rule of capabilities.media) {
      const mimeType = sampleType(rule);
      it(`sends a ${mimeType} file by link as ${rule.kind}, and the platform fetches exactly its bytes`, async () => {
        const { simulator, connector } = await setUp();
        const { file, url } = files.serve({ mimeType, bytes: 2_048, filename: 'quarterly report.pdf' });
        const contact = newContact();
        const result = await connector.send(fileMessage(contact, file));
        expect(result.ok).toBe(true);
        expect(files.asked).toEqual([file.file_id]);
        await simulator.webhooksSettled();
        expect(simulator.accepted).toHaveLength(1);
        expect(simulator.accepted[0]).toMatchObject({ recipient: contact, media: { kind: rule.kind, link: url, download: { ok: true, bytes: 2_048, sha256: file.sha256 } } });
      });

      it(`refuses a ${mimeType} file over ${limitFor(capabilities.media, mimeType)} bytes as permanent, without its link or the platform`, async () => {
        const { simulator, connector } = await setUp();
        const file = files.unknown({ mimeType, bytes: limitFor(capabilities.media, mimeType) + 1 });
        const result = await connector.send(fileMessage(newContact(), file));
        expect(result).toMatchObject({ ok: false, code: 'file-too-large', retryable: false });
        expect(!result.ok && result.reason).toContain(mimeType);
        expect(files.asked).toHaveLength(0);
        expect(simulator.requestCount).toBe(0);
      });
    }

    if (!capabilities.media.some((r) => r.mimeTypes.includes('*'))) {
      it('refuses a type the platform does not take as permanent, naming what it takes', async () => {
        const { simulator, connector } = await setUp();
        const result = await connector.send(fileMessage(newContact(), files.unknown({ mimeType: 'application/x-msdownload', bytes: 100 })));
        expect(result).toMatchObject({ ok: false, code: 'unsupported-content', retryable: false });
        expect(!result.ok && result.reason).toMatch(/application\/x-msdownload.*image/);
        expect(simulator.requestCount).toBe(0);
      });
    }

    it('reports a file-service that gives no link as retryable, and a file it does not have as permanent', async () => {
      const { simulator, connector } = await setUp();
      const { file } = files.serve({ mimeType: sampleType(capabilities.media[0]), bytes: 10 });
      files.unavailable = true;
      expect(await connector.send(fileMessage(newContact(), file))).toMatchObject({ ok: false, code: 'file-unavailable', retryable: true });
      files.unavailable = false;
      const unknown = files.unknown({ mimeType: sampleType(capabilities.media[0]), bytes: 10 });
      expect(await connector.send(fileMessage(newContact(), unknown))).toMatchObject({ ok: false, code: 'file-not-found', retryable: false });
      expect(simulator.requestCount).toBe(0);
    });

    it('fails for good, with the platform’s reason, when the platform cannot fetch the link', async () => {
      const setup = await setUp();
      const { file } = files.missing({ mimeType: sampleType(capabilities.media[0]), bytes: 10 });
      expect(await platformRefusal(setup, file)).toMatch(/\S/);
    });

    it('fails for good when the link serves more than the platform takes, whatever the event said', async () => {
      const setup = await setUp();
      // The smallest limit: the fewest bytes to serve.
      const rule = [...capabilities.media].sort((a, b) => a.maxBytes - b.maxBytes)[0];
      const mimeType = sampleType(rule);
      const { file } = files.serve({ mimeType, bytes: limitFor(capabilities.media, mimeType) + 1, declaredBytes: 1_000 });
      expect(await platformRefusal(setup, file)).toMatch(/\S/);
    });

    it('fails for good when the link does not answer within the platform’s fetch timeout', async () => {
      const setup = await setUp({ mediaFetchTimeoutMs: 100 });
      const { file } = files.serve({ mimeType: sampleType(capabilities.media[0]), bytes: 10, hang: true });
      expect(await platformRefusal(setup, file)).toMatch(/\S/);
    });
  });
}
