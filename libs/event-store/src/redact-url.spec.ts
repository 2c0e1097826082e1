import { describeEventStore } from './event-store.module';
import { hideUrlSecrets, redactUrl } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['esdb://admin:changeit@host:2113?tls=false', 'esdb://admin:***@host:2113?tls=false'],
    ['postgres://kb:s3cret@db:5432/kb', 'postgres://kb:***@db:5432/kb'],
    ['esdb://admin:chan/ge:it@node1:2113,node2:2113', 'esdb://admin:***@node1:2113,node2:2113'],
    ['postgres://kb:se@cret@db/kb', 'postgres://kb:***@db/kb'],
    ['esdb://:changeit@host', 'esdb://:***@host'],
  ])('hides the password of %s, the user stays', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it.each(['esdb://localhost:2113?tls=false', 'postgres://kb@db/kb', 'not a url'])(
    'leaves %s, which has no password, as it is',
    (url) => expect(redactUrl(url)).toBe(url),
  );
});

describe('hideUrlSecrets', () => {
  const url = 'esdb://admin:chan?ge@host:2113';

  it('hides the URL, its password and a part of it quoted by its position', () => {
    expect(hideUrlSecrets(`bad ${url}: 'chan?ge' or "chan" at position 13`, url)).toBe(
      'bad esdb://admin:***@host:2113: \'***\' or "***" at position 13',
    );
  });

  it('keeps a quoted part outside the password', () => {
    expect(hideUrlSecrets('Unexpected "2113x" at position 26, expected port number.', url)).toBe(
      'Unexpected "2113x" at position 26, expected port number.',
    );
  });
});

describe('describeEventStore', () => {
  it('names the EventStoreDB without its password, even one holding a slash', () => {
    const description = describeEventStore({
      kind: 'eventstoredb',
      connectionString: 'esdb://admin:chan/geit@host:2113?tls=true',
    });
    expect(description).toBe('EventStoreDB at esdb://admin:***@host:2113?tls=true');
  });
});
