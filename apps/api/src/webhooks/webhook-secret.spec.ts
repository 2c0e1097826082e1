import { generateWebhookSecret, signingKeyOf, standardFormOf } from './webhook-secret';

/** 32 bytes whose encodings differ between base64 (`+`, `/`, `=`) and base64url (`-`, `_`, none). */
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 0xfb : 0xff)));
const STANDARD = `whsec_${KEY.toString('base64')}`;
/** How a webhook created before 2026-12-02 holds the same key. */
const LEGACY = `whsec_${KEY.toString('base64url')}`;

describe('webhook signing secrets', () => {
  it('are whsec_ and 32 random bytes in standard base64, with its padding', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secret).toHaveLength(50);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('are never the same twice', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateWebhookSecret));
    expect(secrets.size).toBe(100);
  });

  it('sign with the bytes they encode, in either form', () => {
    expect(STANDARD).toMatch(/[+/]/);
    expect(LEGACY).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(LEGACY).toMatch(/[-_]/);
    expect(signingKeyOf(STANDARD)).toEqual(KEY);
    expect(signingKeyOf(LEGACY)).toEqual(KEY);
    const fresh = generateWebhookSecret();
    expect(signingKeyOf(fresh).toString('base64')).toBe(fresh.slice('whsec_'.length));
  });

  it('give a secret of before 2026-12-02 in the standard form of the same key, and a standard one as it is', () => {
    expect(standardFormOf(LEGACY)).toBe(STANDARD);
    expect(standardFormOf(STANDARD)).toBe(STANDARD);
    // What ADR 0006 tells operators to do by hand: swap two characters, add the padding.
    const body = LEGACY.slice('whsec_'.length);
    expect(`whsec_${body.replace(/-/g, '+').replace(/_/g, '/')}=`).toBe(STANDARD);
  });

  it('refuses anything else without echoing it', () => {
    for (const secret of ['', 'whsec_', 'whsec_short', `kb_${KEY.toString('base64')}`, `${STANDARD} `]) {
      expect(() => signingKeyOf(secret)).toThrow(/^Not a webhook secret/);
      if (secret.length > 6) expect(() => signingKeyOf(secret)).not.toThrow(secret);
    }
  });
});
