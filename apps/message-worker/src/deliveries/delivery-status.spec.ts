import { statusesOnArrival } from './delivery-status';

describe('statusesOnArrival', () => {
  it.each([
    [{ viaProvider: false, deliveredAlready: false, readAlready: false }, ['ACCEPTED', 'SENT']],
    [{ viaProvider: false, deliveredAlready: true, readAlready: false }, ['ACCEPTED', 'SENT', 'DELIVERED']],
    [{ viaProvider: false, deliveredAlready: true, readAlready: true }, ['ACCEPTED', 'SENT', 'DELIVERED', 'READ']],
    [{ viaProvider: true, deliveredAlready: true, readAlready: false }, ['ACCEPTED']],
    [{ viaProvider: true, deliveredAlready: true, readAlready: true }, ['ACCEPTED', 'READ']],
  ])('%j → %j', (arrival, statuses) => {
    expect(statusesOnArrival(arrival)).toEqual(statuses);
  });
});
