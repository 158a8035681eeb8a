import { isForwardTransition, statusesBefore } from './messaging-events';

describe('message status transitions', () => {
  it.each([
    ['ACCEPTED', 'SENT', true],
    ['ACCEPTED', 'READ', true],
    ['SENT', 'DELIVERED', true],
    ['DELIVERED', 'READ', true],
    ['READ', 'DELIVERED', false],
    ['DELIVERED', 'SENT', false],
    ['SENT', 'SENT', false],
    ['SENT', 'FAILED', true],
    ['DELIVERED', 'FAILED', false],
    ['FAILED', 'SENT', false],
  ] as const)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(isForwardTransition(from, to)).toBe(allowed);
  });

  it('lists the statuses a guarded UPDATE may move from', () => {
    expect(statusesBefore('DELIVERED')).toEqual(['ACCEPTED', 'SENT']);
    expect(statusesBefore('FAILED')).toEqual(['ACCEPTED', 'SENT']);
  });
});
