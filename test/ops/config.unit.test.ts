import { describe, expect, it } from 'vitest';
import { ConfigError, configDocs, configSchema, loadConfig } from '../../src/config.js';

const SECRET = 'a-real-production-secret-of-enough-length-0123456789';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig', () => {
  it('starts from sensible defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      DATA_DIR: './data',
      DATABASE_POOL_SIZE: 10,
      LOG_LEVEL: 'info',
      TRUST_PROXY: false,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('reads the values it is given, turning numbers and yes/no into their types', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/waymark',
      DATABASE_URL: 'postgresql://waymark@db/waymark',
      TRUST_PROXY: 'yes',
      UNRELATED: 'ignored',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/waymark',
      DATABASE_URL: 'postgresql://waymark@db/waymark',
      TRUST_PROXY: true,
    });
  });

  it('treats an empty variable as not set', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ PORT: 3000 });
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names PORT when it is not a port number', () => {
    for (const port of ['abc', '70000', '-1', '80.5']) {
      const message = problem({ PORT: port });
      expect(message).toContain('configuration is not valid');
      expect(message).toMatch(/^\s+PORT: /m);
    }
  });

  it('names every bad variable at once', () => {
    const message = problem({
      PORT: 'abc',
      DATABASE_URL: 'mysql://db/waymark',
      LOG_LEVEL: 'loud',
      SESSION_SECRET: 'short',
    });
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SESSION_SECRET']) {
      expect(message).toMatch(new RegExp(`^\\s+${name}: `, 'm'));
    }
    expect(message).toContain('must start with postgres:// or postgresql://');
    expect(message).toContain('must be at least 32 characters');
  });

  it('refuses production without a SESSION_SECRET of its own', () => {
    const message = problem({ NODE_ENV: 'production' });
    expect(message).toMatch(
      /^\s+SESSION_SECRET: must be set to a long random value in production/m,
    );
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET }).NODE_ENV).toBe(
      'production',
    );
  });

  it('refuses plain-HTTP single sign-on in production', () => {
    const message = problem({
      NODE_ENV: 'production',
      SESSION_SECRET: SECRET,
      OIDC_ALLOW_HTTP: 'true',
    });
    expect(message).toMatch(/^\s+OIDC_ALLOW_HTTP: /m);
  });

  it('documents every variable it reads', () => {
    const documented = Object.keys(configDocs).sort();
    expect(documented).toEqual(Object.keys(configSchema.shape).sort());
    for (const text of Object.values(configDocs)) expect(text.length).toBeGreaterThan(10);
  });
});
