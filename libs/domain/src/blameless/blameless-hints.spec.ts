import { BLAME_KINDS, type BlameKind, blamelessHints, findBlame } from './blameless-hints';

const kindsIn = (text: string): BlameKind[] => [...new Set(findBlame(text).map((finding) => finding.kind))];

describe('blamelessHints', () => {
  describe('given wording that puts the blame on people', () => {
    it.each<[string, BlameKind[], string]>([
      ['The root cause was human error.', ['human-error'], 'human error'],
      ['Classic operator\nerror during the failover.', ['human-error'], 'operator\nerror'],
      ['Filed as USER ERROR and closed.', ['human-error'], 'USER ERROR'],
      ['Another case of pilot-error.', ['human-error'], 'pilot-error'],
      ['Bob should have checked the dashboard.', ['should-have'], 'should have'],
      ["She should've known the flag was on.", ['should-have'], "should've"],
      ['We shouldn’t have deployed on a Friday.', ['should-have'], 'shouldn’t have'],
      ['The alert should not have been silenced.', ['should-have'], 'should not have'],
      ['A second reviewer could have prevented this.', ['should-have'], 'could have prevented'],
      ['This could have been avoided.', ['should-have'], 'could have been avoided'],
      ['A careless edit to the load balancer.', ['carelessness'], 'careless'],
      ['Sheer carelessness, again.', ['carelessness'], 'carelessness'],
      ['Sloppy work on the migration.', ['carelessness'], 'Sloppy'],
      ['The reviewer was lazy.', ['carelessness'], 'lazy'],
      ['The operator was negligent.', ['negligence'], 'negligent'],
      ['This was gross negligence.', ['negligence'], 'negligence'],
      ['Bob failed to check the logs.', ['person-failed-to'], 'Bob failed to'],
      [
        'Then the on-call engineer failed to escalate.',
        ['person-failed-to'],
        'the on-call engineer failed to',
      ],
      ['The on-call failed to acknowledge the page.', ['person-failed-to'], 'The on-call failed to'],
      ['Our SRE failed to notice the disk filling up.', ['person-failed-to'], 'Our SRE failed to'],
      ['The developer neglected to run the tests.', ['person-failed-to'], 'The developer neglected to'],
      ['Someone had failed to rotate the key.', ['person-failed-to'], 'Someone had failed to'],
      ['They simply failed to read the runbook.', ['person-failed-to'], 'They simply failed to'],
      ["O'Brien failed to restart the job.", ['person-failed-to'], "O'Brien failed to"],
      ['It was the fault of the intern.', ['fault'], 'fault of'],
      ["Honestly, it was Bob's fault.", ['fault'], "Bob's fault"],
      ['The admin was at fault.', ['fault'], 'at fault'],
      ['Who is to blame?', ['fault'], 'to blame'],
      ['Management put the blame on ops.', ['fault'], 'blame on'],
      ['They blamed it on the database team.', ['fault'], 'blamed it on'],
      ['The outage was caused by Alice.', ['person-as-cause'], 'caused by Alice'],
      ['Checkout broke because Bob deployed on Friday.', ['person-as-cause'], 'because Bob deployed'],
      ["It was Alice's mistake.", ['person-as-cause'], "Alice's mistake"],
      ['Bob broke the build.', ['person-as-cause'], 'Bob broke'],
      ['@alice broke prod', ['person-as-cause'], '@alice broke'],
      ["Latency rose due to John's change.", ['person-as-cause'], "due to John's change"],
      ['This was the mistake by Carol.', ['person-as-cause'], 'mistake by Carol'],
      ['It was caused by the on-call engineer.', ['person-as-cause'], 'caused by the on-call engineer'],
      ['It was caused by an engineer running a script.', ['person-as-cause'], 'caused by an engineer'],
      ['Alice took down the cluster.', ['person-as-cause'], 'Alice took down'],
      ['Caused by\n@bob', ['person-as-cause'], 'Caused by\n@bob'],
    ])('when the text says %j, then it flags %j quoting the matched words', (text, kinds, quoted) => {
      expect(kindsIn(text)).toEqual(kinds);
      const [finding] = findBlame(text);
      expect(finding.match).toBe(quoted);
      expect(text.slice(finding.index, finding.index + finding.match.length)).toBe(quoted);
    });

    it('when one sentence blames in several ways, then each kind is reported', () => {
      expect(kindsIn('Bob was careless and should have known; it was human error.')).toEqual([
        'carelessness',
        'should-have',
        'human-error',
      ]);
    });
  });

  describe('given neutral or systems-focused wording', () => {
    it.each([
      'The deploy pipeline allowed an unreviewed config change to reach production.',
      'Alerting did not page because the threshold was set above the observed peak.',
      'The team noticed the error rate within 4 minutes.',
      'We got lucky: traffic was low on Sunday.',
      'What went well: Alice coordinated the response calmly.',
      'Recovery was fast because Alice noticed the alert.',
      'Impact was short because the on-call engineer was paged early.',
      'The retry logic failed to back off.',
      'The service failed to connect to the database.',
      'The health check failed to detect the stuck worker.',
      'DNS failed to resolve the internal zone.',
      'Alerting failed to page anyone.',
      'Kubernetes failed to schedule the pods.',
      'Retries failed to back off.',
      'Replication failed to catch up.',
      'Payments failed to settle overnight.',
      'Everything broke at once when the cache expired.',
      'Root Cause: Caused By Replication Lag',
      'Checkout broke after the certificate expired.',
      'The admin panel failed to load.',
      'The latency spike was caused by Redis.',
      'The error budget burned because DNS was down.',
      'It was caused by the Kubernetes upgrade.',
      'Errors rose due to a config change.',
      'It was caused by the admin panel.',
      'The merge went through due to missing reviewer approval.',
      'Traffic rose due to Monday traffic patterns.',
      "It was nobody's fault.",
      'Nobody is to blame.',
      "It wasn't Bob's fault: the tooling allowed it.",
      'Blameless reviews make people safe to speak up.',
      'The default timeout was too short.',
      'We designed the queue to be fault-tolerant.',
      "That's fault tolerance working as designed.",
      'The API returned user error codes for malformed requests.',
      'Modules use lazy loading; lazy-loaded routes were unaffected.',
      'Dynamo uses a sloppy quorum for writes.',
      'A canary would have caught the regression.',
      'The deploy caused the outage.',
      'Reach out via @here in the incident channel.',
    ])('when the text says %j, then no hint is returned', (text) => {
      expect(blamelessHints(text)).toEqual([]);
    });

    it.each(['', '   ', '\n\t \n'])('when the text is %j, then no hint is returned', (text) => {
      expect(blamelessHints(text)).toEqual([]);
    });
  });

  describe('given a hint for a match', () => {
    it('when the wording is found, then the hint quotes it and suggests a systems-focused rephrase', () => {
      expect(blamelessHints('Root cause: human error.')).toEqual([
        '"human error": describe the conditions that made the mistake easy to make (tooling, defaults, missing guardrails) rather than the person.',
      ]);
    });

    it('when the match spans a line break, then the quote in the hint is on one line', () => {
      const [hint] = blamelessHints('Bob should\nhave checked.');
      expect(hint).toMatch(/^"should have": /);
    });

    it('when any kind matches, then its hint starts with the quoted words followed by advice', () => {
      const findings = findBlame(
        'Human error. Bob should have known; he was careless and negligent. Bob failed to check. It was his fault, caused by Bob.',
      );
      expect(new Set(findings.map((finding) => finding.kind))).toEqual(new Set(BLAME_KINDS));
      for (const finding of findings) {
        expect(finding.hint.startsWith(`"${finding.match}": `)).toBe(true);
        expect(finding.hint.length).toBeGreaterThan(finding.match.length + 40);
      }
    });
  });

  describe('given the same kind of wording more than once', () => {
    const text = 'Alice should have paged. Bob should have rolled back. Carol should’ve waited.';

    it('when hints are built, then there is one hint for that kind, quoting the first match', () => {
      expect(blamelessHints(text)).toEqual([expect.stringMatching(/^"should have": /)]);
    });

    it('when findings are listed, then every occurrence is kept for highlighting', () => {
      expect(findBlame(text).map(({ match, index }) => [match, index])).toEqual([
        ['should have', text.indexOf('should have')],
        ['should have', text.lastIndexOf('should have')],
        ['should’ve', text.indexOf('should’ve')],
      ]);
    });
  });

  describe('given several kinds of wording', () => {
    it('when hints are built, then they follow the order of first appearance in the text', () => {
      const text =
        'This was negligence. Alice failed to escalate, a clear human error, and she should have known. More human error.';
      expect(blamelessHints(text).map((hint) => /^"([^"]*)": /.exec(hint)?.[1])).toEqual([
        'negligence',
        'Alice failed to',
        'human error',
        'should have',
      ]);
    });

    it('when findings are listed, then each has a known kind and they are sorted by index', () => {
      const findings = findBlame(
        'It was human error. Bob failed to check. Caused by Alice. At fault: nobody.',
      );
      expect(findings.map((finding) => finding.kind)).toEqual([
        'human-error',
        'person-failed-to',
        'person-as-cause',
        'fault',
      ]);
      expect(findings.map((finding) => finding.index)).toEqual([7, 20, 41, 58]);
    });
  });

  describe('given a 20,000-character adversarial text', () => {
    const adversarial: Array<[string, string]> = [
      ['one long word', 'a'.repeat(20_000)],
      ['apostrophes', "'".repeat(20_000)],
      ['at signs', '@'.repeat(20_000)],
      ['separators only', '- * _ '.repeat(3_334).slice(0, 20_000)],
      ['repeated triggers', 'failed to '.repeat(2_000)],
      ['possessive names', "Bob's ".repeat(3_334).slice(0, 20_000)],
      ['determiners', 'the '.repeat(5_000)],
      [
        'every pattern at once',
        "the on-call engineer failed to, should have, human error, because Bob deployed, caused by the Alice's fault to blame "
          .repeat(200)
          .slice(0, 20_000),
      ],
    ];

    // Time on this machine is noisy, so the check is a ratio in the same run, not a fixed bound: ten
    // times the text may take about ten times as long (linear), never the hundred times or more of a
    // quadratic or backtracking pattern. The fastest of several runs keeps other load out of it.
    const fastestMs = (text: string) =>
      Math.min(
        ...Array.from({ length: 5 }, () => {
          const started = performance.now();
          blamelessHints(text);
          return performance.now() - started;
        }),
      );

    it.each(adversarial)('when it is %s, then the time grows linearly with the text', (_name, text) => {
      expect(text).toHaveLength(20_000);
      blamelessHints(text.slice(0, 1_000));
      const small = fastestMs(text.slice(0, 2_000));
      const large = fastestMs(text);
      expect(large).toBeLessThan(40 * small + 5);
    });
  });
});
