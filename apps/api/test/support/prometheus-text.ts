/**
 * A strict reader of Prometheus's text exposition format (version 0.0.4), for tests: it throws, with
 * the line, on anything a Prometheus server would refuse or that the format forbids (a sample before
 * its TYPE, a family split in two, a repeated series, a histogram whose buckets are not cumulative
 * or miss `+Inf`, a bad escape, ...). What it returns is indexed for assertions.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_count` for a histogram `x`). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, { -readonly [K in keyof MetricFamily]: MetricFamily[K] }>();
  const closed = new Set<string>();
  const series = new Set<string>();
  const typed = new Set<string>();
  let current: string | undefined;
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('The exposition must end with a line feed.');

  const open = (name: string, lineNo: number) => {
    if (current === name) return families.get(name)!;
    if (closed.has(name) || families.has(name))
      throw new Error(`line ${lineNo}: metric family ${name} appears in two places`);
    if (current !== undefined) closed.add(current);
    current = name;
    const family = { name, type: 'untyped' as MetricType, help: undefined, samples: [] };
    families.set(name, family);
    return family;
  };

  text
    .split('\n')
    .slice(0, -1)
    .forEach((line, index) => {
      const lineNo = index + 1;
      if (line.trim() === '') return;
      if (line.startsWith('#')) {
        const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
        if (!match) return; // any other comment
        const [, keyword, name, rest = ''] = match;
        if (!METRIC_NAME.test(name)) throw new Error(`line ${lineNo}: bad metric name '${name}'`);
        const family = open(name, lineNo);
        if (keyword === 'HELP') {
          if (family.help !== undefined) throw new Error(`line ${lineNo}: second HELP for ${name}`);
          family.help = unescape(rest, false, lineNo);
        } else {
          if (family.samples.length > 0) throw new Error(`line ${lineNo}: TYPE of ${name} after its samples`);
          if (!TYPES.includes(rest as MetricType)) throw new Error(`line ${lineNo}: unknown type '${rest}'`);
          if (typed.has(name)) throw new Error(`line ${lineNo}: second TYPE for ${name}`);
          typed.add(name);
          family.type = rest as MetricType;
        }
        return;
      }
      const sample = parseSample(line, lineNo);
      const familyName = familyOf(sample.name, current === undefined ? undefined : families.get(current));
      const family = open(familyName ?? sample.name, lineNo);
      checkSampleName(family, sample, lineNo);
      const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
      if (series.has(key)) throw new Error(`line ${lineNo}: series ${key} appears twice`);
      series.add(key);
      family.samples.push(sample);
    });

  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The samples of `name` (a family, or a histogram's `_bucket`/`_sum`/`_count`) whose labels include `labels`. */
export function samplesOf(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  const all = [...families.values()].flatMap((family) => family.samples);
  return all.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
}

/** The value of exactly one series; throws when there is none or more than one. */
export function valueOf(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const found = samplesOf(families, name, labels);
  if (found.length !== 1)
    throw new Error(`Expected one series ${name}${JSON.stringify(labels)}, found ${found.length}.`);
  return found[0].value;
}

function familyOf(sampleName: string, current: MetricFamily | undefined): string | undefined {
  if (current?.type === 'histogram' || current?.type === 'summary') {
    for (const suffix of ['_bucket', '_sum', '_count'])
      if (sampleName === `${current.name}${suffix}`) return current.name;
  }
  return undefined;
}

function checkSampleName(family: MetricFamily, sample: Sample, lineNo: number): void {
  const allowed =
    family.type === 'histogram'
      ? ['_bucket', '_sum', '_count'].map((suffix) => family.name + suffix)
      : family.type === 'summary'
        ? [family.name, `${family.name}_sum`, `${family.name}_count`]
        : [family.name];
  if (!allowed.includes(sample.name))
    throw new Error(`line ${lineNo}: sample ${sample.name} does not belong to ${family.type} ${family.name}`);
  if (family.type === 'histogram' && sample.name.endsWith('_bucket') && sample.labels.le === undefined)
    throw new Error(`line ${lineNo}: histogram bucket without an 'le' label`);
  if (family.type === 'counter' && !(sample.value >= 0))
    throw new Error(`line ${lineNo}: counter ${sample.name} is ${sample.value}`);
}

function checkHistogram(family: MetricFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name.endsWith('_bucket'))
      group.buckets.push([parseValue(le, `le of ${family.name}`), sample.value]);
    else if (sample.name.endsWith('_count')) group.count = sample.value;
    else group.sum = sample.value;
  }
  for (const [key, group] of groups) {
    const where = `histogram ${family.name}${key}`;
    if (group.count === undefined || group.sum === undefined)
      throw new Error(`${where} lacks _sum or _count`);
    const buckets = [...group.buckets].sort((a, b) => a[0] - b[0]);
    if (buckets.length === 0 || buckets[buckets.length - 1][0] !== Infinity)
      throw new Error(`${where} has no le="+Inf" bucket`);
    buckets.forEach(([, value], i) => {
      if (i > 0 && value < buckets[i - 1][1]) throw new Error(`${where}: buckets are not cumulative`);
    });
    if (buckets[buckets.length - 1][1] !== group.count)
      throw new Error(`${where}: +Inf bucket differs from _count`);
  }
}

function parseSample(line: string, lineNo: number): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`line ${lineNo}: no metric name in '${line}'`);
  const name = nameMatch[0];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.replace(/^\s*/, '');
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(rest);
      if (!label || !LABEL_NAME.test(label[1])) throw new Error(`line ${lineNo}: bad label in '${line}'`);
      if (label[1] in labels) throw new Error(`line ${lineNo}: label ${label[1]} twice`);
      rest = rest.slice(label[0].length);
      let value = '';
      let i = 0;
      for (; i < rest.length && rest[i] !== '"'; i++)
        value += rest[i] === '\\' ? rest[i] + rest[++i] : rest[i];
      if (i >= rest.length) throw new Error(`line ${lineNo}: unterminated label value in '${line}'`);
      labels[label[1]] = unescape(value, true, lineNo);
      rest = rest.slice(i + 1).replace(/^\s*/, '');
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new Error(`line ${lineNo}: expected ',' or '}' in '${line}'`);
    }
  }
  const parts = rest.trim().split(/\s+/);
  if (!/^\s/.test(rest) || parts.length < 1 || parts.length > 2)
    throw new Error(`line ${lineNo}: expected a value (and a timestamp) in '${line}'`);
  if (parts.length === 2 && !/^-?\d+$/.test(parts[1]))
    throw new Error(`line ${lineNo}: bad timestamp '${parts[1]}'`);
  return { name, labels, value: parseValue(parts[0], `line ${lineNo}`) };
}

function parseValue(text: string, where: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value '${text}'`);
  return Number(text);
}

/** HELP text escapes `\\` and `\n`; label values also `\"`. Any other escape is an error. */
function unescape(text: string, labelValue: boolean, lineNo: number): string {
  return text.replace(/\\(.?)/g, (_, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    if (next === '"' && labelValue) return '"';
    throw new Error(`line ${lineNo}: bad escape '\\${next}'`);
  });
}
