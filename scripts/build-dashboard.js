// Builds the dashboard (apps/dashboard) into dist/dashboard, or into the directory given as the
// first argument: one ES module bundle (Preact, Observable Plot and the typed GraphQL documents),
// its stylesheet and index.html. Nothing is fetched from the internet at build or run time.
const { build } = require('esbuild');
const { copyFileSync, mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'apps/dashboard/src');

async function buildDashboard(outdir = join(root, 'dist/dashboard')) {
  const target = resolve(outdir);
  mkdirSync(target, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: { app: join(source, 'main.tsx') },
    outdir: target,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyFileSync(join(source, 'index.html'), join(target, 'index.html'));
  return target;
}

module.exports = { buildDashboard };

if (require.main === module)
  buildDashboard(process.argv[2]).then(
    (target) => process.stderr.write(`Dashboard built into ${target}\n`),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
