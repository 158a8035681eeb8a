import { stackEnv } from './stack-env';

// Integration tests need the real stack; fail once, clearly, instead of in every test.
export default function globalSetup(): void {
  try {
    stackEnv();
  } catch (error) {
    throw new Error(
      `Integration tests need the local stack: run \`npm test\` (it starts it), or export its URLs with ` +
        `\`eval "$(tools/stack/stack.sh env)"\`.\n${(error as Error).message}`,
    );
  }
  process.env.TZ = 'UTC';
}
