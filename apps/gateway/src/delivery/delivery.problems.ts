import { defineProblemTypes } from '@chat4all/platform';

export const DeliveryProblems = defineProblemTypes({
  deadLetterNotFound: { slug: 'dead-letter-not-found', status: 404, title: 'Dead letter not found' },
  deadLetterAlreadyReplayed: { slug: 'dead-letter-already-replayed', status: 409, title: 'Dead letter already replayed' },
  deliveryStateUnavailable: { slug: 'delivery-state-unavailable', status: 503, title: 'Delivery state unavailable' },
});
