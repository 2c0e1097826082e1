import { loadConfig } from './app-config';
import { logLevelsOf } from './log-levels';

describe('logLevelsOf', () => {
  it('leaves debug lines (client errors) out unless NODE_ENV=development', () => {
    expect(logLevelsOf(loadConfig({}))).not.toContain('debug');
    expect(logLevelsOf(loadConfig({ NODE_ENV: 'production' }))).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(logLevelsOf(loadConfig({ NODE_ENV: 'development' }))).toEqual(
      expect.arrayContaining(['fatal', 'error', 'warn', 'log', 'debug']),
    );
  });
});
