// postgres.js with its default options (fetch_types reads pg_type on connect), tagged
// templates, bulk inserts, sql.begin with savepoints, prepare: false and a busy pool.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import postgres from 'postgres';
import { freshDatabase } from '../lib/db.js';

const url = await freshDatabase('client_postgres_js');

// Each test gets its own pool (default options), closed when it ends: a connection a failing
// test leaves inside a transaction cannot hold locks that fail the next test.
function pgTest(name, body, options = {}) {
  test(name, async () => {
    const sql = postgres(url, { max: 10, onnotice: () => {}, ...options });
    try {
      await body(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
}

// One table per test, created by the test: a failure stays with the feature that failed.
async function itemsTable(sql, name) {
  await sql`
    create table ${sql(name)} (
      id serial primary key,
      name text not null unique,
      qty integer not null,
      done boolean not null default false,
      created_at timestamptz not null default now()
    )`;
}

pgTest('default options: connect and read typed values', async (sql) => {
  const [row] = await sql`select 1::int4 as one, 'x'::text as t, true as b, 2.5::float8 as f`;
  assert.deepEqual(row, { one: 1, t: 'x', b: true, f: 2.5 });
});

pgTest('tagged templates with parameters', async (sql) => {
  await itemsTable(sql, 'tagged');
  const name = "O'Brien; drop table tagged --";
  const [inserted] = await sql`insert into tagged (name, qty) values (${name}, ${7}) returning *`;
  assert.equal(inserted.name, name);
  assert.equal(inserted.qty, 7);
  assert.equal(inserted.done, false);
  assert.ok(inserted.created_at instanceof Date);
  const rows = await sql`select id, name, qty * 2 as twice from tagged where name = ${name} and qty > ${1}`;
  assert.deepEqual(rows.map((r) => ({ ...r })), [{ id: inserted.id, name, twice: 14 }]);
  assert.equal(rows.count, 1);
  const updated = await sql`update tagged set done = ${true} where id = ${inserted.id} returning done`;
  assert.deepEqual(updated.map((r) => r.done), [true]);
});

pgTest('sql(rows) bulk insert and dynamic columns', async (sql) => {
  await itemsTable(sql, 'bulk');
  const rows = Array.from({ length: 250 }, (_, i) => ({ name: `item-${i}`, qty: i }));
  const ids = await sql`insert into bulk ${sql(rows, 'name', 'qty')} returning id`;
  assert.equal(ids.length, 250);
  const [stats] = await sql`select count(*)::int as n, sum(qty)::int as total, max(name) as last from bulk`;
  assert.deepEqual({ ...stats }, { n: 250, total: (249 * 250) / 2, last: 'item-99' });
  const columns = ['name', 'qty'];
  const picked = await sql`select ${sql(columns)} from bulk where qty < ${3} order by qty`;
  assert.deepEqual(picked.map((r) => ({ ...r })), [
    { name: 'item-0', qty: 0 },
    { name: 'item-1', qty: 1 },
    { name: 'item-2', qty: 2 },
  ]);
});

pgTest('sql.begin with savepoints', async (sql) => {
  await itemsTable(sql, 'tx');
  const result = await sql.begin(async (tx) => {
    await tx`insert into tx (name, qty) values ('kept', 1)`;
    await assert.rejects(
      tx.savepoint(async (sp) => {
        await sp`insert into tx (name, qty) values ('undone', 2)`;
        throw new Error('roll back to the savepoint');
      }),
      /roll back to the savepoint/,
    );
    await tx.savepoint(async (sp) => {
      await sp`insert into tx (name, qty) values ('saved', 3)`;
    });
    return 'committed';
  });
  assert.equal(result, 'committed');
  await assert.rejects(
    sql.begin(async (tx) => {
      await tx`insert into tx (name, qty) values ('lost', 4)`;
      await tx`insert into tx (name, qty) values ('kept', 5)`; // unique violation
    }),
    (e) => e.code === '23505',
  );
  const names = await sql`select name from tx order by qty`;
  assert.deepEqual(names.map((r) => r.name), ['kept', 'saved']);
});

pgTest(
  'prepare: false (unnamed statements)',
  async (sql) => {
    for (const n of [1, 2, 3]) {
      const [row] = await sql`select ${n}::int * 10 as v, ${'k' + n}::text as k`;
      assert.deepEqual({ ...row }, { v: n * 10, k: `k${n}` });
    }
  },
  { prepare: false },
);

pgTest('300 concurrent queries on a pool of 10', async (sql) => {
  const results = await Promise.all(
    Array.from({ length: 300 }, (_, i) => sql`select ${i}::int + 1 as n, ${'q' + i}::text as tag`),
  );
  results.forEach(([row], i) => assert.deepEqual({ ...row }, { n: i + 1, tag: `q${i}` }));
});

pgTest('arrays as parameters and results', async (sql) => {
  const [row] = await sql`select ${[1, 2, 3]}::int4[] as ints, array['a', 'b']::text[] as texts`;
  assert.deepEqual(row.ints, [1, 2, 3]);
  assert.deepEqual(row.texts, ['a', 'b']);
  const [any] = await sql`select 2 = any(${sql.array([1, 2, 3], 23)}) as hit`;
  assert.equal(any.hit, true);
});

pgTest('json and jsonb', async (sql) => {
  await sql`create table docs (id serial primary key, body jsonb not null)`;
  const doc = { name: 'a', tags: ['x', 'y'], nested: { n: 1 } };
  await sql`insert into docs (body) values (${sql.json(doc)})`;
  const [row] = await sql`select body, body->'nested'->>'n' as n, body->'tags' as tags from docs`;
  assert.deepEqual(row.body, doc);
  assert.equal(row.n, '1');
  assert.deepEqual(row.tags, ['x', 'y']);
});

pgTest('exact numeric', async (sql) => {
  const [row] = await sql`select ${'12345678901234567890.125'}::numeric + 1 as n, 0.1::numeric + 0.2 as s`;
  assert.equal(row.n, '12345678901234567891.125');
  assert.equal(row.s, '0.3');
});

pgTest('errors carry the SQLSTATE', async (sql) => {
  await assert.rejects(sql`select 1/0`, (e) => e.code === '22012');
  await assert.rejects(sql`select * from no_such_table`, (e) => e.code === '42P01');
});
