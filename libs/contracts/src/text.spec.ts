import { storableText, toStorableText, unstorableTextReason } from './text';

describe('storable text', () => {
  const field = storableText({ max: 5 });
  const messages = (value: unknown) => (field.safeParse(value).error?.issues ?? []).map((i) => i.message);

  it('accepts text up to its maximum, emoji (surrogate pairs) and control characters other than NUL', () => {
    expect(field.safeParse('hello').success).toBe(true);
    expect(field.safeParse('😀 a').success).toBe(true);
    expect(field.safeParse('a\tb\n').success).toBe(true);
  });

  it('refuses NUL, unpaired surrogates, one character too many and the empty string', () => {
    expect(messages('a\u0000b')).toEqual(['must not contain the NUL character (U+0000)']);
    for (const lone of ['a\ud800', '\ud800b', 'a\udfff', '\udfff\ud800']) expect(messages(lone)).toEqual(['must not contain an unpaired UTF-16 surrogate (not valid Unicode)']);
    expect(messages('abcdef')).toHaveLength(1);
    expect(messages('')).toHaveLength(1);
  });

  it('takes a minimum of 0 when asked', () => {
    expect(storableText({ min: 0, max: 3 }).safeParse('').success).toBe(true);
  });

  it('makes text it may not refuse storable: NUL dropped, lone surrogates replaced', () => {
    expect(toStorableText('a\u0000b\ud800c\udfff😀')).toBe('ab\ufffdc\ufffd😀');
    expect(unstorableTextReason(toStorableText('\u0000\udc00\ud83d'))).toBeUndefined();
  });
});
