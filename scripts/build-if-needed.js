// `npm start` runs this first: it builds the API and the dashboard when dist/ is missing or older
// than any source file, so a fresh clone starts with `npm ci && npm start` and a rebuilt one starts at once.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outputs = [join(root, 'dist/apps/api/src/main.js'), join(root, 'dist/dashboard/index.html')];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = Math.max(
  newestSource(join(root, 'apps')),
  newestSource(join(root, 'libs')),
  ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map(
    (f) => statSync(join(root, f)).mtimeMs,
  ),
);
if (outputs.some((output) => !existsSync(output) || statSync(output).mtimeMs < sources)) {
  process.stderr.write('Building the API and the dashboard (first start, or sources changed)...\n');
  execSync('npx nest build api', { cwd: root, stdio: 'inherit' });
  execSync('node scripts/build-dashboard.js', { cwd: root, stdio: 'inherit' });
}
