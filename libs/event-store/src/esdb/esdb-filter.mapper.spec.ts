import { acceptsEvent, exactNamesRegex, planAllFilter } from './esdb-filter.mapper';

describe('port filters on EventStoreDB', () => {
  it('filters on stream prefixes server-side when given, and applies the whole filter client-side', () => {
    const plan = planAllFilter({ streamPrefixes: ['inc-', 'exp-'], eventTypes: ['Opened'] });
    expect(plan.server).toMatchObject({ filterOn: 'streamName', prefixes: ['inc-', 'exp-'] });
    expect(plan.accepts({ streamId: 'inc-1', type: 'Opened' })).toBe(true);
    expect(plan.accepts({ streamId: 'inc-1', type: 'Closed' })).toBe(false);
    expect(plan.accepts({ streamId: 'job-1', type: 'Opened' })).toBe(false);
  });

  it('filters on exact event types server-side when no prefix is given', () => {
    const plan = planAllFilter({ eventTypes: ['Opened', 'a.b+c'] });
    expect(plan.server).toMatchObject({ filterOn: 'eventType', regex: '^(?:Opened|a\\.b\\+c)$' });
    const regex = new RegExp(exactNamesRegex(['Opened', 'a.b+c']));
    expect(['Opened', 'a.b+c'].every((name) => regex.test(name))).toBe(true);
    expect(['OpenedLate', 'xOpened', 'aXb+c', 'a.bbc'].some((name) => regex.test(name))).toBe(false);
  });

  it('excludes system events server-side without a filter, and always client-side', () => {
    const plan = planAllFilter(undefined);
    expect(plan.server).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    expect(plan.accepts({ streamId: 's-1', type: 'Opened' })).toBe(true);
    expect(plan.accepts({ streamId: '$$s-1', type: '$metadata' })).toBe(false);
    expect(plan.accepts({ streamId: '$stats-1', type: 'Stats' })).toBe(false);
    expect(acceptsEvent({ streamPrefixes: ['$'] }, { streamId: '$ce-s', type: '$>' })).toBe(false);
  });

  it('treats empty lists as no restriction, like the embedded store', () => {
    expect(acceptsEvent({ streamPrefixes: [], eventTypes: [] }, { streamId: 's-1', type: 'T' })).toBe(true);
    expect(planAllFilter({ streamPrefixes: [] }).server).toMatchObject({ regex: '^[^$].*' });
  });
});
