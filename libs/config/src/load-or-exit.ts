import { ConfigError } from './parse-env';

// Called first thing in every app: a bad environment stops the process with one JSON log line that
// names each offending variable, before any framework code runs.
export function loadConfigOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const line = { level: 'fatal', timestamp: new Date().toISOString(), service, message: error.message, problems: error.problems };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  }
}
