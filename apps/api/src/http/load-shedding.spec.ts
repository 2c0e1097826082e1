import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventLoopLag, loadShedding, MAX_EVENT_LOOP_LAG_MS, OVERLOADED_BODY } from './load-shedding';

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
    const shed = loadShedding(2, () => 0);
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

  it('refuses while the event loop runs late, and takes requests again once it catches up', () => {
    let lag = MAX_EVENT_LOOP_LAG_MS + 1;
    const shed = loadShedding(100, () => lag);
    const late = exchange();
    let called = false;
    shed(late.req, late.response, () => (called = true));
    expect(called).toBe(false);
    expect(late.res.status).toBe(503);
    lag = 3;
    const onTime = exchange();
    shed(onTime.req, onTime.response, () => (called = true));
    expect(called).toBe(true);
  });

  it('measures how late the event loop runs', async () => {
    const lag = eventLoopLag(10);
    await new Promise((done) => setTimeout(done, 30));
    expect(lag()).toBeLessThan(40);
    const until = performance.now() + 120;
    while (performance.now() < until); // hold the loop
    expect(lag()).toBeGreaterThan(80);
  });

  it('drops a request whose caller has already gone, without counting it', () => {
    const shed = loadShedding(1, () => 0);
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
