import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadShedding, OVERLOADED_BODY } from './load-shedding';

/** A request and response as the middleware sees them: only what it touches. */
function exchange(socketDestroyed = false) {
  const sent: { headers: Record<string, string> } = { headers: {} };
  const res = Object.assign(new EventEmitter(), {
    status: 0,
    body: '',
    destroyed: false,
    writeHead(status: number, headers: Record<string, string>) {
      res.status = status;
      sent.headers = headers;
      return res;
    },
    end(body: string) {
      res.body = body;
    },
    destroy() {
      res.destroyed = true;
    },
  });
  const req = { socket: { destroyed: socketDestroyed } } as unknown as IncomingMessage;
  return { req, res, sent, response: res as unknown as ServerResponse };
}

describe('loadShedding', () => {
  it('works on at most maxInFlight requests and refuses the next at once with 503, Retry-After and a code', () => {
    const shed = loadShedding(2);
    const passed: number[] = [];
    const exchanges = [0, 1, 2].map((i) => {
      const e = exchange();
      shed(e.req, e.response, () => passed.push(i));
      return e;
    });
    expect(passed).toEqual([0, 1]);
    expect(exchanges[2].res.status).toBe(503);
    expect(exchanges[2].sent.headers['retry-after']).toBe('1');
    expect(JSON.parse(exchanges[2].res.body)).toEqual(JSON.parse(OVERLOADED_BODY));
    expect(JSON.parse(OVERLOADED_BODY).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');

    // One answered (finish) and one abandoned (close, then finish never comes): two places free.
    exchanges[0].res.emit('finish');
    exchanges[0].res.emit('close');
    exchanges[1].res.emit('close');
    const later = [exchange(), exchange(), exchange()];
    later.forEach((e, i) => shed(e.req, e.response, () => passed.push(10 + i)));
    expect(passed).toEqual([0, 1, 10, 11]);
    expect(later[2].res.status).toBe(503);
  });

  it('drops a request whose caller has already gone, without counting it', () => {
    const shed = loadShedding(1);
    const gone = exchange(true);
    let called = false;
    shed(gone.req, gone.response, () => (called = true));
    expect(called).toBe(false);
    expect(gone.res.destroyed).toBe(true);
    const next = exchange();
    shed(next.req, next.response, () => (called = true));
    expect(called).toBe(true);
  });
});
