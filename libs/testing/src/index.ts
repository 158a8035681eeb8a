export { adminCli } from './admin-cli';
export { undocumentedProblemTypes } from './documented-problems';
export { REPO_ROOT, startApp } from './app-process';
export type { AppExit, AppName, RunningApp } from './app-process';
export { freePort } from './ports';
export { instanceKafkaBrokers, stackService } from './stack-control';
export type { StackInstance, StackService } from './stack-control';
export { stackEnv, stackVariables } from './stack-env';
export { waitFor } from './wait-for';
