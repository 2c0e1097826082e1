import { loadConfig } from './app-config';

describe('LOG_LEVEL and LOG_FORMAT', () => {
  it('logs info lines by default, and debug lines (client errors) with NODE_ENV=development', () => {
    expect(loadConfig({}).logs.level).toBe('info');
    expect(loadConfig({ NODE_ENV: 'production' }).logs.level).toBe('info');
    expect(loadConfig({ NODE_ENV: 'development' }).logs.level).toBe('debug');
    expect(loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn' }).logs.level).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: ' Debug ' }).logs.level).toBe('debug');
  });

  it('leaves the format to the terminal unless LOG_FORMAT says json or pretty', () => {
    expect(loadConfig({}).logs.format).toBeUndefined();
    expect(loadConfig({ LOG_FORMAT: 'JSON' }).logs.format).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logs.format).toBe('pretty');
  });

  it('names the values it takes otherwise', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'text' })).toThrow(
      "LOG_LEVEL must be one of silent, fatal, error, warn, info, debug, trace, not 'verbose'.",
    );
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow(
      "LOG_FORMAT must be json or pretty, not 'text'.",
    );
  });
});
