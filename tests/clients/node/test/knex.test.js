// knex over node-postgres: migrations from an in-memory source (latest, rollback), the schema
// builder's catalog queries (hasTable, hasColumn, columnInfo), inserts with returning, upserts,
// joins, aggregates, transactions with savepoints, raw bindings, streaming and batchInsert.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import knex from 'knex';
import { freshDatabase } from '../lib/db.js';

const url = await freshDatabase('client_knex');
const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 4 } });
after(() => db.destroy());

// The migrations, by name, in the order knex applies them.
const migrations = {
  '001_authors_and_books': {
    async up(k) {
      await k.schema.createTable('authors', (t) => {
        t.increments('id');
        t.string('name', 100).notNullable().unique();
        t.enu('status', ['active', 'retired'], { useNative: true, enumName: 'author_status' })
          .notNullable()
          .defaultTo('active');
        t.jsonb('meta');
        t.integer('born');
        t.timestamps(true, true);
      });
      await k.schema.createTable('books', (t) => {
        t.bigIncrements('id');
        t.uuid('uid').notNullable().defaultTo(k.fn.uuid());
        t.integer('author_id').unsigned().notNullable();
        t.foreign('author_id').references('authors.id').onDelete('CASCADE');
        t.string('title').notNullable();
        t.enu('genre', ['sf', 'fantasy']);
        t.integer('pages').defaultTo(0);
        t.unique(['author_id', 'title']);
        t.index(['title'], 'books_title_idx');
      });
    },
    async down(k) {
      await k.schema.dropTable('books');
      await k.schema.dropTable('authors');
      await k.raw('drop type author_status');
    },
  },
  '002_alter_books': {
    async up(k) {
      await k.schema.alterTable('books', (t) => {
        t.string('isbn', 20);
        t.renameColumn('pages', 'page_count');
      });
      await k.schema.alterTable('books', (t) => {
        t.bigInteger('page_count').notNullable().defaultTo(1).alter();
      });
    },
    async down(k) {
      await k.schema.alterTable('books', (t) => {
        t.integer('page_count').nullable().defaultTo(0).alter();
      });
      await k.schema.alterTable('books', (t) => {
        t.renameColumn('page_count', 'pages');
        t.dropColumn('isbn');
      });
    },
  },
  '003_drop_born': {
    async up(k) {
      await k.schema.alterTable('authors', (t) => {
        t.dropColumn('born');
        t.text('bio').notNullable().defaultTo('');
      });
    },
    async down(k) {
      await k.schema.alterTable('authors', (t) => {
        t.dropColumn('bio');
        t.integer('born');
      });
    },
  },
};

// A knex migration source over `migrations`, limited to the first `count`.
const source = (count) => ({
  getMigrations: async () => Object.keys(migrations).slice(0, count),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
});

test('migrations: latest in two batches, rollback, latest again', async () => {
  const [batch1, log1] = await db.migrate.latest({ migrationSource: source(2) });
  assert.deepEqual([batch1, log1], [1, ['001_authors_and_books', '002_alter_books']]);
  const [batch2, log2] = await db.migrate.latest({ migrationSource: source(3) });
  assert.deepEqual([batch2, log2], [2, ['003_drop_born']]);
  assert.equal(await db.schema.hasColumn('authors', 'born'), false);
  assert.equal(await db.schema.hasColumn('authors', 'bio'), true);

  const [rolledBatch, rolled] = await db.migrate.rollback({ migrationSource: source(3) });
  assert.deepEqual([rolledBatch, rolled], [2, ['003_drop_born']]);
  assert.equal(await db.schema.hasColumn('authors', 'born'), true);
  assert.equal(await db.schema.hasColumn('authors', 'bio'), false);

  const [, again] = await db.migrate.latest({ migrationSource: source(3) });
  assert.deepEqual(again, ['003_drop_born']);
  const [, done] = await db.migrate.latest({ migrationSource: source(3) });
  assert.deepEqual(done, []);
  assert.equal(await db.migrate.currentVersion({ migrationSource: source(3) }), '003');
  const completed = await db('knex_migrations').select('name', 'batch').orderBy('id');
  assert.deepEqual(
    completed.map((m) => [m.name, m.batch]),
    [
      ['001_authors_and_books', 1],
      ['002_alter_books', 1],
      ['003_drop_born', 2],
    ],
  );
});

test('hasTable, hasColumn and columnInfo read the catalogs', async () => {
  await db.migrate.latest({ migrationSource: source(3) });
  assert.equal(await db.schema.hasTable('books'), true);
  assert.equal(await db.schema.hasTable('nope'), false);
  assert.equal(await db.schema.hasColumn('books', 'page_count'), true);
  assert.equal(await db.schema.hasColumn('books', 'pages'), false);
  const info = await db('books').columnInfo();
  assert.deepEqual(
    Object.fromEntries(Object.entries(info).map(([name, c]) => [name, [c.type, c.nullable, c.maxLength]])),
    {
      id: ['bigint', false, null],
      uid: ['uuid', false, null],
      author_id: ['integer', false, null],
      title: ['character varying', false, 255],
      genre: ['text', true, null],
      page_count: ['bigint', false, null],
      isbn: ['character varying', true, 20],
    },
  );
  assert.equal(info.page_count.defaultValue, "'1'::bigint");
  const status = await db('authors').columnInfo('status');
  assert.deepEqual([status.type, status.defaultValue], ['USER-DEFINED', "'active'::author_status"]);
});

test('insert returning, upsert with onConflict merge, constraints', async () => {
  await db.migrate.latest({ migrationSource: source(3) });
  const [author] = await db('authors')
    .insert({ name: 'Le Guin', meta: { prizes: ['Hugo', 'Nebula'] } })
    .returning(['id', 'name', 'status', 'meta', 'created_at']);
  assert.deepEqual({ ...author, id: 0, created_at: 0 }, {
    id: 0,
    name: 'Le Guin',
    status: 'active',
    meta: { prizes: ['Hugo', 'Nebula'] },
    created_at: 0,
  });
  assert.ok(author.created_at instanceof Date);
  const [book] = await db('books')
    .insert({ author_id: author.id, title: 'The Dispossessed', genre: 'sf' })
    .returning('*');
  assert.match(book.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(book.id, '1');
  assert.equal(book.page_count, '1');

  const upsert = (pages) =>
    db('books')
      .insert({ author_id: author.id, title: 'The Dispossessed', page_count: pages })
      .onConflict(['author_id', 'title'])
      .merge(['page_count'])
      .returning(['id', 'page_count']);
  assert.deepEqual(await upsert(387), [{ id: '1', page_count: '387' }]);
  assert.deepEqual(await upsert(388), [{ id: '1', page_count: '388' }]);
  const ignored = await db('authors').insert({ name: 'Le Guin' }).onConflict('name').ignore().returning('id');
  assert.deepEqual(ignored, []);

  await assert.rejects(db('books').insert({ author_id: 999, title: 'Orphan' }), { code: '23503' });
  await assert.rejects(db('books').insert({ author_id: author.id, title: 'Bad', genre: 'poetry' }), {
    code: '23514',
  });
  await assert.rejects(db('authors').insert({ name: 'X', status: 'dead' }), { code: '22P02' });
  const [updated] = await db('authors')
    .where({ id: author.id })
    .update({ status: 'retired', updated_at: db.fn.now() })
    .returning(['status']);
  assert.deepEqual(updated, { status: 'retired' });
});

test('joins, aggregates, group by, having and subqueries', async () => {
  await db.migrate.latest({ migrationSource: source(3) });
  const [{ id }] = await db('authors').insert({ name: 'Jemisin' }).returning('id');
  await db('books').insert([
    { author_id: id, title: 'The Fifth Season', page_count: 468, genre: 'fantasy' },
    { author_id: id, title: 'The Obelisk Gate', page_count: 410, genre: 'fantasy' },
    { author_id: id, title: 'The Stone Sky', page_count: 416, genre: 'fantasy' },
  ]);
  const rows = await db('authors as a')
    .leftJoin('books as b', 'b.author_id', 'a.id')
    .select('a.name')
    .count('b.id as books')
    .sum('b.page_count as pages')
    .avg('b.page_count as mean')
    .max('b.title as last')
    .whereIn('a.id', db('books').select('author_id').where('genre', 'fantasy'))
    .groupBy('a.name')
    .having(db.raw('count(b.id) >= ?', [3]))
    .orderBy('a.name');
  assert.deepEqual(
    rows.map((r) => ({ ...r, mean: Number(r.mean).toFixed(2) })),
    [{ name: 'Jemisin', books: '3', pages: '1294', mean: '431.33', last: 'The Stone Sky' }],
  );
  const counted = await db('books').countDistinct('author_id as n').first();
  assert.ok(Number(counted.n) >= 1);
  const paged = await db('books')
    .join('authors', 'authors.id', '=', 'books.author_id')
    .where('authors.name', 'Jemisin')
    .select('books.title')
    .orderBy([{ column: 'books.page_count', order: 'desc' }])
    .limit(2)
    .offset(1);
  assert.deepEqual(paged, [{ title: 'The Stone Sky' }, { title: 'The Obelisk Gate' }]);
});

test('transactions: commit, rollback and savepoints', async () => {
  await db.migrate.latest({ migrationSource: source(3) });
  await db.transaction(async (trx) => {
    await trx('authors').insert({ name: 'Committed' });
    // A nested transaction is a savepoint: its failure rolls back only itself.
    await assert.rejects(
      trx.transaction(async (inner) => {
        await inner('authors').insert({ name: 'Savepoint' });
        await inner('authors').insert({ name: 'Committed' });
      }),
      { code: '23505' },
    );
    await trx.transaction(async (inner) => {
      await inner('authors').insert({ name: 'Nested' });
    });
  });
  await assert.rejects(
    db.transaction(async (trx) => {
      await trx('authors').insert({ name: 'Ghost' });
      throw new Error('abort');
    }),
    /abort/,
  );
  const trx = await db.transaction();
  await trx('authors').insert({ name: 'Manual' });
  await trx.rollback();
  const names = await db('authors')
    .whereIn('name', ['Committed', 'Savepoint', 'Nested', 'Ghost', 'Manual'])
    .orderBy('name')
    .pluck('name');
  assert.deepEqual(names, ['Committed', 'Nested']);
});

test('raw queries with positional and named bindings', async () => {
  const { rows } = await db.raw('select ?::int + ? as sum, ?? as col from (select 1 as x) as t', [40, 2, 't.x']);
  assert.deepEqual(rows, [{ sum: 42, col: 1 }]);
  const named = await db.raw('select :name::text as name, :n::int * 2 as twice', { name: 'knex', n: 21 });
  assert.deepEqual(named.rows, [{ name: 'knex', twice: 42 }]);
  const arrays = await db.raw('select ? = any(?::int[]) as found', [3, [1, 2, 3]]);
  assert.deepEqual(arrays.rows, [{ found: true }]);
});

test('streaming a query', async () => {
  await db.schema.createTable('numbers', (t) => {
    t.integer('n').primary();
  });
  await db.batchInsert(
    'numbers',
    Array.from({ length: 250 }, (_, i) => ({ n: i + 1 })),
    100,
  );
  const seen = [];
  for await (const row of db('numbers').select('n').orderBy('n').stream({ batchSize: 40 })) {
    seen.push(row.n);
  }
  assert.equal(seen.length, 250);
  assert.deepEqual(seen.slice(0, 3), [1, 2, 3]);
  assert.equal(seen.reduce((a, b) => a + b, 0), (250 * 251) / 2);
});

test('batchInsert inside a transaction returns ids', async () => {
  await db.schema.createTable('events', (t) => {
    t.increments('id');
    t.string('kind').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
  });
  const rows = Array.from({ length: 30 }, (_, i) => ({
    kind: i % 2 ? 'odd' : 'even',
    at: new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
  }));
  const ids = await db.transaction((trx) => db.batchInsert('events', rows, 7).returning('id').transacting(trx));
  assert.deepEqual(
    ids.map((r) => r.id),
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  const byKind = await db('events').select('kind').count('* as n').min('at as first').groupBy('kind').orderBy('kind');
  assert.deepEqual(byKind, [
    { kind: 'even', n: '15', first: new Date('2024-01-01T00:00:00Z') },
    { kind: 'odd', n: '15', first: new Date('2024-01-01T00:00:01Z') },
  ]);
});
