// drizzle-orm over node-postgres: the committed drizzle-kit migrations applied with drizzle's
// migrator, CRUD, upserts, transactions with rollback and the relational query API.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from '../drizzle/schema.js';
import { freshDatabase } from '../lib/db.js';

const { users, posts, comments, tags, postTags } = schema;
const migrationsFolder = fileURLToPath(new URL('../drizzle/migrations', import.meta.url));

const url = await freshDatabase('client_drizzle');
const pool = new pg.Pool({ connectionString: url, max: 4 });
const db = drizzle(pool, { schema });
after(() => pool.end());

// Every test needs the migrated schema; the migration itself is the first test.
const migrated = migrate(db, { migrationsFolder });
migrated.catch(() => {});

test('migrator applies the drizzle-kit migrations', async () => {
  await migrated;
  const { rows } = await pool.query('select count(*)::int as n from drizzle.__drizzle_migrations');
  assert.deepEqual(rows, [{ n: 1 }]);
  // A second run finds nothing to do.
  await migrate(db, { migrationsFolder });
  const again = await pool.query('select count(*)::int as n from drizzle.__drizzle_migrations');
  assert.deepEqual(again.rows, [{ n: 1 }]);
});

test('CRUD with returning', async () => {
  await migrated;
  const [ann] = await db.insert(users).values({ email: 'ann@example.com', name: 'Ann', role: 'author' }).returning();
  assert.equal(typeof ann.id, 'number');
  assert.equal(ann.role, 'author');
  assert.equal(ann.active, true);
  assert.ok(ann.createdAt instanceof Date);
  const [post] = await db
    .insert(posts)
    .values({ authorId: ann.id, title: 'Hello', body: 'Hi.', price: '12.50', meta: { draft: true, words: 120 } })
    .returning({ id: posts.id, price: posts.price, meta: posts.meta, status: posts.status });
  assert.deepEqual({ ...post, id: 0 }, { id: 0, price: '12.50', meta: { draft: true, words: 120 }, status: 'draft' });
  const [updated] = await db
    .update(posts)
    .set({ title: 'Hello, world', publishedAt: new Date('2024-01-02T03:04:05Z') })
    .where(eq(posts.id, post.id))
    .returning({ title: posts.title, publishedAt: posts.publishedAt });
  assert.deepEqual(updated, { title: 'Hello, world', publishedAt: new Date('2024-01-02T03:04:05Z') });
  const found = await db
    .select({ title: posts.title, author: users.name })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .where(and(eq(users.email, 'ann@example.com'), gt(posts.price, '10')));
  assert.deepEqual(found, [{ title: 'Hello, world', author: 'Ann' }]);
  const deleted = await db.delete(posts).where(eq(posts.id, post.id)).returning({ id: posts.id });
  assert.deepEqual(deleted, [{ id: post.id }]);
});

test('upserts: on conflict do update and do nothing', async () => {
  await migrated;
  const upsert = (name) =>
    db
      .insert(users)
      .values({ email: 'bob@example.com', name })
      .onConflictDoUpdate({ target: users.email, set: { name: sql`excluded.name` } })
      .returning({ id: users.id, name: users.name });
  const [first] = await upsert('Bob');
  const [second] = await upsert('Robert');
  assert.deepEqual(second, { id: first.id, name: 'Robert' });
  const nothing = await db
    .insert(users)
    .values({ email: 'bob@example.com', name: 'Ignored' })
    .onConflictDoNothing()
    .returning();
  assert.deepEqual(nothing, []);
  const [{ n }] = await db.select({ n: count() }).from(users).where(eq(users.email, 'bob@example.com'));
  assert.equal(n, 1);
});

test('transactions: rollback, nested savepoint, commit', async () => {
  await migrated;
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.insert(users).values({ email: 'gone@example.com', name: 'Gone' });
      tx.rollback();
    }),
    /Rollback/,
  );
  await db.transaction(async (tx) => {
    await tx.insert(users).values({ email: 'cy@example.com', name: 'Cy' });
    await assert.rejects(
      tx.transaction(async (inner) => {
        await inner.insert(users).values({ email: 'inner@example.com', name: 'Inner' });
        inner.rollback();
      }),
      /Rollback/,
    );
  });
  const emails = await db
    .select({ email: users.email })
    .from(users)
    .where(sql`${users.email} in ('gone@example.com', 'cy@example.com', 'inner@example.com')`);
  assert.deepEqual(emails, [{ email: 'cy@example.com' }]);
});

test('relational queries: findMany with nested with', async () => {
  await migrated;
  const [dee] = await db.insert(users).values({ email: 'dee@example.com', name: 'Dee', role: 'admin' }).returning();
  const [eve] = await db.insert(users).values({ email: 'eve@example.com', name: 'Eve' }).returning();
  const [p1, p2] = await db
    .insert(posts)
    .values([
      { authorId: dee.id, title: 'First', body: 'one', price: '1.00' },
      { authorId: dee.id, title: 'Second', body: 'two' },
    ])
    .returning();
  await db.insert(comments).values([
    { postId: p1.id, authorId: eve.id, body: 'nice' },
    { postId: p1.id, authorId: dee.id, body: 'thanks' },
    { postId: p2.id, authorId: null, body: 'anonymous' },
  ]);
  const [t] = await db.insert(tags).values({ name: 'news' }).returning();
  await db.insert(postTags).values({ postId: p1.id, tagId: t.id });

  const result = await db.query.users.findMany({
    where: eq(users.id, dee.id),
    columns: { name: true, role: true },
    with: {
      posts: {
        columns: { title: true, price: true },
        orderBy: [asc(posts.id)],
        with: {
          comments: {
            columns: { body: true },
            orderBy: [asc(comments.id)],
            with: { author: { columns: { name: true } } },
          },
          postTags: { columns: {}, with: { tag: { columns: { name: true } } } },
        },
      },
    },
  });
  assert.deepEqual(result, [
    {
      name: 'Dee',
      role: 'admin',
      posts: [
        {
          title: 'First',
          // Nested rows travel as json, where numeric 1.00 is the number 1.
          price: '1',
          comments: [
            { body: 'nice', author: { name: 'Eve' } },
            { body: 'thanks', author: { name: 'Dee' } },
          ],
          postTags: [{ tag: { name: 'news' } }],
        },
        { title: 'Second', price: null, comments: [{ body: 'anonymous', author: null }], postTags: [] },
      ],
    },
  ]);
  const first = await db.query.posts.findFirst({
    where: eq(posts.title, 'Second'),
    columns: { title: true },
    with: { author: { columns: { email: true } } },
  });
  assert.deepEqual(first, { title: 'Second', author: { email: 'dee@example.com' } });
});

test('aggregates with joins and group by', async () => {
  await migrated;
  const rows = await db
    .select({ name: users.name, posts: count(posts.id) })
    .from(users)
    .leftJoin(posts, eq(posts.authorId, users.id))
    .where(sql`${users.email} in ('dee@example.com', 'eve@example.com')`)
    .groupBy(users.name)
    .orderBy(users.name);
  assert.deepEqual(rows, [
    { name: 'Dee', posts: 2 },
    { name: 'Eve', posts: 0 },
  ]);
});
