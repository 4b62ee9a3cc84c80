// drizzle-kit against the server under test: `push` applies the schema and a second `push`
// finds nothing to change; `pull` introspects exactly what it introspects from PostgreSQL 15
// for the same pushed schema (ORACLE_URL, set by cargo xtask test), and pushing the pulled
// schema back changes nothing. All of it reads pg_catalog and information_schema.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { freshDatabase } from '../lib/db.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const kit = fileURLToPath(new URL('../node_modules/drizzle-kit/bin.cjs', import.meta.url));
const oracle = process.env.ORACLE_URL;
if (!oracle) throw new Error('ORACLE_URL (PostgreSQL 15) is not set: run the suite through `cargo xtask test`');

/** Runs drizzle-kit; resolves to its output, rejects with it when it exits non-zero. */
async function drizzleKit(...args) {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [kit, ...args], {
      cwd: here,
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return stdout + stderr;
  } catch (e) {
    throw new Error(`drizzle-kit ${args[0]} failed: ${lastLines(`${e.stdout}${e.stderr}`)}`);
  }
}

function lastLines(text) {
  return text.trim().split('\n').slice(-6).join(' | ');
}

/**
 * A generated file with its order taken out: drizzle-kit emits tables, relations and imports in
 * the order pg_class returns its rows, which is unspecified (PostgreSQL's heap order). Blocks
 * (separated by blank lines), the lines within each block and the imported names are sorted.
 */
function canonical(text) {
  const sortImports = (line) =>
    line.replace(/^import \{([^}]*)\}/, (_, names) => `import {${names.split(',').map((n) => n.trim()).sort().join(', ')}}`);
  return text
    .split(/\n{2,}/)
    .map((block) => block.trim().split('\n').map(sortImports).sort().join('\n'))
    .sort()
    .join('\n\n');
}

const push = (url, schema = './drizzle/schema.js') =>
  drizzleKit('push', '--dialect=postgresql', `--schema=${schema}`, `--url=${url}`, '--force');

/** Pulls `url` into .drizzle-pull/<name>/ and returns the generated schema.ts and relations.ts. */
async function pull(url, name) {
  const out = `.drizzle-pull/${name}`;
  await rm(`${here}/${out}`, { recursive: true, force: true });
  await mkdir(`${here}/${out}`, { recursive: true });
  await drizzleKit('pull', '--dialect=postgresql', `--url=${url}`, `--out=${out}`);
  const read = (file) => readFile(`${here}/${out}/${file}`, 'utf8');
  return { out, schema: await read('schema.ts'), relations: await read('relations.ts') };
}

test('push applies the schema, a second push reports no changes', async () => {
  const url = await freshDatabase('client_kit_push');
  const first = await push(url);
  assert.match(first, /Changes applied/);
  const second = await push(url);
  assert.match(second, /No changes detected/);
});

test('pull introspects what PostgreSQL introspects, and pushing it back changes nothing', async () => {
  const url = await freshDatabase('client_kit_pull');
  await push(url);
  const pulled = await pull(url, 'server');

  const oracleAdmin = new URL(oracle);
  const oracleUrl = await freshDatabase('client_kit_pull_oracle', oracleAdmin.toString());
  await push(oracleUrl);
  const expected = await pull(oracleUrl, 'oracle');

  assert.equal(canonical(pulled.schema), canonical(expected.schema));
  assert.equal(canonical(pulled.relations), canonical(expected.relations));
  assert.match(await push(url, `./${pulled.out}/schema.ts`), /No changes detected/);
});
