// Integration tests need the real stack; fail once, clearly, instead of in every test. (Jest runs
// this file outside its module mapper, so it imports nothing of ours.)
const REQUIRED = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_BUCKET'];

export default function globalSetup(): void {
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `Integration tests need their stack: run \`npm test\` (it starts it), or export its URLs with ` +
        `\`eval "$(STACK_INSTANCE=test tools/stack/stack.sh env)"\`. Missing: ${missing.join(', ')}`,
    );
  }
  // The platform's own stack (`npm start`, instance dev) is never a test target: the suite stops, resets
  // and fills its services. Its local addresses are recognised by their ports.
  const platform = [/:54329\//, /:63790$/, /^127\.0\.0\.1:19092$/, /:19000$/];
  const onPlatform = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'S3_ENDPOINT'].filter((name, i) => platform[i].test(process.env[name] ?? ''));
  if (onPlatform.length > 0) {
    throw new Error(
      `${onPlatform.join(', ')} point at the platform's stack (the one npm start runs); the tests run on their own: ` +
        `use \`npm test\`, or \`eval "$(STACK_INSTANCE=test npm run -s stack -- env)"\` after \`STACK_INSTANCE=test npm run stack -- up\`.`,
    );
  }
  process.env.TZ = 'UTC';
}
