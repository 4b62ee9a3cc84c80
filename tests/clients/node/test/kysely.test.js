// kysely over node-postgres: schema builder, inserts with returning, joins, upserts,
// transactions and aggregates.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { freshDatabase } from '../lib/db.js';

const url = await freshDatabase('client_kysely');
const db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 4 }) }) });
after(() => db.destroy());

// The schema every test uses, created once.
const schema = (async () => {
  await db.schema
    .createTable('authors')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('born', 'integer')
    .execute();
  await db.schema
    .createTable('books')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('author_id', 'integer', (c) => c.notNull().references('authors.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('books_author_idx').on('books').column('author_id').execute();
})();

test('schema builder, insert returning and select', async () => {
  await schema;
  const author = await db
    .insertInto('authors')
    .values({ name: 'Le Guin', born: 1929 })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  assert.equal(author.name, 'Le Guin');
  await db
    .insertInto('books')
    .values([
      { author_id: author.id, title: 'A Wizard of Earthsea', pages: 183 },
      { author_id: author.id, title: 'The Dispossessed', pages: 387 },
    ])
    .execute();
  const rows = await db
    .selectFrom('books')
    .innerJoin('authors', 'authors.id', 'books.author_id')
    .select(['authors.name', 'books.title', 'books.pages'])
    .where('books.pages', '>', 200)
    .orderBy('books.title')
    .execute();
  assert.deepEqual(rows, [{ name: 'Le Guin', title: 'The Dispossessed', pages: 387 }]);
});

test('upsert with on conflict do update', async () => {
  await schema;
  const upsert = (born) =>
    db
      .insertInto('authors')
      .values({ name: 'Butler', born })
      .onConflict((oc) => oc.column('name').doUpdateSet({ born: (eb) => eb.ref('excluded.born') }))
      .returning(['name', 'born'])
      .executeTakeFirstOrThrow();
  assert.deepEqual(await upsert(1900), { name: 'Butler', born: 1900 });
  assert.deepEqual(await upsert(1947), { name: 'Butler', born: 1947 });
  const count = await db
    .selectFrom('authors')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('name', '=', 'Butler')
    .executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 1);
});

test('transaction rolled back on error', async () => {
  await schema;
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('authors').values({ name: 'Ghost', born: 1 }).execute();
      throw new Error('abort');
    }),
    /abort/,
  );
  const ghost = await db.selectFrom('authors').select('id').where('name', '=', 'Ghost').execute();
  assert.deepEqual(ghost, []);
});

test('aggregates, group by, having and subqueries', async () => {
  await schema;
  const a = await db.insertInto('authors').values({ name: 'Jemisin', born: 1972 }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('books')
    .values([
      { author_id: a.id, title: 'The Fifth Season', pages: 468 },
      { author_id: a.id, title: 'The Obelisk Gate', pages: 410 },
      { author_id: a.id, title: 'The Stone Sky', pages: 416 },
    ])
    .execute();
  const rows = await db
    .selectFrom('authors')
    .leftJoin('books', 'books.author_id', 'authors.id')
    .select(['authors.name', (eb) => eb.fn.count('books.id').as('books'), (eb) => eb.fn.sum('books.pages').as('pages')])
    .where('authors.id', 'in', db.selectFrom('books').select('author_id'))
    .groupBy('authors.name')
    .having((eb) => eb.fn.count('books.id'), '>=', 3)
    .execute();
  assert.deepEqual(
    rows.map((r) => ({ name: r.name, books: Number(r.books), pages: Number(r.pages) })),
    [{ name: 'Jemisin', books: 3, pages: 1294 }],
  );
  const [{ longest }] = await sql`select max(pages) as longest from books where author_id = ${a.id}`.execute(db).then((r) => r.rows);
  assert.equal(longest, 468);
});
