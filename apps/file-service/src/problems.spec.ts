import { AuthProblems } from '@chat4all/auth-guard';
import { PlatformProblems } from '@chat4all/platform';
import { undocumentedProblemTypes } from '@chat4all/testing';
import { FileProblems } from '@chat4all/contracts';

// Every problem type file-service can answer (through the gateway) is listed in docs/api.md.
describe('file-service problem catalogue', () => {
  it('is documented in docs/api.md', () => {
    expect(undocumentedProblemTypes(PlatformProblems, AuthProblems, FileProblems)).toEqual([]);
  });
});
