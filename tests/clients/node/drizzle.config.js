// drizzle-kit's configuration: `npm run generate` writes drizzle/migrations/ from the schema.
// `push` and `pull` (the catalog tests) take the server from DATABASE_URL.
export default {
  dialect: 'postgresql',
  schema: './drizzle/schema.js',
  out: './drizzle/migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
};
