import { PlatformProblems } from '@chat4all/platform';
import { undocumentedProblemTypes } from '@chat4all/testing';
import { WebhookProblems } from '@chat4all/contracts';

// Every problem type connectors can answer is listed in docs/api.md.
describe('connectors problem catalogue', () => {
  it('is documented in docs/api.md', () => {
    expect(undocumentedProblemTypes(PlatformProblems, WebhookProblems)).toEqual([]);
  });
});
