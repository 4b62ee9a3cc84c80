// Where the suite connects. `cargo xtask test` starts each server (devdb, then PostgreSQL 15)
// and runs this suite against it with DATABASE_URL pointing at its `postgres` database; each
// test file works in a database of its own, created here.
import { after } from 'node:test';
import pg from 'pg';

const admin = process.env.DATABASE_URL;
if (!admin) {
  throw new Error('DATABASE_URL is not set: run the suite through `cargo xtask test`');
}

/**
 * Creates (or recreates) database `name` on the server under test (or the server at
 * `serverUrl`) and returns its URL.
 *
 * One idle connection to it stays open until the test file ends. devdb stops a database's
 * thread when its last session leaves, and a session connecting right then can fail its first
 * write with XX000 "database is locked" after 5 s (a devdb bug, reported): the suites test
 * the clients, not that race, so their databases are never left without a session.
 */
export async function freshDatabase(name, serverUrl = admin) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const keeper = new pg.Client({ connectionString: url.toString() });
  await keeper.connect();
  after(() => keeper.end());
  return url.toString();
}
