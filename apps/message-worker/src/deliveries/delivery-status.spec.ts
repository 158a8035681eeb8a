import { statusesOnArrival } from './delivery-status';

describe('statusesOnArrival', () => {
  it.each([
    [{ viaProvider: false, readAlready: false }, ['ACCEPTED', 'SENT']],
    [{ viaProvider: false, readAlready: true }, ['ACCEPTED', 'SENT', 'READ']],
    [{ viaProvider: true, readAlready: false }, ['ACCEPTED']],
    [{ viaProvider: true, readAlready: true }, ['ACCEPTED', 'READ']],
  ])('%j → %j', (arrival, statuses) => {
    expect(statusesOnArrival(arrival)).toEqual(statuses);
  });
});
