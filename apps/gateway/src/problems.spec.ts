import { AuthProblems } from '@chat4all/auth-guard';
import { PlatformProblems } from '@chat4all/platform';
import { undocumentedProblemTypes } from '@chat4all/testing';
import { ConversationProblems, DeliveryProblems, GatewayFileProblems, IdempotencyProblems, MessageProblems, RateLimitProblems } from '@chat4all/contracts';

// Every problem type the gateway can answer (its own catalogues, the guard's and the platform's) is
// listed in docs/api.md, so integrators can switch on each.
describe('gateway problem catalogue', () => {
  it('is documented in docs/api.md', () => {
    expect(undocumentedProblemTypes(PlatformProblems, AuthProblems, ConversationProblems, MessageProblems, IdempotencyProblems, DeliveryProblems, RateLimitProblems, GatewayFileProblems)).toEqual([]);
  });
});
