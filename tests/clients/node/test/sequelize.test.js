// Sequelize over node-postgres: models with associations created by sync({ force: true }) and
// altered by sync({ alter: true }) after a model change (describeTable, showIndex and foreign
// key queries), CRUD, bulkCreate with returning and updateOnDuplicate, managed and unmanaged
// transactions, findAndCountAll with include, raw queries with replacements, enum types.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DataTypes, Op, QueryTypes, Sequelize } from 'sequelize';
import { freshDatabase } from '../lib/db.js';

const url = await freshDatabase('client_sequelize');

// A Sequelize instance with the models; `changed` is the second version sync({ alter }) meets.
function open(changed = false) {
  const sequelize = new Sequelize(url, { dialect: 'postgres', logging: false, pool: { max: 4 } });
  const Author = sequelize.define(
    'Author',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      name: { type: DataTypes.STRING(100), allowNull: false, unique: true },
      mood: {
        type: DataTypes.ENUM(...(changed ? ['happy', 'sad', 'meh'] : ['happy', 'sad'])),
        allowNull: false,
        defaultValue: 'happy',
      },
      born: DataTypes.DATEONLY,
      profile: DataTypes.JSONB,
      ...(changed ? { country: { type: DataTypes.STRING(2), allowNull: true } } : {}),
    },
    { tableName: 'authors', indexes: [{ name: 'authors_born', fields: ['born'] }] },
  );
  const Book = sequelize.define(
    'Book',
    {
      id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
      isbn: { type: DataTypes.STRING(20), unique: true },
      title: { type: DataTypes.STRING, allowNull: false },
      pages: { type: changed ? DataTypes.BIGINT : DataTypes.INTEGER, allowNull: changed, defaultValue: 0 },
      price: DataTypes.DECIMAL(8, 2),
      tags: DataTypes.ARRAY(DataTypes.TEXT),
    },
    { tableName: 'books' },
  );
  const Genre = sequelize.define(
    'Genre',
    { name: { type: DataTypes.STRING(40), allowNull: false, unique: true } },
    { tableName: 'genres', timestamps: false },
  );
  Author.hasMany(Book, { foreignKey: { name: 'authorId', allowNull: false }, onDelete: 'CASCADE' });
  Book.belongsTo(Author, { foreignKey: { name: 'authorId', allowNull: false }, onDelete: 'CASCADE' });
  Book.belongsToMany(Genre, { through: 'book_genres', timestamps: false });
  Genre.belongsToMany(Book, { through: 'book_genres', timestamps: false });
  return { sequelize, Author, Book, Genre };
}

const models = open();
const { sequelize, Author, Book, Genre } = models;
after(() => sequelize.close());
const synced = sequelize.sync({ force: true });
synced.catch(() => {});

test('sync force creates tables, enum types and indexes', async () => {
  await synced;
  const qi = sequelize.getQueryInterface();
  const tables = (await qi.showAllTables()).sort();
  assert.deepEqual(tables, ['authors', 'book_genres', 'books', 'genres']);
  const authors = await qi.describeTable('authors');
  assert.deepEqual(
    Object.fromEntries(Object.entries(authors).map(([k, c]) => [k, [c.type, c.allowNull, c.primaryKey]])),
    {
      id: ['INTEGER', false, true],
      name: ['CHARACTER VARYING(100)', false, false],
      mood: ['USER-DEFINED', false, false],
      born: ['DATE', true, false],
      profile: ['JSONB', true, false],
      createdAt: ['TIMESTAMP WITH TIME ZONE', false, false],
      updatedAt: ['TIMESTAMP WITH TIME ZONE', false, false],
    },
  );
  assert.deepEqual(authors.mood.special, ['happy', 'sad']);
  const indexes = await qi.showIndex('authors');
  assert.deepEqual(
    indexes.map((i) => [i.name, i.primary, i.unique, i.fields.map((f) => f.attribute)]).sort(),
    [
      ['authors_born', false, false, ['born']],
      ['authors_name_key', false, true, ['name']],
      ['authors_pkey', true, true, ['id']],
    ],
  );
  const fks = await qi.getForeignKeyReferencesForTable('books');
  assert.deepEqual(
    fks.map((f) => [f.columnName, f.referencedTableName, f.referencedColumnName]),
    [['authorId', 'authors', 'id']],
  );
});

test('CRUD, associations and findAndCountAll with include', async () => {
  await synced;
  const ann = await Author.create({ name: 'Ann', born: '1970-05-06', profile: { lang: 'en' } });
  assert.equal(ann.mood, 'happy');
  assert.ok(ann.createdAt instanceof Date);
  const [sf, fantasy] = await Genre.bulkCreate([{ name: 'sf' }, { name: 'fantasy' }], { returning: true });
  const book = await Book.create({ authorId: ann.id, title: 'First', price: '9.99', tags: ['a', 'b'] });
  await book.addGenres([sf, fantasy]);
  await Book.create({ authorId: ann.id, title: 'Second', pages: 200 });

  const found = await Book.findOne({ where: { title: 'First' }, include: [Author, Genre] });
  assert.deepEqual(
    [found.title, found.price, found.tags, found.pages, found.Author.name, found.Genres.map((g) => g.name).sort()],
    ['First', '9.99', ['a', 'b'], 0, 'Ann', ['fantasy', 'sf']],
  );
  const { count, rows } = await Author.findAndCountAll({
    include: [{ model: Book, where: { pages: { [Op.gte]: 0 } } }],
    distinct: true,
    order: [[Book, 'title', 'ASC']],
  });
  assert.equal(count, 1);
  assert.deepEqual(rows[0].Books.map((b) => b.title), ['First', 'Second']);

  await ann.update({ mood: 'sad', profile: { lang: 'fr' } });
  const reloaded = await Author.findByPk(ann.id);
  assert.deepEqual([reloaded.mood, reloaded.profile], ['sad', { lang: 'fr' }]);
  const byJson = await Author.findAll({ where: { profile: { lang: 'fr' } } });
  assert.equal(byJson.length, 1);
  const [affected] = await Book.update({ pages: 10 }, { where: { title: { [Op.like]: 'F%' } } });
  assert.equal(affected, 1);
  await Book.destroy({ where: { title: 'Second' } });
  assert.equal(await Book.count({ where: { authorId: ann.id } }), 1);
  await assert.rejects(Author.create({ name: 'Ann' }), { name: 'SequelizeUniqueConstraintError' });
  await assert.rejects(Author.create({ name: 'Bad', mood: 'angry' }), { name: 'SequelizeDatabaseError' });
});

test('bulkCreate with returning and updateOnDuplicate', async () => {
  await synced;
  const bob = await Author.create({ name: 'Bob' });
  const created = await Book.bulkCreate(
    [
      { authorId: bob.id, isbn: 'isbn-1', title: 'One', pages: 1 },
      { authorId: bob.id, isbn: 'isbn-2', title: 'Two', pages: 2 },
    ],
    { returning: true },
  );
  assert.ok(created.every((b) => /^[0-9a-f-]{36}$/.test(b.id)));
  const upserted = await Book.bulkCreate(
    [
      { authorId: bob.id, isbn: 'isbn-2', title: 'Two (2nd ed.)', pages: 22 },
      { authorId: bob.id, isbn: 'isbn-3', title: 'Three', pages: 3 },
    ],
    { updateOnDuplicate: ['title', 'pages'], conflictAttributes: ['isbn'], returning: true },
  );
  assert.deepEqual(upserted.map((b) => [b.isbn, b.title, b.pages]), [
    ['isbn-2', 'Two (2nd ed.)', 22],
    ['isbn-3', 'Three', 3],
  ]);
  const all = await Book.findAll({ where: { authorId: bob.id }, order: [['isbn', 'ASC']], raw: true });
  assert.deepEqual(all.map((b) => [b.isbn, b.title, b.pages]), [
    ['isbn-1', 'One', 1],
    ['isbn-2', 'Two (2nd ed.)', 22],
    ['isbn-3', 'Three', 3],
  ]);
  const [upsertedOne, createdNew] = await Genre.upsert({ name: 'horror' }, { returning: true });
  assert.equal(upsertedOne.name, 'horror');
  assert.ok(createdNew === null || typeof createdNew === 'boolean');
});

test('managed and unmanaged transactions', async () => {
  await synced;
  await sequelize.transaction(async (t) => {
    await Author.create({ name: 'Managed' }, { transaction: t });
  });
  await assert.rejects(
    sequelize.transaction(async (t) => {
      await Author.create({ name: 'Ghost' }, { transaction: t });
      throw new Error('abort');
    }),
    /abort/,
  );
  const t = await sequelize.transaction({ isolationLevel: Sequelize.Transaction.ISOLATION_LEVELS.REPEATABLE_READ });
  await Author.create({ name: 'Unmanaged' }, { transaction: t });
  assert.equal(await Author.count({ where: { name: 'Unmanaged' }, transaction: t }), 1);
  await t.rollback();
  const t2 = await sequelize.transaction();
  await Author.create({ name: 'Committed' }, { transaction: t2 });
  await t2.commit();
  const names = await Author.findAll({
    where: { name: ['Managed', 'Ghost', 'Unmanaged', 'Committed'] },
    order: [['name', 'ASC']],
    attributes: ['name'],
    raw: true,
  });
  assert.deepEqual(names.map((a) => a.name), ['Committed', 'Managed']);
});

test('raw queries with replacements and bind parameters', async () => {
  await synced;
  const rows = await sequelize.query('select :a::int + :b::int as sum, :names as names', {
    replacements: { a: 40, b: 2, names: 'x' },
    type: QueryTypes.SELECT,
  });
  assert.deepEqual(rows, [{ sum: 42, names: 'x' }]);
  const positional = await sequelize.query('select count(*)::int as n from authors where name in (?)', {
    replacements: [['Committed', 'Managed', 'Nobody']],
    type: QueryTypes.SELECT,
  });
  assert.deepEqual(positional, [{ n: 2 }]);
  const bound = await sequelize.query('select $1::text || $2::text as joined', {
    bind: ['seq', 'uelize'],
    type: QueryTypes.SELECT,
  });
  assert.deepEqual(bound, [{ joined: 'sequelize' }]);
  const enumLabels = await sequelize.query(
    `select unnest(enum_range(null::"enum_authors_mood"))::text as label`,
    { type: QueryTypes.SELECT },
  );
  assert.deepEqual(enumLabels.map((r) => r.label), ['happy', 'sad']);
});

test('sync alter after a model change', async () => {
  await synced;
  const changed = open(true);
  try {
    await changed.sequelize.sync({ alter: true });
    const qi = changed.sequelize.getQueryInterface();
    const authors = await qi.describeTable('authors');
    assert.deepEqual(authors.country && [authors.country.type, authors.country.allowNull], [
      'CHARACTER VARYING(2)',
      true,
    ]);
    assert.deepEqual(authors.mood.special, ['happy', 'sad', 'meh']);
    const books = await qi.describeTable('books');
    assert.deepEqual([books.pages.type, books.pages.allowNull], ['BIGINT', true]);
    const fks = await qi.getForeignKeyReferencesForTable('books');
    assert.deepEqual(
      fks.map((f) => [f.columnName, f.referencedTableName]),
      [['authorId', 'authors']],
    );
    // The data survived, and the new enum label is usable.
    assert.ok((await changed.Author.count()) >= 3);
    await changed.Author.create({ name: 'Meh', mood: 'meh', country: 'fr' });
    // A second alter finds the schema in step and changes nothing that loses data.
    await changed.sequelize.sync({ alter: true });
    assert.equal(await changed.Author.count({ where: { mood: 'meh' } }), 1);
  } finally {
    await changed.sequelize.close();
  }
});
