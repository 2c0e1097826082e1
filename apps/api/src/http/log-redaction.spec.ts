import { pathForLog, withoutEchoedInput } from './log-redaction';

describe('withoutEchoedInput', () => {
  // As GraphQL shows a string value: JSON, quotes escaped.
  const SECRET = JSON.stringify('planted-Secret; "quoted" 42').slice(1, -1);

  it.each([
    `Variable "$input" got invalid value { title: "${SECRET}" }; Field "nope" is not defined by type "ReportIncidentInput".`,
    `Variable "$input" got invalid value "${SECRET}" at "input.title"; String cannot represent a non string value: "${SECRET}"`,
    `Variable "$first" got invalid value "${SECRET}"; Int cannot represent non-integer value: "${SECRET}"`,
    `Expected value of type "DateTime!", found "${SECRET}".`,
    `Enum "Severity" cannot represent non-enum value: "${SECRET}".`,
    `services[0]: '${SECRET}' may hold only lowercase letters, digits and - _ . : /`,
    `Cannot query field "${SECRET}" on type "Query".`,
  ])('keeps no value of %s', (message) => {
    const logged = withoutEchoedInput(message);
    expect(logged).not.toContain('planted');
    expect(logged).not.toContain('42');
  });

  it('keeps the names and the rule, which say what was wrong', () => {
    expect(
      withoutEchoedInput(
        'Variable "$input" got invalid value "x" at "input.title"; Expected type "String!" to be not null.',
      ),
    ).toBe('Variable "$input" got invalid value …; Expected type "String!" to be not null.');
    expect(withoutEchoedInput('Cannot query field "nope" on type "Query".')).toBe(
      'Cannot query field "nope" on type "Query".',
    );
    expect(withoutEchoedInput('Expected value of type "[String!]!", found 3.')).toBe(
      'Expected value of type "[String!]!", found ….',
    );
  });

  it('bounds the line', () => {
    expect(withoutEchoedInput('x'.repeat(10_000)).length).toBeLessThanOrEqual(500);
  });
});

describe('pathForLog', () => {
  it('drops the query string (GraphQL GET puts documents and variables there) and bounds the path', () => {
    expect(pathForLog('/graphql?query={secret}&variables={}')).toBe('/graphql');
    expect(pathForLog(`/${'a'.repeat(1000)}`)).toHaveLength(201);
    expect(pathForLog(undefined)).toBe('');
  });
});
