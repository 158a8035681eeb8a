// RFC 9457 problem details. `type` is stable per error and documented; clients switch on it.
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_BASE_URI = 'https://chat4all.dev/problems/';
export const problemType = (slug: string): string => `${PROBLEM_BASE_URI}${slug}`;
