import { AuthProblems } from '@chat4all/auth-guard';
import { PlatformProblems } from '@chat4all/platform';
import { undocumentedProblemTypes } from '@chat4all/testing';
import { ConversationProblems } from './conversations/conversation.problems';
import { DeliveryProblems } from './delivery/delivery.problems';
import { GatewayFileProblems } from './files/file.problems';
import { IdempotencyProblems } from './idempotency/idempotency.problems';
import { MessageProblems } from './messages/message.problems';
import { RateLimitProblems } from './rate-limit/rate-limit.problems';

// Every problem type the gateway can answer (its own catalogues, the guard's and the platform's) is
// listed in docs/api.md, so integrators can switch on each.
describe('gateway problem catalogue', () => {
  it('is documented in docs/api.md', () => {
    expect(undocumentedProblemTypes(PlatformProblems, AuthProblems, ConversationProblems, MessageProblems, IdempotencyProblems, DeliveryProblems, RateLimitProblems, GatewayFileProblems)).toEqual([]);
  });
});
