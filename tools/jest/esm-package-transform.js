// Jest runs this project as CommonJS, and Node 20 only lets Jest `require` CommonJS. A package published
// only as ES modules (@nestjs/terminus 12) is compiled to CommonJS here for the tests; the built service
// needs none of this (Node 20.19+ requires ES modules itself).
//
// In an ES module nothing is called `require` unless the module declares it (terminus does:
// `const require = createRequire(import.meta.url)`), and CommonJS already has one: such names are
// renamed first. Then `import.meta` is spelled the CommonJS way, and TypeScript turns the imports and
// exports into `require` and `exports`.
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const commonJsSource = source
      .replace(/\brequire\b/g, '__esmRequire')
      .replace(/import\.meta\.url/g, 'require("node:url").pathToFileURL(__filename).href')
      .replace(/import\.meta\.dirname/g, '__dirname')
      .replace(/import\.meta\.filename/g, '__filename')
      .replace(/import\.meta\.resolve\(/g, 'require.resolve(');
    const { outputText, sourceMapText } = ts.transpileModule(commonJsSource, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        allowJs: true,
        sourceMap: true,
      },
    });
    return { code: outputText, map: sourceMapText };
  },
};
