// Three projects: fast unit specs beside the code, integration specs that run against the real
// stack started by tools/stack (PostgreSQL, Redis, Kafka, MinIO) and the built apps, and the
// Kubernetes manifests' offline validation (tests/k8s).
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // jose is ESM-only: let swc turn it into CommonJS for Jest's module system. The same goes for the
  // repo's own .mjs tools that specs import (tools/observability).
  transform: { '^.+\\.ts$': swc, '^.+\\.mjs$': swc, '^.+/node_modules/jose/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: { '^@chat4all/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    // tools/: specs of the repo's scripts (alert rules, Alertmanager config, dashboards).
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tests}/**/*.int-spec.ts'],
      // tests/k8s is its own project below: it needs no stack.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/k8s/'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      slowTestThreshold: 30,
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/integration.setup.ts'],
    },
    // The Kubernetes manifests, validated offline (tools/k8s/validate.sh): no stack, no cluster.
    { ...common, displayName: 'k8s', testMatch: ['<rootDir>/tests/k8s/**/*.int-spec.ts'], slowTestThreshold: 30 },
  ],
};
