import MarkdownIt from 'markdown-it';
import { escapeBlock, escapeInline, renderPostmortem, type PostmortemSource } from './postmortem-markdown';

const markdown = new MarkdownIt({ html: true, linkify: true });

/** The block structure a Markdown renderer sees: headings, list items, table rows, HTML, code, links. */
function structure(document: string) {
  const tokens = markdown.parse(document, {});
  const inline = tokens.flatMap((t) => t.children ?? []);
  return {
    headings: tokens
      .map((t, i) => (t.type === 'heading_open' ? `${t.tag} ${tokens[i + 1].content}` : null))
      .filter((h) => h !== null),
    tableRows: tokens.filter((t) => t.type === 'tr_open').length,
    listItems: tokens.filter((t) => t.type === 'list_item_open').length,
    html: [...tokens, ...inline].filter((t) => t.type === 'html_block' || t.type === 'html_inline').length,
    code: [...tokens, ...inline].filter((t) => ['code_block', 'fence', 'code_inline'].includes(t.type))
      .length,
    links: inline.filter((t) => t.type === 'link_open' || t.type === 'image').length,
    emphasis: inline.filter((t) => t.type === 'em_open' || t.type === 'strong_open').length,
  };
}

const source = (overrides: Partial<PostmortemSource> = {}): PostmortemSource => ({
  incident: {
    id: '0b7c3a52-1d2e-4f60-8a9b-0c1d2e3f4a5b',
    title: 'Checkout latency after a config push',
    summary: 'Pool exhaustion.',
    kind: 'INCIDENT',
    severity: 'SEV2',
    status: 'CLOSED',
    services: ['checkout', 'payments'],
    startedAt: '2026-03-01T10:00:00.000Z',
    detectedAt: '2026-03-01T10:12:00.000Z',
    acknowledgedAt: '2026-03-01T10:15:00.000Z',
    mitigatedAt: '2026-03-01T11:05:00.000Z',
    resolvedAt: '2026-03-02T12:00:00.000Z',
    postmortemSummary: 'A config push halved the pool.',
    postmortemImpact: '4 % of checkouts failed for 55 minutes.',
    postmortemPublishedAt: '2026-03-04T09:00:00.000Z',
  },
  timeline: [
    { at: '2026-03-01T10:12:00.000Z', text: 'Paged on error rate' },
    { at: '2026-03-01T11:05:00.000Z', text: 'Rolled the config back' },
  ],
  findings: [
    { kind: 'TRIGGER', category: 'CONFIG_CHANGE', description: 'Pool size set to 5', retracted: false },
    {
      kind: 'CONTRIBUTING_FACTOR',
      category: 'MONITORING_GAP',
      description: 'No pool alert',
      retracted: false,
    },
    {
      kind: 'CONTRIBUTING_FACTOR',
      category: 'MONITORING_GAP',
      description: 'Retracted one',
      retracted: true,
    },
    { kind: 'WENT_WELL', category: null, description: 'Rollback took 2 minutes', retracted: false },
    { kind: 'GOT_LUCKY', category: null, description: 'Low traffic on a Sunday', retracted: false },
    { kind: 'LESSON_LEARNED', category: null, description: 'Review pool changes', retracted: false },
  ],
  actionItems: [
    {
      title: 'Alert on pool saturation',
      ownerTeam: 'sre',
      dueDate: '2026-03-15T00:00:00.000Z',
      status: 'OPEN',
      overdue: true,
    },
  ],
  ...overrides,
});

describe('renderPostmortem', () => {
  it('has the sections of the SRE template, in order, with the incident, times, causes and items', () => {
    const document = renderPostmortem(source());
    expect(structure(document).headings).toEqual([
      'h1 Postmortem: Checkout latency after a config push',
      'h2 Summary',
      'h2 Impact',
      'h2 Detection and response',
      'h2 Timeline',
      'h2 Trigger and contributing factors',
      'h3 CONFIG_CHANGE',
      'h3 MONITORING_GAP',
      'h2 What went well',
      'h2 Where we got lucky',
      'h2 Lessons learned',
      'h2 Action items',
    ]);
    expect(document).toContain('| Detected | 2026-03-01T10:12:00.000Z | 12 min |');
    expect(document).toContain('| Mitigated | 2026-03-01T11:05:00.000Z | 1 h 5 min |');
    expect(document).toContain('| Resolved | 2026-03-02T12:00:00.000Z | 1 d 2 h |');
    expect(document).toContain('- **Trigger**: Pool size set to 5');
    expect(document).toContain(
      '| Alert on pool saturation | sre | 2026-03-15T00:00:00.000Z | OPEN (overdue) |',
    );
    expect(document).not.toContain('Retracted one');
    expect(document).toContain('Published 2026-03-04T09:00:00.000Z');
  });

  it('says what is missing instead of leaving sections empty, and marks an unpublished one as a draft', () => {
    const base = source();
    const document = renderPostmortem({
      ...base,
      incident: {
        ...base.incident,
        postmortemPublishedAt: null,
        postmortemSummary: null,
        postmortemImpact: null,
        summary: null,
        resolvedAt: null,
      },
      timeline: [],
      findings: [],
      actionItems: [],
      similar: [],
    });
    expect(document).toContain('**Draft**');
    expect(document).toContain('_No summary written yet._');
    expect(document).toContain('| Resolved | not recorded |');
    expect(document).toContain('_No trigger or contributing factor recorded yet._');
    expect(document).toContain('_No action items._');
    expect(document).toContain('## Similar past incidents\n\n_None found._');
  });

  it('keeps the structure whatever users wrote: no heading, list, row, link, HTML or code comes from their text', () => {
    const hostile = [
      '# Heading\n## another',
      '- item\n* item\n+ item\n1. item',
      '| a | b |\n|---|---|\n| c | d |',
      '[link](javascript:alert(1)) ![img](http://x/y.png) <https://evil.example>',
      '<script>alert(1)</script><img src=x onerror=alert(1)>',
      '```\ncode\n```\n    indented code\n`inline`',
      '**bold** _em_ ~~strike~~',
      'Title\n=====\nSetext\n-----',
      '> quote\n\n---\n***',
      'https://evil.example www.evil.example @everyone $x^2$ &amp; :smile:',
      'back\\slash\\\\ and \\# escaped',
    ];
    const clean = structure(renderPostmortem(source()));
    for (const text of hostile) {
      const base = source();
      const document = renderPostmortem({
        ...base,
        incident: {
          ...base.incident,
          title: text,
          summary: text,
          postmortemSummary: text,
          postmortemImpact: text,
          services: [text],
        },
        timeline: base.timeline.map((entry) => ({ ...entry, text })),
        findings: base.findings.map((finding) => ({ ...finding, description: text })),
        actionItems: [{ ...base.actionItems[0], title: text, ownerTeam: text }],
        similar: [
          { id: 'x', title: text, startedAt: '2026-01-01T00:00:00.000Z', reasons: [text], lessons: [text] },
        ],
      });
      const seen = structure(document);
      expect({
        text,
        html: seen.html,
        code: seen.code,
        links: seen.links,
        tableRows: seen.tableRows,
      }).toEqual({
        text,
        html: 0,
        code: 0,
        links: 0,
        tableRows: clean.tableRows,
      });
      // The same headings (the title's text is the h1's), and only the list items the layout makes.
      expect(seen.headings.slice(1)).toEqual([...clean.headings.slice(1), 'h2 Similar past incidents']);
      // Two list items per non-retracted finding (one each) and the similar incident with its lesson.
      expect(seen.listItems).toBe(clean.listItems + 2);
      expect(seen.emphasis).toBe(clean.emphasis);
    }
  });

  it('escapes so that the text still reads as written once rendered', () => {
    for (const text of ['a_b*c [x](y) <b> # 1. | ~ $ @ : & = !', 'plain words'])
      expect(markdown.renderInline(escapeInline(text))).toBe(markdown.utils.escapeHtml(text));
    expect(escapeInline('two\nlines\r\n  and   spaces')).toBe('two lines and spaces');
    expect(escapeBlock('    code?\n\n\n\n- list')).toBe('code?\n\n\\- list');
    expect(escapeBlock(null)).toBe('');
  });
});
