// TypeORM over node-postgres: entities (EntitySchema, no decorators) synchronized into an empty
// database, where TypeORM reads information_schema and pg_catalog and diffs them with its
// metadata; a second synchronize after the entities change (alters); the schema builder's
// pending queries, which must be none after a synchronize; repository CRUD, QueryBuilder joins,
// transactions and a query runner.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DataSource, EntitySchema } from 'typeorm';
import { freshDatabase } from '../lib/db.js';

const url = await freshDatabase('client_typeorm');

// The entities; `changed` gives the second version the alter test synchronizes to (TypeORM
// changes a column's type by dropping and adding it, so only columns with defaults change type).
function entities(changed = false) {
  const User = new EntitySchema({
    name: 'User',
    tableName: 'users',
    columns: {
      id: { type: 'int', primary: true, generated: 'increment' },
      email: { type: 'varchar', length: 200, unique: true },
      name: { type: 'text' },
      role: {
        type: 'enum',
        enum: changed ? ['reader', 'author', 'admin', 'banned'] : ['reader', 'author', 'admin'],
        enumName: 'user_role',
        default: 'reader',
      },
      tags: { type: 'simple-array', nullable: true },
      profile: { type: 'jsonb', nullable: true },
      balance: { type: 'numeric', precision: 10, scale: 2, default: 0 },
      active: { type: 'boolean', default: true },
      lastLogin: { type: 'timestamptz', nullable: true },
      createdAt: { type: 'timestamptz', createDate: true },
      updatedAt: { type: 'timestamptz', updateDate: true },
      version: { type: 'int', version: true },
      ...(changed ? { nickname: { type: 'varchar', length: 40, nullable: true } } : {}),
    },
    relations: {
      posts: { type: 'one-to-many', target: 'Post', inverseSide: 'author' },
    },
    indices: [{ name: 'users_name_idx', columns: ['name'] }],
  });
  const Post = new EntitySchema({
    name: 'Post',
    tableName: 'posts',
    columns: {
      id: { type: 'uuid', primary: true, generated: 'uuid' },
      title: { type: 'varchar', length: 200 },
      body: { type: 'text', default: changed ? 'tbd' : '' },
      score: { type: 'double precision', default: 0, nullable: changed },
      ...(changed ? {} : { publishedOn: { type: 'date', nullable: true } }),
      views: { type: changed ? 'bigint' : 'int', default: 0 },
      createdAt: { type: 'timestamptz', createDate: true },
    },
    relations: {
      author: {
        type: 'many-to-one',
        target: 'User',
        inverseSide: 'posts',
        joinColumn: { name: 'author_id' },
        onDelete: 'CASCADE',
        nullable: false,
      },
      tags: {
        type: 'many-to-many',
        target: 'Tag',
        inverseSide: 'posts',
        cascade: true,
        joinTable: {
          name: 'post_tags',
          joinColumn: { name: 'post_id' },
          inverseJoinColumn: { name: 'tag_id' },
        },
      },
    },
    uniques: [{ name: 'posts_author_title_key', columns: ['author', 'title'] }],
    indices: changed ? [{ name: 'posts_score_idx', columns: ['score'] }] : [],
  });
  const Tag = new EntitySchema({
    name: 'Tag',
    tableName: 'tags',
    columns: {
      id: { type: 'int', primary: true, generated: 'increment' },
      name: { type: 'varchar', length: 50, unique: true },
    },
    relations: { posts: { type: 'many-to-many', target: 'Post', inverseSide: 'tags' } },
  });
  return [User, Post, Tag];
}

async function connect(changed) {
  const ds = new DataSource({
    type: 'postgres',
    url,
    entities: entities(changed),
    synchronize: true,
    logging: false,
    poolSize: 4,
  });
  await ds.initialize();
  return ds;
}

// The first DataSource synchronizes on initialize; the tests after it use it.
const first = connect(false);
first.catch(() => {});
after(async () => {
  const ds = await first.catch(() => null);
  if (ds?.isInitialized) await ds.destroy();
});

// The queries the schema builder would still run: none right after a synchronize.
async function pending(ds) {
  const sql = await ds.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

test('synchronize creates the schema and leaves nothing pending', async () => {
  const ds = await first;
  assert.deepEqual(await pending(ds), []);
  const tables = await ds.query(
    `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  assert.deepEqual(
    tables.map((t) => t.table_name),
    ['post_tags', 'posts', 'tags', 'users'],
  );
  const runner = ds.createQueryRunner();
  try {
    const users = await runner.getTable('users');
    assert.deepEqual(
      users.columns.map((c) => [c.name, c.type, c.isNullable]),
      [
        ['id', 'integer', false],
        ['email', 'character varying', false],
        ['name', 'text', false],
        ['role', 'enum', false],
        ['tags', 'text', true],
        ['profile', 'jsonb', true],
        ['balance', 'numeric', false],
        ['active', 'boolean', false],
        ['lastLogin', 'timestamp with time zone', true],
        ['createdAt', 'timestamp with time zone', false],
        ['updatedAt', 'timestamp with time zone', false],
        ['version', 'integer', false],
      ],
    );
    assert.deepEqual(users.findColumnByName('role').enum, ['reader', 'author', 'admin']);
    assert.deepEqual(
      users.indices.map((i) => i.name),
      ['users_name_idx'],
    );
    const posts = await runner.getTable('posts');
    assert.deepEqual(
      posts.foreignKeys.map((f) => [f.columnNames, f.referencedTableName, f.onDelete]),
      [[['author_id'], 'users', 'CASCADE']],
    );
    assert.deepEqual(
      posts.uniques.map((u) => [u.name, u.columnNames.toSorted()]),
      [['posts_author_title_key', ['author_id', 'title']]],
    );
  } finally {
    await runner.release();
  }
});

test('repository CRUD with relations, version and date columns', async () => {
  const ds = await first;
  const users = ds.getRepository('User');
  const posts = ds.getRepository('Post');
  const ann = await users.save({
    email: 'ann@example.com',
    name: 'Ann',
    role: 'author',
    tags: ['a', 'b'],
    profile: { lang: 'en', tz: 'UTC' },
    balance: '12.50',
  });
  assert.equal(typeof ann.id, 'number');
  assert.equal(ann.version, 1);
  assert.ok(ann.createdAt instanceof Date);
  const post = await posts.save({ title: 'Hello', author: ann, tags: [{ name: 'intro' }, { name: 'misc' }] });
  assert.match(post.id, /^[0-9a-f-]{36}$/);

  const loaded = await users.findOneOrFail({ where: { email: 'ann@example.com' }, relations: { posts: { tags: true } } });
  assert.deepEqual(
    {
      tags: loaded.tags,
      profile: loaded.profile,
      balance: loaded.balance,
      active: loaded.active,
      posts: loaded.posts.map((p) => [p.title, p.body, p.score, p.tags.map((t) => t.name).sort()]),
    },
    {
      tags: ['a', 'b'],
      profile: { lang: 'en', tz: 'UTC' },
      balance: '12.50',
      active: true,
      posts: [['Hello', '', 0, ['intro', 'misc']]],
    },
  );
  loaded.name = 'Ann B.';
  loaded.lastLogin = new Date('2024-05-06T07:08:09.123Z');
  const saved = await users.save(loaded);
  assert.equal(saved.version, 2);
  const again = await users.findOneByOrFail({ id: ann.id });
  assert.deepEqual([again.name, again.lastLogin, again.version], ['Ann B.', new Date('2024-05-06T07:08:09.123Z'), 2]);
  assert.ok(again.updatedAt >= again.createdAt);

  await assert.rejects(users.save({ email: 'ann@example.com', name: 'Dup' }), (e) => e.driverError?.code === '23505');
  await users.update({ id: ann.id }, { balance: '20.00', role: 'admin' });
  assert.deepEqual(await users.countBy({ role: 'admin' }), 1);
  await posts.delete({ id: post.id });
  assert.equal(await posts.count(), 0);
});

test('QueryBuilder joins, aggregates and parameters', async () => {
  const ds = await first;
  const users = ds.getRepository('User');
  const posts = ds.getRepository('Post');
  const bob = await users.save({ email: 'bob@example.com', name: 'Bob' });
  await posts.save([
    { title: 'One', score: 1.5, views: 10, author: bob, tags: [{ name: 'qb' }] },
    { title: 'Two', score: 2.5, views: 20, author: bob },
    { title: 'Three', score: 4, views: 30, author: bob },
  ]);
  const rows = await users
    .createQueryBuilder('u')
    .leftJoin('u.posts', 'p')
    .select('u.name', 'name')
    .addSelect('count(p.id)', 'posts')
    .addSelect('sum(p.views)', 'views')
    .addSelect('avg(p.score)', 'score')
    .where('u.email = :email', { email: 'bob@example.com' })
    .groupBy('u.name')
    .getRawMany();
  assert.deepEqual(rows, [{ name: 'Bob', posts: '3', views: '60', score: 2.6666666666666665 }]);
  const withTags = await posts
    .createQueryBuilder('p')
    .innerJoinAndSelect('p.author', 'a')
    .leftJoinAndSelect('p.tags', 't')
    .where('a.id = :id', { id: bob.id })
    .andWhere('p.views >= :min', { min: 10 })
    .orderBy('p.views', 'DESC')
    .skip(1)
    .take(2)
    .getMany();
  assert.deepEqual(
    withTags.map((p) => [p.title, p.author.name, p.tags.map((t) => t.name)]),
    [
      ['Two', 'Bob', []],
      ['One', 'Bob', ['qb']],
    ],
  );
  const [list, total] = await posts.findAndCount({ where: { author: { id: bob.id } }, order: { title: 'ASC' }, take: 2 });
  assert.deepEqual([list.map((p) => p.title), total], [['One', 'Three'], 3]);
  const inList = await posts
    .createQueryBuilder('p')
    .where('p.title IN (:...titles)', { titles: ['One', 'Three'] })
    .orderBy('p.title')
    .getMany();
  assert.deepEqual(inList.map((p) => p.title), ['One', 'Three']);
});

test('transactions and a query runner', async () => {
  const ds = await first;
  await ds.transaction(async (manager) => {
    await manager.save('User', { email: 'tx@example.com', name: 'Tx' });
  });
  await assert.rejects(
    ds.transaction(async (manager) => {
      await manager.save('User', { email: 'ghost@example.com', name: 'Ghost' });
      throw new Error('abort');
    }),
    /abort/,
  );
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction('SERIALIZABLE');
    await runner.manager.save('User', { email: 'runner@example.com', name: 'Runner' });
    await runner.rollbackTransaction();
    await runner.startTransaction();
    await runner.query('update users set name = $1 where email = $2', ['Tx 2', 'tx@example.com']);
    await runner.commitTransaction();
    assert.equal(await runner.hasTable('users'), true);
    assert.equal(await runner.hasColumn('users', 'lastLogin'), true);
  } finally {
    await runner.release();
  }
  const names = await ds.query(
    `select name from users where email in ('tx@example.com', 'ghost@example.com', 'runner@example.com')`,
  );
  assert.deepEqual(names, [{ name: 'Tx 2' }]);
});

test('synchronize again after the entities change alters the schema', async () => {
  const ds = await first;
  await ds.destroy();
  const changed = await connect(true);
  try {
    assert.deepEqual(await pending(changed), []);
    const runner = changed.createQueryRunner();
    try {
      const users = await runner.getTable('users');
      assert.deepEqual(users.findColumnByName('role').enum, ['reader', 'author', 'admin', 'banned']);
      assert.equal(users.findColumnByName('nickname').length, '40');
      const posts = await runner.getTable('posts');
      assert.deepEqual(
        [posts.findColumnByName('body').default, posts.findColumnByName('score').isNullable],
        ["'tbd'", true],
      );
      assert.equal(posts.findColumnByName('views').type, 'bigint');
      assert.equal(posts.findColumnByName('publishedOn'), undefined);
      assert.deepEqual(
        posts.indices.map((i) => i.name).sort(),
        ['posts_score_idx'],
      );
    } finally {
      await runner.release();
    }
    // The data survived the alters.
    const [{ n }] = await changed.query(`select count(*)::int as n from users where role = 'admin'`);
    assert.equal(n, 1);
    await changed.getRepository('User').save({ email: 'banned@example.com', name: 'B', role: 'banned', nickname: 'bb' });
  } finally {
    await changed.destroy();
  }
});
