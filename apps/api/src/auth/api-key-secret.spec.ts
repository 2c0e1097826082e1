import { createHash } from 'node:crypto';
import { generateApiKeySecret, hashApiKeySecret, secretHashesEqual } from './api-key-secret';

describe('API key secrets', () => {
  it('are kb_ and 32 random bytes in base64url', () => {
    const secrets = Array.from({ length: 50 }, generateApiKeySecret);
    for (const secret of secrets) {
      expect(secret).toMatch(/^kb_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret.slice(3), 'base64url')).toHaveLength(32);
    }
    expect(new Set(secrets).size).toBe(50);
  });

  it('are stored as the SHA-256 of their UTF-8 bytes, in lowercase hex', () => {
    expect(hashApiKeySecret('kb_example')).toBe(createHash('sha256').update('kb_example').digest('hex'));
    expect(hashApiKeySecret('kb_example')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('compare by hash: equal only for the same full digest', () => {
    const a = hashApiKeySecret('kb_a');
    expect(secretHashesEqual(a, hashApiKeySecret('kb_a'))).toBe(true);
    expect(secretHashesEqual(a, hashApiKeySecret('kb_b'))).toBe(false);
    expect(secretHashesEqual(a, a.slice(0, 62))).toBe(false);
    expect(secretHashesEqual(a, 'not hex at all')).toBe(false);
    expect(secretHashesEqual('', '')).toBe(false);
  });
});
