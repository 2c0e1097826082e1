// Lints planted source text with the repository's own eslint.config.mjs, through ESLint's Node API.
// layer-fences.spec.ts runs it as a child process: inside Jest's module sandbox ESLint cannot import()
// an ESM config file.
//
// stdin: [{ filePath, code }], filePath relative to the repository root (it decides which config
// blocks apply; no file is read or written). stdout: [{ filePath, messages: [{ ruleId, message }] }].
//
// Type-aware linting is switched off (typescript-eslint's disableTypeChecked, appended after the
// repository's config): a planted path belongs to no TypeScript project, and the fences
// (no-restricted-imports) need no types. Everything else is the real configuration.
const { join } = require('node:path');
const { ESLint } = require('eslint');
const tseslint = require('typescript-eslint');

const root = join(__dirname, '../..');

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });
  const results = [];
  for (const { filePath, code } of JSON.parse(input)) {
    const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
    results.push({ filePath, messages: result.messages.map(({ ruleId, message }) => ({ ruleId, message })) });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
