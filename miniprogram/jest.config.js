// miniprogram-simulate renders WXML into a DOM, so tests run under jsdom.
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.js'],
  clearMocks: true,
  reporters: ['default', '<rootDir>/tests/summary-reporter.js']
}
