// Where the suite connects. `cargo xtask test` starts each server (devdb, then PostgreSQL 15)
// and runs this suite against it with DATABASE_URL pointing at its `postgres` database; each
// test file works in a database of its own, created here.
import pg from 'pg';

const admin = process.env.DATABASE_URL;
if (!admin) {
  throw new Error('DATABASE_URL is not set: run the suite through `cargo xtask test`');
}

/**
 * Creates (or recreates) database `name` on the server under test (or the server at
 * `serverUrl`) and returns its URL.
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
  return url.toString();
}
