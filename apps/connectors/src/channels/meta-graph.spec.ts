import { describeGraphError, graphErrorBody, graphFailure, metaJson } from './meta-graph';

const headers = (entries: Record<string, string> = {}) => new Headers(entries);
const failure = (status: number, code: number, subcode?: number, h = headers()) => {
  const body = graphErrorBody(code, `(#${code}) message`, { subcode, details: 'details' });
  return graphFailure(status, body, JSON.stringify(body), h);
};

// How Graph errors become send results, beyond the cases the simulators produce.
describe('graphFailure', () => {
  it.each([
    [400, 130429, undefined, 'rate-limited', true],
    [400, 131056, undefined, 'rate-limited', true],
    [400, 613, undefined, 'rate-limited', true],
    [400, 4, undefined, 'rate-limited', true],
    [400, 80006, undefined, 'rate-limited', true],
    [500, 131000, undefined, 'provider-unavailable', true],
    [503, 2, undefined, 'provider-unavailable', true],
    [500, 1200, undefined, 'provider-unavailable', true],
    [500, 9999, undefined, 'provider-unavailable', true],
    [401, 190, undefined, 'unauthorized', false],
    [400, 131047, undefined, 'outside-window', false],
    [400, 10, 2018278, 'outside-window', false],
    [400, 131026, undefined, 'invalid-recipient', false],
    [400, 100, 2018001, 'invalid-recipient', false],
    [400, 100, 2534014, 'invalid-recipient', false],
    [400, 551, 1545041, 'recipient-unreachable', false],
    [400, 100, undefined, 'rejected', false],
    [403, 200, undefined, 'rejected', false],
  ])('HTTP %i with code %i/%s is %s (retryable: %s)', (status, code, subcode, expected, retryable) => {
    expect(failure(status, code, subcode)).toMatchObject({ ok: false, code: expected, retryable });
  });

  it('waits as the code suggests when the answer gives no hint', () => {
    expect(failure(400, 131056)).toMatchObject({ retryAfterMs: 6_000 });
    expect(failure(400, 130429)).toMatchObject({ retryAfterMs: 1_000 });
  });

  it('prefers Retry-After, then the business-use-case estimate', () => {
    expect(failure(429, 613, undefined, headers({ 'retry-after': '7' }))).toMatchObject({ retryAfterMs: 7_000 });
    const usage = JSON.stringify({ '106929381230219': [{ type: 'messenger', call_count: 100, estimated_time_to_regain_access: 2 }] });
    expect(failure(400, 80006, undefined, headers({ 'x-business-use-case-usage': usage }))).toMatchObject({ retryAfterMs: 120_000 });
  });

  it('reads an answer that is not Graph JSON by its HTTP status', () => {
    expect(graphFailure(502, undefined, '<html>Bad Gateway</html>', headers())).toMatchObject({ code: 'provider-unavailable', retryable: true });
    expect(graphFailure(404, undefined, 'Not Found', headers())).toMatchObject({ code: 'rejected', retryable: false });
  });

  it('names the code, subcode and details in the reason', () => {
    expect(describeGraphError({ code: 100, error_subcode: 2018001, message: '(#100) No matching user found' })).toBe('(#100/2018001) No matching user found');
    expect(describeGraphError({ code: 131026, message: 'Message undeliverable', error_data: { details: 'Not on WhatsApp.' } })).toBe('(#131026) Message undeliverable: Not on WhatsApp.');
  });
});

describe('metaJson', () => {
  it('escapes non-ASCII and slashes the way Meta signs webhook bodies', () => {
    const raw = metaJson({ text: 'olá 👋 1/2' });
    expect(raw).toBe('{"text":"ol\\u00e1 \\ud83d\\udc4b 1\\/2"}');
    expect(JSON.parse(raw)).toEqual({ text: 'olá 👋 1/2' });
  });
});
