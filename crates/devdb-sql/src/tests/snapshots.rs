//! The shape of each rewrite, one PostgreSQL form at a time.

use expect_test::expect;

use super::{check, check_empty};

#[test]
fn create_table_with_every_type() {
    check_empty(
        "CREATE TABLE IF NOT EXISTS Items (id serial PRIMARY KEY, name varchar(10) NOT NULL UNIQUE, qty smallint DEFAULT 0, \
         big bigint, price numeric(10,2), r real, d double precision, ok boolean DEFAULT true, at timestamptz DEFAULT now(), \
         ts timestamp, day date, u uuid, j json, jb jsonb, b bytea, c char(3), t text, n numeric)",
        expect![[r#"
            CREATE TABLE "items" ("id" INTEGER NOT NULL, "name" TEXT NOT NULL, "qty" INTEGER, "big" INTEGER, "price" TEXT COLLATE "pg_numeric", "r" ANY, "d" ANY, "ok" INTEGER, "at" INTEGER, "ts" INTEGER, "day" INTEGER, "u" TEXT, "j" TEXT, "jb" TEXT COLLATE "pg_jsonb", "b" BLOB, "c" TEXT, "t" TEXT, "n" TEXT COLLATE "pg_numeric") STRICT;
            CREATE UNIQUE INDEX "items_pkey" ON "items"("id");
            CREATE UNIQUE INDEX "items_name_key" ON "items"("name");
            INSERT INTO "__devdb_tables" ("schema", "name") VALUES ('public', 'items');
            INSERT INTO "__devdb_columns" ("schema", "table_name", "name", "position", "type_oid", "typmod", "not_null", "default_expr", "pk_position") VALUES ('public', 'items', 'id', 1, 23, -1, 1, 'nextval(''items_id_seq'')', 1), ('public', 'items', 'name', 2, 1043, 14, 1, NULL, NULL), ('public', 'items', 'qty', 3, 21, -1, 0, '0', NULL), ('public', 'items', 'big', 4, 20, -1, 0, NULL, NULL), ('public', 'items', 'price', 5, 1700, 655366, 0, NULL, NULL), ('public', 'items', 'r', 6, 700, -1, 0, NULL, NULL), ('public', 'items', 'd', 7, 701, -1, 0, NULL, NULL), ('public', 'items', 'ok', 8, 16, -1, 0, 'true', NULL), ('public', 'items', 'at', 9, 1184, -1, 0, 'now()', NULL), ('public', 'items', 'ts', 10, 1114, -1, 0, NULL, NULL), ('public', 'items', 'day', 11, 1082, -1, 0, NULL, NULL), ('public', 'items', 'u', 12, 2950, -1, 0, NULL, NULL), ('public', 'items', 'j', 13, 114, -1, 0, NULL, NULL), ('public', 'items', 'jb', 14, 3802, -1, 0, NULL, NULL), ('public', 'items', 'b', 15, 17, -1, 0, NULL, NULL), ('public', 'items', 'c', 16, 1042, 7, 0, NULL, NULL), ('public', 'items', 't', 17, 25, -1, 0, NULL, NULL), ('public', 'items', 'n', 18, 1700, -1, 0, NULL, NULL);
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 'items_pkey', 'items', 1, 1);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 'items_pkey', 'CREATE UNIQUE INDEX "items_pkey" ON "items"("id")');
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 'items_name_key', 'items', 1, 0);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 'items_name_key', 'CREATE UNIQUE INDEX "items_name_key" ON "items"("name")');
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'items', 'items_pkey', 'p', '["id"]', NULL, NULL, NULL, NULL, 0, 0, NULL, 1);
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'items', 'items_name_key', 'u', '["name"]', NULL, NULL, NULL, NULL, 0, 0, NULL, 1);
            INSERT INTO "__devdb_sequences" ("name", "last_value", "increment_by", "min_value", "max_value", "start_value", "is_called", "cycle", "type_oid") VALUES ('items_id_seq', 1, 1, 1, 2147483647, 1, 0, 0, 23);
            INSERT INTO "__devdb_sequence_owners" ("name", "schema", "table_name", "column_name") VALUES ('items_id_seq', 'public', 'items', 'id');
        "#]],
    );
}

#[test]
fn create_table_key_constraints() {
    check_empty(
        "create table kv (k text, v int, primary key (k), unique (v))",
        expect![[r#"
            CREATE TABLE "kv" ("k" TEXT NOT NULL, "v" INTEGER) STRICT;
            CREATE UNIQUE INDEX "kv_pkey" ON "kv"("k");
            CREATE UNIQUE INDEX "kv_v_key" ON "kv"("v");
            INSERT INTO "__devdb_tables" ("schema", "name") VALUES ('public', 'kv');
            INSERT INTO "__devdb_columns" ("schema", "table_name", "name", "position", "type_oid", "typmod", "not_null", "default_expr", "pk_position") VALUES ('public', 'kv', 'k', 1, 25, -1, 1, NULL, 1), ('public', 'kv', 'v', 2, 23, -1, 0, NULL, NULL);
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 'kv_pkey', 'kv', 1, 1);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 'kv_pkey', 'CREATE UNIQUE INDEX "kv_pkey" ON "kv"("k")');
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 'kv_v_key', 'kv', 1, 0);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 'kv_v_key', 'CREATE UNIQUE INDEX "kv_v_key" ON "kv"("v")');
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'kv', 'kv_pkey', 'p', '["k"]', NULL, NULL, NULL, NULL, 0, 0, NULL, 1);
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'kv', 'kv_v_key', 'u', '["v"]', NULL, NULL, NULL, NULL, 0, 0, NULL, 1);
        "#]],
    );
    check_empty(
        "create table bs (id bigserial, s smallserial)",
        expect![[r#"
            CREATE TABLE "bs" ("id" INTEGER NOT NULL, "s" INTEGER NOT NULL) STRICT;
            INSERT INTO "__devdb_tables" ("schema", "name") VALUES ('public', 'bs');
            INSERT INTO "__devdb_columns" ("schema", "table_name", "name", "position", "type_oid", "typmod", "not_null", "default_expr", "pk_position") VALUES ('public', 'bs', 'id', 1, 20, -1, 1, 'nextval(''bs_id_seq'')', NULL), ('public', 'bs', 's', 2, 21, -1, 1, 'nextval(''bs_s_seq'')', NULL);
            INSERT INTO "__devdb_sequences" ("name", "last_value", "increment_by", "min_value", "max_value", "start_value", "is_called", "cycle", "type_oid") VALUES ('bs_id_seq', 1, 1, 1, 9223372036854775807, 1, 0, 0, 20);
            INSERT INTO "__devdb_sequence_owners" ("name", "schema", "table_name", "column_name") VALUES ('bs_id_seq', 'public', 'bs', 'id');
            INSERT INTO "__devdb_sequences" ("name", "last_value", "increment_by", "min_value", "max_value", "start_value", "is_called", "cycle", "type_oid") VALUES ('bs_s_seq', 1, 1, 1, 32767, 1, 0, 0, 21);
            INSERT INTO "__devdb_sequence_owners" ("name", "schema", "table_name", "column_name") VALUES ('bs_s_seq', 'public', 'bs', 's');
        "#]],
    );
}

#[test]
fn drop_and_indexes() {
    check(
        "drop table t, u cascade",
        expect![[r#"
            DROP TABLE "t";
            DELETE FROM "__devdb_sequences" WHERE "name" IN (SELECT "name" FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 't');
            DELETE FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 't';
            DELETE FROM "__devdb_index_defs" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 't');
            DELETE FROM "__devdb_index_keys" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 't');
            DELETE FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 't';
            DELETE FROM "__devdb_constraints" WHERE "schema" = 'public' AND "table_name" = 't';
            DELETE FROM "__devdb_columns" WHERE "schema" = 'public' AND "table_name" = 't';
            DELETE FROM "__devdb_identity_columns" WHERE "schema" = 'public' AND "table_name" = 't';
            DELETE FROM "__devdb_domain_columns" WHERE "schema" = 'public' AND "table_name" = 't';
            DELETE FROM "__devdb_generated_columns" WHERE "schema" = 'public' AND "table_name" = 't';
            DELETE FROM "__devdb_triggers" WHERE "schema" = 'public' AND "table_name" = 't';
            DELETE FROM "__devdb_tables" WHERE "schema" = 'public' AND "name" = 't';
            DELETE FROM "__devdb_comments" WHERE "schema" = 'public' AND "name" = 't';
            DROP TABLE "u";
            DELETE FROM "__devdb_sequences" WHERE "name" IN (SELECT "name" FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'u');
            DELETE FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'u';
            DELETE FROM "__devdb_index_defs" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'u');
            DELETE FROM "__devdb_index_keys" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'u');
            DELETE FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'u';
            DELETE FROM "__devdb_constraints" WHERE "schema" = 'public' AND "table_name" = 'u';
            DELETE FROM "__devdb_columns" WHERE "schema" = 'public' AND "table_name" = 'u';
            DELETE FROM "__devdb_identity_columns" WHERE "schema" = 'public' AND "table_name" = 'u';
            DELETE FROM "__devdb_domain_columns" WHERE "schema" = 'public' AND "table_name" = 'u';
            DELETE FROM "__devdb_generated_columns" WHERE "schema" = 'public' AND "table_name" = 'u';
            DELETE FROM "__devdb_triggers" WHERE "schema" = 'public' AND "table_name" = 'u';
            DELETE FROM "__devdb_tables" WHERE "schema" = 'public' AND "name" = 'u';
            DELETE FROM "__devdb_comments" WHERE "schema" = 'public' AND "name" = 'u';
        "#]],
    );
    check(
        "create unique index if not exists t_name on t using btree (name, id desc)",
        expect![[r#"
            CREATE UNIQUE INDEX "t_name" ON "t"("name", "id" DESC);
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 't_name', 't', 1, 0);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 't_name', 'CREATE UNIQUE INDEX "t_name" ON "t"("name", "id" DESC)');
            INSERT INTO "__devdb_index_keys" ("schema", "name", "predicate", "pretty_predicate", "method", "options", "keys", "pretty_keys", "include", "expressions", "columns") VALUES ('public', 't_name', NULL, NULL, 'btree', NULL, 'name, id DESC', 'name, id DESC', NULL, 0, '[{"name": "name", "plain": "name", "pretty": "name", "option": 0, "column": "name", "opclass": "text_ops"}, {"name": "id", "plain": "id", "pretty": "id", "option": 3, "column": "id", "opclass": "int4_ops"}]');
        "#]],
    );
    check(
        "create index on u (t_id)",
        expect![[r#"
            CREATE INDEX "u_t_id_idx" ON "u"("t_id");
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 'u_t_id_idx', 'u', 0, 0);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 'u_t_id_idx', 'CREATE INDEX "u_t_id_idx" ON "u"("t_id")');
            INSERT INTO "__devdb_index_keys" ("schema", "name", "predicate", "pretty_predicate", "method", "options", "keys", "pretty_keys", "include", "expressions", "columns") VALUES ('public', 'u_t_id_idx', NULL, NULL, 'btree', NULL, 't_id', 't_id', NULL, 0, '[{"name": "t_id", "plain": "t_id", "pretty": "t_id", "option": 0, "column": "t_id", "opclass": "int4_ops"}]');
        "#]],
    );
}

#[test]
fn expression_and_partial_indexes() {
    check(
        "create unique index on t (lower(name), id desc nulls last) where flag and name <> 'x'",
        expect![[r#"
            CREATE UNIQUE INDEX "t_lower_id_idx" ON "t"(pg_lower("name"), "id" DESC) WHERE "flag" AND "name" <> 'x';
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 't_lower_id_idx', 't', 1, 0);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 't_lower_id_idx', 'CREATE UNIQUE INDEX "t_lower_id_idx" ON "t"(pg_lower("name"), "id" DESC) WHERE "flag" AND "name" <> ''x''');
            INSERT INTO "__devdb_index_keys" ("schema", "name", "predicate", "pretty_predicate", "method", "options", "keys", "pretty_keys", "include", "expressions", "columns") VALUES ('public', 't_lower_id_idx', '(flag AND ((name)::text <> ''x''::text))', 'flag AND name::text <> ''x''::text', 'btree', NULL, 'lower((name)::text), id DESC NULLS LAST', 'lower(name::text), id DESC NULLS LAST', NULL, 1, '[{"name": "lower", "plain": "lower((name)::text)", "pretty": "lower(name::text)", "option": 0, "opclass": "text_ops", "expr": "lower((name)::text)", "type": 25, "typmod": -1}, {"name": "id", "plain": "id", "pretty": "id", "option": 1, "column": "id", "opclass": "int4_ops"}]');
        "#]],
    );
}

#[test]
fn upsert_on_a_partial_unique_index() {
    check(
        "insert into t (name) values ('a') on conflict (name) where flag do update set name = 'b' returning id",
        expect![[r#"
            INSERT INTO "t" ("name", "id", "flag", "ts") VALUES ('a', pg_not_null(pg_cast(devdb_nextval('t_id_seq'), 20, 23, -1, 0), 'id', 't'), 0, devdb_now()) ON CONFLICT("name") WHERE "flag" DO UPDATE SET "name" = 'b' RETURNING "id";
        "#]],
    );
}

#[test]
fn insert_defaults() {
    check(
        "insert into t (name) values ('a'), ('b') returning id, ts",
        expect![[r#"
            INSERT INTO "t" ("name", "id", "flag", "ts") VALUES ('a', pg_not_null(pg_cast(devdb_nextval('t_id_seq'), 20, 23, -1, 0), 'id', 't'), 0, devdb_now()), ('b', pg_not_null(pg_cast(devdb_nextval('t_id_seq'), 20, 23, -1, 0), 'id', 't'), 0, devdb_now()) RETURNING "id", "ts";
        "#]],
    );
    check(
        "insert into t default values",
        expect![[r#"
            INSERT INTO "t" ("id", "flag", "ts") VALUES (pg_not_null(pg_cast(devdb_nextval('t_id_seq'), 20, 23, -1, 0), 'id', 't'), 0, devdb_now());
        "#]],
    );
    check(
        "insert into u default values",
        expect![[r#"
        INSERT INTO "u" DEFAULT VALUES;
    "#]],
    );
    check(
        "insert into t (id, name, flag) values (DEFAULT, 'x', DEFAULT)",
        expect![[r#"
            INSERT INTO "t" ("id", "name", "flag", "ts") VALUES (pg_not_null(pg_cast(devdb_nextval('t_id_seq'), 20, 23, -1, 0), 'id', 't'), 'x', 0, devdb_now());
        "#]],
    );
    check(
        "insert into u values (1, 2, 'x'), (3, 4, NULL)",
        expect![[r#"
        INSERT INTO "u" ("id", "t_id", "note") VALUES (1, 2, 'x'), (3, 4, NULL);
    "#]],
    );
}

#[test]
fn insert_literals_take_column_types() {
    check(
        "insert into t (name, ts, day, flag, uid, price, bin) values ('abc', '2024-01-01 10:00+00', '2024-01-02', 't', \
         'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 12.345, '\\x0102')",
        expect![[r#"
            INSERT INTO "t" ("name", "ts", "day", "flag", "uid", "price", "bin", "id") VALUES ('abc', pg_cast('2024-01-01 10:00+00', 25, 1184, -1, 0), 8767, 1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', pg_cast('12.345', 1700, 1700, 655366, 0), X'0102', pg_not_null(pg_cast(devdb_nextval('t_id_seq'), 20, 23, -1, 0), 'id', 't'));
        "#]],
    );
}

#[test]
fn insert_select_converts() {
    check(
        "insert into u (id, note) select big, name from t union all select 1, 'x'",
        expect![[r#"
            INSERT INTO "u" ("id", "note") WITH "__devdb_source" ("__devdb_c1", "__devdb_c2") AS (SELECT "big", "name" FROM "t" UNION ALL SELECT 1, 'x') SELECT pg_cast("__devdb_c1", 20, 23, -1, 0), "__devdb_c2" FROM "__devdb_source";
        "#]],
    );
    check(
        "insert into t (big) select id from u",
        expect![[r#"
            INSERT INTO "t" ("big", "id", "flag", "ts") SELECT "id", pg_not_null(pg_cast(devdb_nextval('t_id_seq'), 20, 23, -1, 0), 'id', 't'), 0, devdb_now() FROM "u";
        "#]],
    );
}

#[test]
fn update_and_delete() {
    check(
        "update t set name = upper(name), big = big * 2 where id = 1 returning *",
        expect![[r#"
        UPDATE "t" SET "name" = pg_cast(pg_upper("name"), 25, 1043, 14, 0), "big" = pg_int8_mul("big", 2) WHERE "id" = 1 RETURNING "t"."id", "t"."name", "t"."big", "t"."small", "t"."flag", "t"."price", "t"."ratio", "t"."ts", "t"."day", "t"."body", "t"."uid", "t"."doc", "t"."bin";
    "#]],
    );
    check(
        "update t x set flag = true from u where u.t_id = x.id",
        expect![[r#"
        UPDATE "t" AS "x" SET "flag" = 1 FROM "u" WHERE "u"."t_id" = "x"."id";
    "#]],
    );
    check(
        "delete from u where note like 'a%' returning id",
        expect![[r#"
        DELETE FROM "u" WHERE pg_like("note", 'a%') RETURNING "id";
    "#]],
    );
}

#[test]
fn select_clauses() {
    check(
        "select distinct name, count(*) as n from t where flag and price > 1.5 group by name having count(*) > 1 order by n desc, name limit 10 offset 5",
        expect![[r#"
            SELECT DISTINCT "name", count(*) AS "n" FROM "t" WHERE "flag" AND "price" COLLATE "pg_numeric" > '1.5' COLLATE "pg_numeric" GROUP BY "name" HAVING count(*) > 1 ORDER BY 2 DESC NULLS FIRST, 1 NULLS LAST LIMIT 10 OFFSET 5;
        "#]],
    );
    check(
        "select * from t order by 1 nulls first fetch first 3 rows only",
        expect![[r#"
        SELECT "t"."id", "t"."name", "t"."big", "t"."small", "t"."flag", "t"."price", "t"."ratio", "t"."ts", "t"."day", "t"."body", "t"."uid", "t"."doc", "t"."bin" FROM "t" ORDER BY 1 NULLS FIRST LIMIT 3;
    "#]],
    );
    check(
        "select id from u offset 2",
        expect![[r#"
        SELECT "id" FROM "u" LIMIT -1 OFFSET 2;
    "#]],
    );
    check(
        "select id from u limit $1",
        expect![[r#"
        SELECT "id" FROM "u" LIMIT pg_check_limit(?1);
    "#]],
    );
}

#[test]
fn joins_and_subqueries() {
    check(
        "select t.name, u.note from t join u on u.t_id = t.id left join u as v on v.id = u.id cross join (select 1 as one) s where exists (select 1 from u where u.id = t.id)",
        expect![[r#"
            SELECT "t"."name", "u"."note" FROM "t" JOIN "u" ON "u"."t_id" = "t"."id" LEFT JOIN "u" AS "v" ON "v"."id" = "u"."id" CROSS JOIN (SELECT 1 AS "one") AS "s" WHERE EXISTS (SELECT 1 AS "?column?" FROM "u" WHERE "u"."id" = "t"."id");
        "#]],
    );
    check(
        "select id, (select max(note) from u where u.t_id = t.id) from t where id in (select t_id from u)",
        expect![[r#"
        SELECT "id", (SELECT max("note") AS "max" FROM "u" WHERE "u"."t_id" = "t"."id") FROM "t" WHERE "id" IN (SELECT "t_id" FROM "u");
    "#]],
    );
    check(
        "select a.* from u a, t b where a.id = b.id",
        expect![[r#"
        SELECT "a"."id", "a"."t_id", "a"."note" FROM "u" AS "a", "t" AS "b" WHERE "a"."id" = "b"."id";
    "#]],
    );
}

#[test]
fn set_operations_and_values() {
    check(
        "select 1 union select 2 intersect select 3",
        expect![[r#"
        SELECT 1 UNION SELECT * FROM (SELECT 2 INTERSECT SELECT 3) AS "__devdb_compound";
    "#]],
    );
    check(
        "(select id from u) except (select id from t order by 1 limit 1)",
        expect![[r#"
        SELECT "id" FROM "u" EXCEPT SELECT * FROM (SELECT "id" FROM "t" ORDER BY 1 NULLS LAST LIMIT 1) AS "__devdb_compound";
    "#]],
    );
    check(
        "values (1, 'a'), (2, 'b')",
        expect![[r#"
        VALUES (1, 'a'), (2, 'b');
    "#]],
    );
    check(
        "select 1 union all select 1.5",
        expect![[r#"
            SELECT pg_cast(1, 23, 1700, -1, 0) UNION ALL SELECT '1.5';
        "#]],
    );
}

#[test]
fn ctes() {
    check(
        "with x as (select id, note from u) select * from x where id > 1",
        expect![[r#"
        WITH "x" ("id", "note") AS (SELECT "id", "note" FROM "u") SELECT "x"."id", "x"."note" FROM "x" WHERE "id" > 1;
    "#]],
    );
    check(
        "with recursive r(n) as (select 1 union all select n + 1 from r where n < 10) select sum(n) from r",
        expect![[r#"
            WITH RECURSIVE "r" ("n") AS (SELECT 1 UNION ALL SELECT pg_int4_add("n", 1) FROM "r" WHERE "n" < 10) SELECT sum("n") FROM "r";
        "#]],
    );
}

#[test]
fn expressions() {
    check(
        "select coalesce(name, 'x'), nullif(id, 0), case when id > 1 then 'big' else 'small' end, case small when 1 then 10 end, \
         id between 1 and 10, name is null, flag is not true, big is distinct from 3, id in (1, 2, 3), -id, not flag from t",
        expect![[r#"
            SELECT coalesce("name", 'x'), nullif("id", 0), CASE WHEN "id" > 1 THEN 'big' ELSE 'small' END, CASE "small" WHEN 1 THEN 10 END, "id" BETWEEN 1 AND 10, "name" IS NULL, "flag" IS NOT TRUE, "big" IS DISTINCT FROM 3, "id" IN (1, 2, 3), pg_int4_sub(0, "id"), NOT "flag" FROM "t";
        "#]],
    );
    check(
        "select 'a' || 1 || true || 1.5::float8 || now()",
        expect![[r#"
            SELECT 'a' || 1 || pg_cast(1, 16, 25, -1, 1) || pg_cast(pg_cast('1.5', 1700, 701, -1, 1), 701, 25, -1, 1) || pg_cast(devdb_now(), 1184, 25, -1, 1);
        "#]],
    );
    check(
        "select name like 'a\\_%', name ilike 'A%', name not like 'x#%' escape '#' from t",
        expect![[r#"
        SELECT pg_like("name", 'a\_%'), pg_ilike("name", 'A%'), NOT pg_like("name", 'x#%', '#') FROM "t";
    "#]],
    );
    check(
        "select 7 / 2, 7 % 3, 7.0 / 2, 1.5::float8 / 2, big + small, small + small from t",
        expect![[r#"
            SELECT pg_int4_div(7, 2), pg_int4_mod(7, 3), pg_numeric_div('7.0', 2), pg_float8_div(pg_cast('1.5', 1700, 701, -1, 1), 2), pg_int8_add("big", "small"), pg_int2_add("small", "small") FROM "t";
        "#]],
    );
}

#[test]
fn casts() {
    check(
        "select '2024-01-01'::timestamptz, '42'::int8, CAST('1.5' AS numeric), 'abc'::varchar(2), 'ab'::char(4), timestamp '2024-01-01 00:00'",
        expect![[r#"
            SELECT pg_cast('2024-01-01', 25, 1184, -1, 1), 42, '1.5', 'ab', 'ab  ', 757382400000000;
        "#]],
    );
    check(
        "select id::text, name::int, ts::date, day::timestamp, flag::int, ratio::int, big::int2 from t",
        expect![[r#"
        SELECT pg_cast("id", 23, 25, -1, 1), pg_cast("name", 1043, 23, -1, 1), pg_cast("ts", 1184, 1082, -1, 1), pg_cast("day", 1082, 1114, -1, 1), "flag", pg_cast("ratio", 701, 23, -1, 1), pg_cast("big", 20, 21, -1, 1) FROM "t";
    "#]],
    );
    check(
        "select $1::int8, $2::timestamptz",
        expect![[r#"
        SELECT ?1, ?2;
    "#]],
    );
}

#[test]
fn functions() {
    check(
        "select now(), current_timestamp, clock_timestamp(), statement_timestamp(), current_date, version(), current_database(), current_user, session_user",
        expect![[r#"
            SELECT devdb_now(), devdb_now(), devdb_clock(), devdb_statement_timestamp(), pg_cast(devdb_now(), 1184, 1082, -1, 1), 'PostgreSQL 15.0 (devdb 0.1.0) on x86_64-pc-linux-gnu, compiled by rustc, 64-bit', devdb_current_database(), devdb_current_user(), devdb_current_user();
        "#]],
    );
    check(
        "select pg_sleep(0.1), nextval('t_id_seq'), currval('T_ID_SEQ'::regclass), setval('t_id_seq', 10, false), current_setting('TimeZone')",
        expect![[r#"
            SELECT devdb_pg_sleep(pg_cast('0.1', 1700, 701, -1, 0)), devdb_nextval('t_id_seq'), devdb_currval('t_id_seq'), devdb_setval('t_id_seq', 10, 0), devdb_setting('TimeZone');
        "#]],
    );
    check(
        "select lower(name), upper(name), length(name), substr(name, 2), substring(name from 2 for 3), replace(name, 'a', 'b'), trim(name), \
         trim(both 'x' from name), ltrim(name), concat(name, 1, flag), abs(-small), round(ratio), round(price, 1), greatest(1, id), least(big, 2) from t",
        expect![[r#"
            SELECT pg_lower("name"), pg_upper("name"), length("name"), pg_substr("name", 2), pg_substr("name", 2, 3), replace("name", 'a', 'b'), trim("name"), trim("name", 'x'), ltrim("name"), concat("name", 1, CASE "flag" WHEN 1 THEN 't' WHEN 0 THEN 'f' END), pg_abs(pg_int2_sub(0, "small")), pg_round_float8("ratio"), pg_numeric_round("price", 1), pg_greatest(1, "id"), pg_least("big", 2) FROM "t";
        "#]],
    );
    check(
        "select count(distinct name), sum(small), sum(big), avg(id), min(ts), max(name), sum(ratio) from t",
        expect![[r#"
            SELECT count(DISTINCT "name"), sum("small"), pg_numeric_sum("big"), pg_numeric_avg("id"), min("ts"), max("name"), pg_float8_sum("ratio") FROM "t";
        "#]],
    );
}

#[test]
fn generate_series_forms() {
    check(
        "select * from generate_series(1, 3)",
        expect![[r#"
            SELECT "generate_series"."value" AS "generate_series" FROM "generate_series"(1, 3, 1) AS "generate_series";
        "#]],
    );
    check(
        "select x from generate_series(10, 1, -2) as g(x)",
        expect![[r#"
            SELECT ((10) + "g"."value" * (-2)) AS "x" FROM "generate_series"(0, pg_series_stop(10, 1, -2), 1) AS "g";
        "#]],
    );
    check(
        "select n from generate_series(1, $1::int8) n",
        expect![[r#"
            SELECT "n"."value" AS "n" FROM "generate_series"(1, ?1, 1) AS "n";
        "#]],
    );
    check(
        "select generate_series(1, 3)",
        expect![[r#"
            SELECT "__devdb_series"."value" AS "generate_series" FROM "generate_series"(1, 3, 1) AS "__devdb_series";
        "#]],
    );
    check(
        "select id, 'u' || generate_series(id, 1, -1) from t",
        expect![[r#"
            SELECT "t"."id" AS "id", 'u' || (("t"."id") + "__devdb_series"."value" * (-1)) AS "?column?" FROM "t", "generate_series"(0, pg_series_stop("t"."id", 1, -1), 1) AS "__devdb_series";
        "#]],
    );
}

#[test]
fn session_statements_run_no_sqlite() {
    let kinds: Vec<String> = crate::translate(
        "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY; SAVEPOINT a; RELEASE a; ROLLBACK TO SAVEPOINT a; COMMIT; ABORT; \
         START TRANSACTION READ WRITE; END; SET x = 1; SET LOCAL search_path TO 'public'; SET datestyle = DEFAULT; SET TIME ZONE 'UTC'; \
         SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SHOW ALL; SHOW TimeZone; RESET ALL; RESET x; DISCARD ALL; \
         VACUUM; ANALYZE; CHECKPOINT",
        &super::catalog(),
        &[],
    )
    .expect("session statements translate")
    .into_iter()
    .map(|t| {
        assert!(t.sqlite.is_empty());
        format!("{:?}", t.kind)
    })
    .collect();
    expect![[r#"
        Begin(TransactionMode { isolation: Some(Serializable), read_only: Some(true) }, "BEGIN")
        Savepoint("a")
        Release("a")
        RollbackTo("a")
        Commit
        Rollback
        Begin(TransactionMode { isolation: None, read_only: Some(false) }, "START TRANSACTION")
        Commit
        Set { name: "x", value: Some("1"), local: false }
        Set { name: "search_path", value: Some("public"), local: true }
        Set { name: "datestyle", value: None, local: false }
        Set { name: "timezone", value: Some("UTC"), local: false }
        SetTransaction(TransactionMode { isolation: Some(RepeatableRead), read_only: None })
        Show("all")
        Show("timezone")
        Reset(None)
        Reset(Some("x"))
        Command("DISCARD ALL")
        Command("VACUUM")
        Command("ANALYZE")
        Command("CHECKPOINT")"#]]
    .assert_eq(&kinds.join("\n"));
}

#[test]
fn empty_queries() {
    for sql in ["", "  ", ";", ";;", "-- comment", "/* c */ ;"] {
        let all = crate::translate(sql, &super::catalog(), &[]).expect("empty query");
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].kind, crate::Kind::Empty);
    }
}

#[test]
fn create_table_with_check_and_self_reference() {
    check_empty(
        "create table node (id int primary key, parent int references node on delete cascade, qty int check (qty >= 0), \
         constraint node_parent_not_self check (parent <> id))",
        expect![[r#"
            CREATE TABLE "node" ("id" INTEGER NOT NULL, "parent" INTEGER, "qty" INTEGER, CONSTRAINT "node_parent_fkey" FOREIGN KEY ("parent") REFERENCES "node"("id") ON DELETE CASCADE, CONSTRAINT "node_qty_check" CHECK ("qty" >= 0), CONSTRAINT "node_parent_not_self" CHECK ("parent" <> "id")) STRICT;
            CREATE UNIQUE INDEX "node_pkey" ON "node"("id");
            INSERT INTO "__devdb_tables" ("schema", "name") VALUES ('public', 'node');
            INSERT INTO "__devdb_columns" ("schema", "table_name", "name", "position", "type_oid", "typmod", "not_null", "default_expr", "pk_position") VALUES ('public', 'node', 'id', 1, 23, -1, 1, NULL, 1), ('public', 'node', 'parent', 2, 23, -1, 0, NULL, NULL), ('public', 'node', 'qty', 3, 23, -1, 0, NULL, NULL);
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 'node_pkey', 'node', 1, 1);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 'node_pkey', 'CREATE UNIQUE INDEX "node_pkey" ON "node"("id")');
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'node', 'node_pkey', 'p', '["id"]', NULL, NULL, NULL, NULL, 0, 0, NULL, 1);
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'node', 'node_parent_fkey', 'f', '["parent"]', 'node', '["id"]', 'CASCADE', NULL, 0, 0, NULL, 1);
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'node', 'node_qty_check', 'c', '["qty"]', NULL, NULL, NULL, NULL, 0, 0, 'qty >= 0', 1);
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'node', 'node_parent_not_self', 'c', '["parent","id"]', NULL, NULL, NULL, NULL, 0, 0, 'parent <> id', 1);
        "#]],
    );
}

#[test]
fn json_operators_and_builders() {
    check(
        "select json_build_object('id', id, 'name', name), jsonb_build_array(1, 'x') from t",
        expect![[r#"
            SELECT pg_json_object(0, 'id', pg_json_elem("id", 23), 'name', pg_json_elem("name", 1043)), pg_json_array(1, pg_json_elem(1, 23), pg_json_elem('x', 25)) FROM "t";
        "#]],
    );
    check(
        "select json_agg(name order by id desc) from t",
        expect![[r#"
            SELECT ('[' || group_concat(pg_json_elem("name", 1043), ', ' ORDER BY "id" DESC NULLS FIRST) || ']') FROM "t";
        "#]],
    );
}

#[test]
fn array_forms() {
    // `= ANY` over an array becomes IN over its elements, so SQLite can use an index on id.
    check(
        "select id from t where id = any($1)",
        expect![[r#"
            SELECT "id" FROM "t" WHERE "id" IN (SELECT "value" FROM "json_each"(coalesce(pg_array_json(?1, 23), '[null]')));
        "#]],
    );
    check(
        "select array[id, 2], (array[id])[1], array_agg(name order by id) from t group by id",
        expect![[r#"
            SELECT pg_array_make(23, "id", 2), pg_array_subscript((pg_array_make(23, "id")), 23, 1), pg_array_pack(pg_array_agg("name" ORDER BY "id" NULLS LAST), 1043) FROM "t" GROUP BY "id";
        "#]],
    );
    check(
        "select x from unnest('{1,2}'::int[]) as x",
        expect![[r#"
            SELECT "x"."value" AS "x" FROM "json_each"(pg_array_json(X'01800000000000000101800000000000000200', 23)) AS "x";
        "#]],
    );
}

#[test]
fn data_modifying_with_reads_a_copy_of_what_an_earlier_part_changed() {
    let t = super::translate_one(
        "WITH ins AS (INSERT INTO pgbench_branches (bid) VALUES (1) ON CONFLICT DO NOTHING RETURNING bid) \
         SELECT bid FROM ins UNION ALL SELECT bid FROM pgbench_branches WHERE bid = 1",
    );
    let captures: Vec<String> = t
        .captures
        .iter()
        .map(|c| format!("{} {:?}: {}", c.table, c.columns, c.sqlite.join("; ")))
        .collect();
    expect![[r#"
        __devdb_before_pgbench_branches ["bid", "bbalance", "filler"]: SELECT "bid", "bbalance", "filler" FROM "pgbench_branches"
        ins ["bid"]: INSERT INTO "pgbench_branches" ("bid") VALUES (1) ON CONFLICT DO NOTHING RETURNING "bid""#]]
    .assert_eq(&captures.join("\n"));
    expect![[r#"SELECT "bid" FROM "ins" UNION ALL SELECT "bid" FROM "__devdb_before_pgbench_branches" AS "pgbench_branches" WHERE "bid" = 1"#]]
        .assert_eq(&t.sqlite.join("; "));
}
