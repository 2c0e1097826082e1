import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateWebhookSecret, standardFormOf } from '../webhook-secret';
import { signedHeaders } from './webhook-signature';

const BODY = JSON.stringify({ type: 'IncidentReported', data: { title: 'Checkout down – ümlaut, 🚨' } });
const DELIVERY = '0b6c6a62-8d0b-4c1e-9d59-5b7f2b3f0001';
/** 32 bytes whose base64 and base64url differ (`+`, `/` against `-`, `_`). */
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 0xfb : 0xff)));
/** A secret of a webhook created before 2026-12-02, as its event holds it. */
const LEGACY_SECRET = `whsec_${KEY.toString('base64url')}`;

describe('signed delivery headers (Standard Webhooks)', () => {
  const now = () => new Date();

  it('carry the delivery id, the time in unix seconds and a v1 signature', () => {
    const timestamp = new Date('2026-12-02T14:00:00.999Z');
    const headers = signedHeaders({
      deliveryId: DELIVERY,
      timestamp,
      body: BODY,
      secret: generateWebhookSecret(),
    });
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe(DELIVERY);
    expect(headers['webhook-timestamp']).toBe('1796220000');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('verify with the standardwebhooks package, given a new secret as the API showed it', () => {
    const secret = generateWebhookSecret();
    const headers = signedHeaders({ deliveryId: DELIVERY, timestamp: now(), body: BODY, secret });
    expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it('verify for a webhook created before 2026-12-02, given its secret in the standard form', () => {
    const headers = signedHeaders({
      deliveryId: DELIVERY,
      timestamp: now(),
      body: BODY,
      secret: LEGACY_SECRET,
    });
    expect(new Webhook(standardFormOf(LEGACY_SECRET)).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    // The text it was shown in does not decode as standard base64 in the package: hence the standard form.
    expect(() => new Webhook(LEGACY_SECRET).verify(BODY, headers)).toThrow();
  });

  it('are the HMAC-SHA256 of id.timestamp.body, keyed by the bytes of the secret', () => {
    const timestamp = now();
    const headers = signedHeaders({ deliveryId: DELIVERY, timestamp, body: BODY, secret: LEGACY_SECRET });
    const seconds = Math.floor(timestamp.getTime() / 1000);
    const expected = createHmac('sha256', KEY)
      .update(`${DELIVERY}.${seconds}.${BODY}`, 'utf8')
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('are the same on a retry at the same second, and differ at another second', () => {
    const secret = generateWebhookSecret();
    const at = (iso: string) =>
      signedHeaders({ deliveryId: DELIVERY, timestamp: new Date(iso), body: BODY, secret });
    expect(at('2026-12-02T14:00:00.100Z')).toEqual(at('2026-12-02T14:00:00.900Z'));
    expect(at('2026-12-02T14:00:01.000Z')['webhook-signature']).not.toBe(
      at('2026-12-02T14:00:00.000Z')['webhook-signature'],
    );
  });

  describe('fail verification when tampered with', () => {
    const secret = generateWebhookSecret();
    const signed = () => signedHeaders({ deliveryId: DELIVERY, timestamp: now(), body: BODY, secret });
    const verify = (body: string, headers: Record<string, string>, key = secret) =>
      new Webhook(key).verify(body, headers);

    it('in the body', () => {
      const headers = signed();
      expect(() => verify(BODY.replace('down', 'up'), headers)).toThrow(WebhookVerificationError);
      expect(() => verify(`${BODY} `, headers)).toThrow('No matching signature found');
    });

    it('in the timestamp', () => {
      const headers = signed();
      const later = String(Number(headers['webhook-timestamp']) + 1);
      expect(() => verify(BODY, { ...headers, 'webhook-timestamp': later })).toThrow(
        'No matching signature found',
      );
    });

    it('in the delivery id', () => {
      const headers = signed();
      expect(() => verify(BODY, { ...headers, 'webhook-id': `${DELIVERY}x` })).toThrow(
        'No matching signature found',
      );
    });

    it('with another secret', () => {
      expect(() => verify(BODY, signed(), generateWebhookSecret())).toThrow('No matching signature found');
    });

    it('too old a timestamp (replay), though the signature holds', () => {
      const headers = signedHeaders({
        deliveryId: DELIVERY,
        timestamp: new Date(Date.now() - 10 * 60_000),
        body: BODY,
        secret,
      });
      expect(() => verify(BODY, headers)).toThrow('Message timestamp too old');
    });
  });

  it('refuses an invalid time or an empty id, and never echoes the secret', () => {
    const secret = generateWebhookSecret();
    expect(() =>
      signedHeaders({ deliveryId: DELIVERY, timestamp: new Date(NaN), body: BODY, secret }),
    ).toThrow(/not a valid date/);
    expect(() => signedHeaders({ deliveryId: '', timestamp: now(), body: BODY, secret })).toThrow(/empty/);
    const run = () =>
      signedHeaders({ deliveryId: DELIVERY, timestamp: now(), body: BODY, secret: 'whsec_nope' });
    expect(run).toThrow(/^Not a webhook secret/);
    expect(run).not.toThrow('whsec_nope');
  });
});
