// node-postgres (pg): a Pool, named prepared statements, arrays, bytea, rowMode 'array',
// transactions and its type parsers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { freshDatabase } from '../lib/db.js';

const url = await freshDatabase('client_node_postgres');

// The tables, created before any test runs.
const setup = new pg.Client({ connectionString: url });
await setup.connect();
await setup.query(`
  create table people (id serial primary key, name text not null, age int4);
  create table blobs (id serial primary key, data bytea not null);
  create table ledger (id serial primary key, amount int4 not null);
`);
await setup.end();

// Each test gets its own Pool, ended when it ends: a failing test's connections cannot
// affect the next test.
function pgTest(name, body) {
  test(name, async () => {
    const pool = new pg.Pool({ connectionString: url, max: 5 });
    try {
      await body(pool);
    } finally {
      await pool.end();
    }
  });
}

// Runs `body` on one client of the pool; a client a test leaves in a transaction is destroyed.
async function withClient(pool, body) {
  const client = await pool.connect();
  let broken;
  try {
    return await body(client);
  } catch (e) {
    broken = e;
    throw e;
  } finally {
    client.release(broken);
  }
}

pgTest('pool.query with parameters', async (pool) => {
  const { rows, rowCount, fields } = await pool.query(
    'select $1::int4 + 1 as n, upper($2::text) as s, $3::bool as b',
    [41, 'abc', false],
  );
  assert.deepEqual(rows, [{ n: 42, s: 'ABC', b: false }]);
  assert.equal(rowCount, 1);
  assert.deepEqual(
    fields.map((f) => f.name),
    ['n', 's', 'b'],
  );
});

pgTest('named prepared statements', async (pool) => {
  await pool.query("insert into people (name, age) values ('ann', 31), ('bob', 42), ('cy', null)");
  await withClient(pool, async (client) => {
    const query = (age) => ({
      name: 'people-older-than',
      text: 'select name, age from people where age > $1 order by id',
      values: [age],
    });
    assert.deepEqual((await client.query(query(30))).rows, [
      { name: 'ann', age: 31 },
      { name: 'bob', age: 42 },
    ]);
    assert.deepEqual((await client.query(query(40))).rows, [{ name: 'bob', age: 42 }]);
    assert.deepEqual((await client.query(query(50))).rows, []);
  });
});

pgTest('arrays', async (pool) => {
  const { rows } = await pool.query(
    "select $1::int4[] as ints, array['a', null, 'c']::text[] as texts, cardinality($1::int4[]) as n",
    [[1, 2, 3]],
  );
  assert.deepEqual(rows, [{ ints: [1, 2, 3], texts: ['a', null, 'c'], n: 3 }]);
});

pgTest('bytea round trip', async (pool) => {
  const data = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const { rows } = await pool.query('insert into blobs (data) values ($1) returning id, length(data) as len', [data]);
  assert.equal(rows[0].len, 256);
  const back = await pool.query('select data from blobs where id = $1', [rows[0].id]);
  assert.ok(Buffer.isBuffer(back.rows[0].data));
  assert.deepEqual(back.rows[0].data, data);
});

pgTest("rowMode 'array'", async (pool) => {
  const result = await pool.query({
    text: "select 1::int4 as a, 'x'::text as b, null::int4 as c union all select 2, 'y', 3",
    rowMode: 'array',
  });
  assert.deepEqual(result.rows, [
    [1, 'x', null],
    [2, 'y', 3],
  ]);
  assert.deepEqual(
    result.fields.map((f) => f.name),
    ['a', 'b', 'c'],
  );
});

pgTest('transactions: commit and rollback', async (pool) => {
  await withClient(pool, async (client) => {
    await client.query('begin');
    await client.query('insert into ledger (amount) values ($1)', [10]);
    await client.query('commit');
    await client.query('begin');
    await client.query('insert into ledger (amount) values ($1)', [20]);
    await assert.rejects(client.query('insert into ledger (amount) values (null)'), (e) => e.code === '23502');
    await assert.rejects(client.query('select 1'), (e) => e.code === '25P02');
    await client.query('rollback');
  });
  const { rows } = await pool.query('select amount from ledger order by id');
  assert.deepEqual(rows, [{ amount: 10 }]);
});

pgTest('type parsers: int8, timestamptz, json, uuid', async (pool) => {
  const { rows } = await pool.query(
    "select 9007199254740993::int8 as big, '2024-02-29 12:34:56.789+00'::timestamptz as at, " +
      "'{\"a\": [1, 2]}'::json as j, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u",
  );
  assert.equal(rows[0].big, '9007199254740993');
  assert.ok(rows[0].at instanceof Date);
  assert.equal(rows[0].at.toISOString(), '2024-02-29T12:34:56.789Z');
  assert.deepEqual(rows[0].j, { a: [1, 2] });
  assert.equal(rows[0].u, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
});
