/** Jest runs the TypeScript sources through SWC; `npm run typecheck` does the type checking. */
module.exports = {
  testEnvironment: '<rootDir>/test/support/onnx-environment.cjs',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  maxWorkers: 2,
};
