import { PlatformProblems, type ProblemType } from '@chat4all/contracts';

// The problem catalogues (PlatformProblems and each domain's) are part of the public contract and live
// in @chat4all/contracts; the platform re-exports the shared ones for the apps' filters and pipes.

// The type a bare HTTP status maps to (framework errors that carry none): the first platform type of
// that status, leaving out the two that only our own code raises on purpose.
const BY_STATUS = new Map<number, ProblemType>();
for (const p of Object.values(PlatformProblems)) {
  if (p !== PlatformProblems.invalidRequest && p !== PlatformProblems.serviceStarting && !BY_STATUS.has(p.status)) BY_STATUS.set(p.status, p);
}

/** The platform's problem type for a bare HTTP status (framework errors that carry no type of their own). */
export const problemTypeForStatus = (status: number): ProblemType => BY_STATUS.get(status) ?? PlatformProblems.badRequest;
