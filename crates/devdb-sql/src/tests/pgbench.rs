//! Exactly what pgbench sends: `pgbench -i -I dtGvp` and the built-in TPC-B-like script.

use expect_test::expect;

use super::{check, check_empty, columns, params};

#[test]
fn init_drop() {
    check(
        "drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers",
        expect![[r#"
            DROP TABLE "pgbench_accounts";
            DELETE FROM "__devdb_sequences" WHERE "name" IN (SELECT "name" FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts');
            DELETE FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts';
            DELETE FROM "__devdb_index_defs" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts');
            DELETE FROM "__devdb_index_keys" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts');
            DELETE FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts';
            DELETE FROM "__devdb_constraints" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts';
            DELETE FROM "__devdb_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts';
            DELETE FROM "__devdb_identity_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts';
            DELETE FROM "__devdb_domain_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts';
            DELETE FROM "__devdb_generated_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts';
            DELETE FROM "__devdb_triggers" WHERE "schema" = 'public' AND "table_name" = 'pgbench_accounts';
            DELETE FROM "__devdb_tables" WHERE "schema" = 'public' AND "name" = 'pgbench_accounts';
            DELETE FROM "__devdb_comments" WHERE "schema" = 'public' AND "name" = 'pgbench_accounts';
            DROP TABLE "pgbench_branches";
            DELETE FROM "__devdb_sequences" WHERE "name" IN (SELECT "name" FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches');
            DELETE FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches';
            DELETE FROM "__devdb_index_defs" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches');
            DELETE FROM "__devdb_index_keys" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches');
            DELETE FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches';
            DELETE FROM "__devdb_constraints" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches';
            DELETE FROM "__devdb_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches';
            DELETE FROM "__devdb_identity_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches';
            DELETE FROM "__devdb_domain_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches';
            DELETE FROM "__devdb_generated_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches';
            DELETE FROM "__devdb_triggers" WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches';
            DELETE FROM "__devdb_tables" WHERE "schema" = 'public' AND "name" = 'pgbench_branches';
            DELETE FROM "__devdb_comments" WHERE "schema" = 'public' AND "name" = 'pgbench_branches';
            DROP TABLE "pgbench_history";
            DELETE FROM "__devdb_sequences" WHERE "name" IN (SELECT "name" FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history');
            DELETE FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history';
            DELETE FROM "__devdb_index_defs" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history');
            DELETE FROM "__devdb_index_keys" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history');
            DELETE FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history';
            DELETE FROM "__devdb_constraints" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history';
            DELETE FROM "__devdb_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history';
            DELETE FROM "__devdb_identity_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history';
            DELETE FROM "__devdb_domain_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history';
            DELETE FROM "__devdb_generated_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history';
            DELETE FROM "__devdb_triggers" WHERE "schema" = 'public' AND "table_name" = 'pgbench_history';
            DELETE FROM "__devdb_tables" WHERE "schema" = 'public' AND "name" = 'pgbench_history';
            DELETE FROM "__devdb_comments" WHERE "schema" = 'public' AND "name" = 'pgbench_history';
            DROP TABLE "pgbench_tellers";
            DELETE FROM "__devdb_sequences" WHERE "name" IN (SELECT "name" FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers');
            DELETE FROM "__devdb_sequence_owners" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers';
            DELETE FROM "__devdb_index_defs" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers');
            DELETE FROM "__devdb_index_keys" WHERE "schema" = 'public' AND "name" IN (SELECT "name" FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers');
            DELETE FROM "__devdb_indexes" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers';
            DELETE FROM "__devdb_constraints" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers';
            DELETE FROM "__devdb_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers';
            DELETE FROM "__devdb_identity_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers';
            DELETE FROM "__devdb_domain_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers';
            DELETE FROM "__devdb_generated_columns" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers';
            DELETE FROM "__devdb_triggers" WHERE "schema" = 'public' AND "table_name" = 'pgbench_tellers';
            DELETE FROM "__devdb_tables" WHERE "schema" = 'public' AND "name" = 'pgbench_tellers';
            DELETE FROM "__devdb_comments" WHERE "schema" = 'public' AND "name" = 'pgbench_tellers';
        "#]],
    );
}

#[test]
fn init_create() {
    check_empty(
        "create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))",
        expect![[r#"
        CREATE TABLE "pgbench_history" ("tid" INTEGER, "bid" INTEGER, "aid" INTEGER, "delta" INTEGER, "mtime" INTEGER, "filler" TEXT) STRICT;
        INSERT INTO "__devdb_tables" ("schema", "name") VALUES ('public', 'pgbench_history');
        INSERT INTO "__devdb_columns" ("schema", "table_name", "name", "position", "type_oid", "typmod", "not_null", "default_expr", "pk_position") VALUES ('public', 'pgbench_history', 'tid', 1, 23, -1, 0, NULL, NULL), ('public', 'pgbench_history', 'bid', 2, 23, -1, 0, NULL, NULL), ('public', 'pgbench_history', 'aid', 3, 23, -1, 0, NULL, NULL), ('public', 'pgbench_history', 'delta', 4, 23, -1, 0, NULL, NULL), ('public', 'pgbench_history', 'mtime', 5, 1114, -1, 0, NULL, NULL), ('public', 'pgbench_history', 'filler', 6, 1042, 26, 0, NULL, NULL);
    "#]],
    );
    check_empty(
        "create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)",
        expect![[r#"
            CREATE TABLE "pgbench_tellers" ("tid" INTEGER NOT NULL, "bid" INTEGER, "tbalance" INTEGER, "filler" TEXT) STRICT;
            INSERT INTO "__devdb_tables" ("schema", "name") VALUES ('public', 'pgbench_tellers');
            INSERT INTO "__devdb_columns" ("schema", "table_name", "name", "position", "type_oid", "typmod", "not_null", "default_expr", "pk_position") VALUES ('public', 'pgbench_tellers', 'tid', 1, 23, -1, 1, NULL, NULL), ('public', 'pgbench_tellers', 'bid', 2, 23, -1, 0, NULL, NULL), ('public', 'pgbench_tellers', 'tbalance', 3, 23, -1, 0, NULL, NULL), ('public', 'pgbench_tellers', 'filler', 4, 1042, 88, 0, NULL, NULL);
        "#]],
    );
}

#[test]
fn init_truncate_and_generate() {
    check(
        "truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers",
        expect![[r#"
        DELETE FROM "pgbench_accounts";
        DELETE FROM "pgbench_branches";
        DELETE FROM "pgbench_history";
        DELETE FROM "pgbench_tellers";
    "#]],
    );
    check(
        "insert into pgbench_branches(bid,bbalance) select bid, 0 from generate_series(1, 1) as bid",
        expect![[r#"
            INSERT INTO "pgbench_branches" ("bid", "bbalance") SELECT pg_not_null("bid"."value", 'bid', 'pgbench_branches') AS "bid", 0 FROM "generate_series"(1, 1, 1) AS "bid";
        "#]],
    );
    check(
        "insert into pgbench_tellers(tid,bid,tbalance) select tid, (tid - 1) / 10 + 1, 0 from generate_series(1, 10) as tid",
        expect![[r#"
            INSERT INTO "pgbench_tellers" ("tid", "bid", "tbalance") SELECT pg_not_null("tid"."value", 'tid', 'pgbench_tellers') AS "tid", pg_int4_add(pg_int4_div((pg_int4_sub("tid"."value", 1)), 10), 1), 0 FROM "generate_series"(1, 10, 1) AS "tid";
        "#]],
    );
    check(
        "insert into pgbench_accounts(aid,bid,abalance,filler) select aid, (aid - 1) / 100000 + 1, 0, '' from generate_series(1, 100000) as aid",
        expect![[r#"
            INSERT INTO "pgbench_accounts" ("aid", "bid", "abalance", "filler") SELECT pg_not_null("aid"."value", 'aid', 'pgbench_accounts') AS "aid", pg_int4_add(pg_int4_div((pg_int4_sub("aid"."value", 1)), 100000), 1), 0, '' FROM "generate_series"(1, 100000, 1) AS "aid";
        "#]],
    );
}

#[test]
fn init_vacuum_and_keys() {
    check("vacuum analyze pgbench_branches", expect![[""]]);
    check(
        "alter table pgbench_branches add primary key (bid)",
        expect![[r#"
            CREATE UNIQUE INDEX "pgbench_branches_pkey" ON "pgbench_branches"("bid");
            INSERT INTO "__devdb_indexes" ("schema", "name", "table_name", "is_unique", "is_primary") VALUES ('public', 'pgbench_branches_pkey', 'pgbench_branches', 1, 1);
            INSERT INTO "__devdb_index_defs" ("schema", "name", "sql") VALUES ('public', 'pgbench_branches_pkey', 'CREATE UNIQUE INDEX "pgbench_branches_pkey" ON "pgbench_branches"("bid")');
            UPDATE "__devdb_columns" SET "not_null" = pg_check_no_nulls((SELECT count(*) FROM "pgbench_branches" WHERE "bid" IS NULL), 'bid', 'pgbench_branches'), "pk_position" = 1 WHERE "schema" = 'public' AND "table_name" = 'pgbench_branches' AND "name" = 'bid';
            INSERT INTO "__devdb_constraints" ("schema", "table_name", "name", "kind", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "is_deferrable", "is_deferred", "check_expr", "validated") VALUES ('public', 'pgbench_branches', 'pgbench_branches_pkey', 'p', '["bid"]', NULL, NULL, NULL, NULL, 0, 0, NULL, 1);
        "#]],
    );
}

#[test]
fn tpcb_simple() {
    check(
        "BEGIN;\nUPDATE pgbench_accounts SET abalance = abalance + -1234 WHERE aid = 5;\nSELECT abalance FROM pgbench_accounts WHERE aid = 5;\nEND;",
        expect![[r#"
            UPDATE "pgbench_accounts" SET "abalance" = pg_int4_add("abalance", -1234) WHERE "aid" = 5;
            SELECT "abalance" FROM "pgbench_accounts" WHERE "aid" = 5;
        "#]],
    );
    check(
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (3, 1, 5, -1234, CURRENT_TIMESTAMP);",
        expect![[r#"
            INSERT INTO "pgbench_history" ("tid", "bid", "aid", "delta", "mtime") VALUES (3, 1, 5, -1234, pg_cast(devdb_now(), 1184, 1114, -1, 0));
        "#]],
    );
    check(
        "select count(*) from pgbench_branches",
        expect![[r#"
        SELECT count(*) FROM "pgbench_branches";
    "#]],
    );
}

#[test]
fn tpcb_extended_params() {
    assert_eq!(
        params("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;"),
        "int4, int4"
    );
    assert_eq!(
        params("SELECT abalance FROM pgbench_accounts WHERE aid = $1;"),
        "int4"
    );
    assert_eq!(
        params(
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);"
        ),
        "int4, int4, int4, int4"
    );
    assert_eq!(
        columns("SELECT abalance FROM pgbench_accounts WHERE aid = $1;"),
        "abalance int4"
    );
    assert_eq!(
        columns("select count(*) from pgbench_branches"),
        "count int8"
    );
}
