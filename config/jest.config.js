// Jest runs the TypeScript sources through SWC. NestJS 12 ships as ESM, which Jest on Node 20
// cannot require: those packages are transformed to CommonJS too (see ../shared/TOOLCHAIN.md),
// and Jest is started with --experimental-vm-modules by scripts/test.mjs.
const path = require('node:path');

const esmPackages = [
  '@nestjs',
  'file-type',
  'load-esm',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer',
  '@borewit',
];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  rootDir: path.resolve(__dirname, '..'),
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // Chromium (Debian's) driven by playwright-core, a dependency of web/ (see test/support/browser.ts)
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      moduleNameMapper: { '^playwright-core$': '<rootDir>/web/node_modules/playwright-core/index.js' },
    },
  ],
};
