// Integration tests need the real stack; fail once, clearly, instead of in every test. (Jest runs
// this file outside its module mapper, so it imports nothing of ours.)
const REQUIRED = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_BUCKET'];

export default function globalSetup(): void {
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `Integration tests need the local stack: run \`npm test\` (it starts it), or export its URLs with ` +
        `\`eval "$(tools/stack/stack.sh env)"\`. Missing: ${missing.join(', ')}`,
    );
  }
  process.env.TZ = 'UTC';
}
