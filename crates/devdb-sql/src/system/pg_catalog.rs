//! The pg_catalog relations: SQLite views over devdb's own catalog tables (`__devdb_*`), the
//! built-in rows (`devdb_sys.*`) and the executor's functions for server state
//! (`devdb_databases()`, `devdb_backends()`, `devdb_settings()`,
//! `devdb_prepared_statements()`).
//!
//! Object ids of user objects are derived from the rowid of their catalog row, one range per
//! kind, so they are stable while the object lives and never collide:
//! tables 16384 + rowid, indexes 0x0100_0000 + rowid, sequences 0x0200_0000 + rowid,
//! constraints 0x0300_0000 + rowid, column defaults 0x0400_0000 + rowid, views 0x0500_0000 + rowid.
//! The citext extension's types are 0x0600_0001 and 0x0600_0002, the extension 0x0600_0003
//! (listed once CREATE EXTENSION citext has put it in `__devdb_extensions`); btree_gist is
//! 0x0600_0004.
//! Schemas, enums and their array types have the OIDs their DDL gave them (`__devdb_schemas`,
//! which lists every schema but `public`, OID 2200,
//! `__devdb_types`).

use super::builtin::{
    PG_AM, PG_AMOP, PG_AMPROC, PG_CAST, PG_CLASS, PG_COLLATION, PG_CONVERSION, PG_DESCRIPTION,
    PG_LANGUAGE, PG_OPERATOR, PG_OPFAMILY, PG_PROC, PG_RANGE, PG_TS_CONFIG, PG_TS_DICT,
    PG_TS_PARSER, PG_TS_TEMPLATE, PG_TYPE, cols,
};
use super::{Columns, Relation};

/// pg_statio_all_tables and pg_statio_user_tables.
const PG_STATIO_TABLES: Columns = cols!(
    relid: Oid, schemaname: Name, relname: Name, heap_blks_read: Int8, heap_blks_hit: Int8,
    idx_blks_read: Int8, idx_blks_hit: Int8, toast_blks_read: Int8, toast_blks_hit: Int8,
    tidx_blks_read: Int8, tidx_blks_hit: Int8,
);

/// pg_stat_all_tables and pg_stat_user_tables.
const PG_STAT_TABLES: Columns = cols!(
    relid: Oid, schemaname: Name, relname: Name, seq_scan: Int8, seq_tup_read: Int8,
    idx_scan: Int8, idx_tup_fetch: Int8, n_tup_ins: Int8, n_tup_upd: Int8, n_tup_del: Int8,
    n_tup_hot_upd: Int8, n_live_tup: Int8, n_dead_tup: Int8, n_mod_since_analyze: Int8,
    n_ins_since_vacuum: Int8, last_vacuum: Timestamptz, last_autovacuum: Timestamptz,
    last_analyze: Timestamptz, last_autoanalyze: Timestamptz, vacuum_count: Int8,
    autovacuum_count: Int8, analyze_count: Int8, autoanalyze_count: Int8,
);

/// A built-in row's access privileges (an aclitem[] column dumped from PostgreSQL), whose
/// bootstrap superuser (OID 10, `postgres` in the dump) is the connected user here.
macro_rules! bootstrap_acl {
    ($column:literal) => {
        concat!(
            "pg_cast(replace(replace(pg_cast(",
            $column,
            ", 1034, 25, -1, 1), 'postgres=', pg_quote_ident(devdb_current_user()) || '='), \
             '/postgres', '/' || pg_quote_ident(devdb_current_user())), 25, 1034, -1, 1)"
        )
    };
}

/// The privileges GRANT and REVOKE gave a user object (`__devdb_acl`, see system/acl.rs), NULL
/// for one that has acldefault's: `$kind` and `$object` as the table keys them, `$column` the
/// column's name ('' for the object itself).
macro_rules! user_acl {
    ($kind:literal, $object:literal, $column:literal) => {
        concat!(
            "pg_cast(pg_acl_out((SELECT a.acl FROM __devdb_acl a WHERE a.kind = '",
            $kind,
            "' AND a.object = ",
            $object,
            " AND a.column_name = ",
            $column,
            "), devdb_current_user()), 25, 1034, -1, 1)"
        )
    };
}

const fn rel(name: &'static str, columns: Columns, body: &'static str) -> Relation {
    Relation::new("pg_catalog", name, columns, body)
}

const fn empty(name: &'static str, columns: Columns) -> Relation {
    Relation::empty("pg_catalog", name, columns)
}

/// Every pg_catalog relation devdb answers, in creation order (a view may read earlier ones).
pub static RELATIONS: &[Relation] = &[
    // initdb grants USAGE on pg_catalog and information_schema to PUBLIC, and public to its
    // owner pg_database_owner (CREATE too) and PUBLIC.
    rel(
        "pg_namespace",
        cols!(oid: Oid, nspname: Name, nspowner: Oid, nspacl: AclitemArray),
        concat!(
            "SELECT oid, nspname, nspowner, CASE oid \
             WHEN 2200 THEN coalesce(",
            user_acl!("schema", "'public'", "''"),
            ", pg_array_make(1033, 'pg_database_owner=UC/pg_database_owner', \
               '=U/pg_database_owner')) \
             WHEN 99 THEN NULL \
             ELSE pg_array_make(1033, \
               pg_quote_ident(devdb_current_user()) || '=UC/' \
                 || pg_quote_ident(devdb_current_user()), \
               '=U/' || pg_quote_ident(devdb_current_user())) END \
         FROM devdb_sys.pg_namespace \
         UNION ALL \
         SELECT s.oid, s.name, 10, ",
            user_acl!("schema", "s.name", "''"),
            " FROM __devdb_schemas s \
         WHERE s.name NOT IN (SELECT nspname FROM devdb_sys.pg_namespace)"
        ),
    ),
    // Enums, domains and their array types, with the rows PostgreSQL gives them (enum_in,
    // domain_in, array_in, ...): a domain's row is its base type's with typtype 'd'.
    rel(
        "pg_type",
        PG_TYPE,
        "SELECT * FROM devdb_sys.pg_type \
         UNION ALL \
         SELECT t.oid, t.name, coalesce(n.oid, 2200), 10, 4, 1, 'e', 'E', 0, 1, ',', 0, 0, 0, \
           t.array_oid, 3506, 3507, 3532, 3533, 0, 0, 0, 'i', 'p', 0, 0, -1, 0, 0, NULL, NULL, NULL \
         FROM __devdb_types t LEFT JOIN __devdb_schemas n ON n.name = t.schema \
         UNION ALL \
         SELECT t.array_oid, '_' || t.name, coalesce(n.oid, 2200), 10, -1, 0, 'b', 'A', 0, 1, \
           ',', 0, 6179, t.oid, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, 0, -1, 0, 0, \
           NULL, NULL, NULL \
         FROM __devdb_types t LEFT JOIN __devdb_schemas n ON n.name = t.schema \
         UNION ALL \
         SELECT d.oid, d.name, coalesce(n.oid, 2200), 10, b.typlen, b.typbyval, 'd', \
           b.typcategory, 0, 1, b.typdelim, 0, 0, 0, d.oid + 1, 2597, b.typoutput, 2598, \
           b.typsend, 0, 0, b.typanalyze, b.typalign, b.typstorage, d.not_null, d.base_oid, \
           d.typmod, 0, b.typcollation, \
           pg_default_display(d.default_expr, d.base_oid, d.typmod, NULL), \
           pg_default_display(d.default_expr, d.base_oid, d.typmod, NULL), NULL \
         FROM __devdb_domains d JOIN devdb_sys.pg_type b ON b.oid = d.base_oid \
         LEFT JOIN __devdb_schemas n ON n.name = d.schema \
         UNION ALL \
         SELECT d.oid + 1, '_' || d.name, coalesce(n.oid, 2200), 10, -1, 0, 'b', 'A', 0, 1, \
           a.typdelim, 0, 6179, d.oid, 0, 750, 751, 2400, 2401, 0, 0, 3816, a.typalign, 'x', 0, \
           0, -1, 0, a.typcollation, NULL, NULL, NULL \
         FROM __devdb_domains d JOIN devdb_sys.pg_type b ON b.oid = d.base_oid \
         JOIN devdb_sys.pg_type a ON a.oid = b.typarray \
         LEFT JOIN __devdb_schemas n ON n.name = d.schema \
         UNION ALL \
         SELECT 100663297, 'citext', 2200, 10, -1, 0, 'b', 'S', 0, 1, ',', 0, 0, 0, 100663298, \
           46, 47, 2414, 2415, 0, 0, 0, 'i', 'x', 0, 0, -1, 0, 100, NULL, NULL, NULL \
         FROM __devdb_extensions WHERE name = 'citext' \
         UNION ALL \
         SELECT 100663298, '_citext', 2200, 10, -1, 0, 'b', 'A', 0, 1, ',', 0, 6179, 100663297, \
           0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, 0, -1, 0, 100, NULL, NULL, NULL \
         FROM __devdb_extensions WHERE name = 'citext'",
    ),
    // Trigger functions: language plpgsql (13563 in a fresh PostgreSQL 15 cluster), returning
    // trigger (2279), no arguments; SQL functions: language sql (14).
    Relation {
        schema: "pg_catalog",
        name: "pg_proc",
        columns: PG_PROC,
        // __arguments: what pg_get_function_arguments prints (a user function's arguments
        // with their names, a built-in one's types); __def: what
        // pg_get_functiondef prints of a user function, NULL for a built-in one and for a SQL
        // function an older devdb created, whose text it did not keep; __sqlbody: what
        // pg_get_function_sqlbody prints of a user function with a `RETURN expression` body
        // (prosrc ''), the expression deparsed as PostgreSQL prints it; __signature: the name
        // and argument types a regprocedure prints (`int4pl(integer,integer)`).
        hidden: &["__arguments", "__def", "__sqlbody", "__signature"],
        body: concat!(
            "SELECT oid, proname, pronamespace, proowner, prolang, prokind, prosecdef, \
               proisstrict, proretset, provolatile, proparallel, pronargs, prorettype, \
               proargtypes, prosrc, ",
            bootstrap_acl!("proacl"),
            ", procost, prorows, provariadic, prosupport, proleakproof, pronargdefaults, probin, \
               proconfig, protrftypes, __types, NULL, NULL, \
               pg_quote_ident(proname) || '(' || replace(__types, ', ', ',') || ')' \
             FROM (SELECT *, coalesce((SELECT group_concat(pg_format_type(a.value, NULL, \
                   t.typname), ', ' ORDER BY a.key) \
                 FROM json_each('[' || replace(proargtypes, ' ', ',') || ']') a \
                 LEFT JOIN devdb_sys.pg_type t ON t.oid = a.value), '') AS __types \
               FROM devdb_sys.pg_proc) \
             UNION ALL \
             SELECT f.oid, f.name, \
               (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = f.schema), 10, 13563, 'f', \
               f.security_definer, f.strict, 0, f.volatility, f.parallel, 0, 2279, '', f.body, ",
            user_acl!("function", "CAST(f.oid AS TEXT)", "''"),
            ", 100, 0, 0, 0, 0, 0, NULL, NULL, NULL, '', \
               pg_function_def(f.schema, f.name, '', 'trigger', 'plpgsql', f.volatility, \
                 f.parallel, f.strict, f.security_definer, f.body, NULL), NULL, \
               pg_quote_ident(f.name) || '()' \
             FROM __devdb_functions f \
             UNION ALL \
             SELECT f.oid, f.name, \
               (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = f.schema), 10, 14, 'f', \
               f.security_definer, f.strict, 0, f.volatility, f.parallel, \
               json_array_length(f.arg_types), f.return_oid, f.arg_oids, f.source, ",
            user_acl!("function", "CAST(f.oid AS TEXT)", "''"),
            ", 100, 0, 0, 0, 0, 0, NULL, NULL, NULL, __arguments, \
               pg_function_def(f.schema, f.name, __arguments, \
                 pg_format_type(f.return_oid, NULL, NULL), 'sql', f.volatility, f.parallel, \
                 f.strict, f.security_definer, f.source, __sqlbody), \
               __sqlbody, pg_quote_ident(f.name) || '(' \
                 || replace(pg_function_arguments('[]', f.arg_oids), ', ', ',') || ')' \
             FROM (SELECT *, pg_function_arguments(arg_names, arg_oids) AS __arguments, \
                 CASE WHEN source = '' THEN 'RETURN ' || pg_check_display(body, \
                   (SELECT json_group_object(n.value, o.value) FROM json_each(arg_names) n \
                     JOIN json_each('[' || replace(arg_oids, ' ', ',') || ']') o \
                       ON o.key = n.key WHERE n.value <> ''), 0, 0) END AS __sqlbody \
               FROM __devdb_sql_functions) f",
        ),
    },
    rel("pg_amop", PG_AMOP, "SELECT * FROM devdb_sys.pg_amop"),
    rel("pg_amproc", PG_AMPROC, "SELECT * FROM devdb_sys.pg_amproc"),
    rel("pg_range", PG_RANGE, "SELECT * FROM devdb_sys.pg_range"),
    rel("pg_am", PG_AM, "SELECT * FROM devdb_sys.pg_am"),
    rel(
        "pg_collation",
        PG_COLLATION,
        "SELECT * FROM devdb_sys.pg_collation",
    ),
    rel(
        "pg_extension",
        cols!(
            oid: Oid, extname: Name, extowner: Oid, extnamespace: Oid, extrelocatable: Bool,
            extversion: Text, extconfig: OidArray, extcondition: TextArray,
        ),
        // No extension devdb has configuration tables, as in PostgreSQL. extconfig is
        // regclass[] there: devdb prints no arrays of regclass, and its are all NULL.
        "SELECT *, NULL, NULL FROM devdb_sys.pg_extension \
         UNION ALL \
         SELECT 100663299, 'citext', 10, 2200, 1, '1.6', NULL, NULL FROM __devdb_extensions WHERE name = 'citext' \
         UNION ALL \
         SELECT 100663300, 'btree_gist', 10, 2200, 1, '1.7', NULL, NULL FROM __devdb_extensions WHERE name = 'btree_gist' \
         UNION ALL \
         SELECT 100663301, 'pgcrypto', 10, 2200, 1, '1.3', NULL, NULL FROM __devdb_extensions WHERE name = 'pgcrypto' \
         UNION ALL \
         SELECT 100663302, 'uuid-ossp', 10, 2200, 1, '1.1', NULL, NULL FROM __devdb_extensions WHERE name = 'uuid-ossp'",
    ),
    rel(
        "pg_opclass",
        super::builtin::PG_OPCLASS,
        "SELECT * FROM devdb_sys.pg_opclass",
    ),
    rel(
        "pg_opfamily",
        PG_OPFAMILY,
        "SELECT * FROM devdb_sys.pg_opfamily",
    ),
    // devdb has no CREATE OPERATOR, CREATE CAST or CREATE LANGUAGE: the built-in rows only.
    Relation {
        schema: "pg_catalog",
        name: "pg_operator",
        columns: PG_OPERATOR,
        // __signature: the name and operand types a regoperator prints (`+(integer,integer)`,
        // NONE for a prefix operator's left).
        hidden: &["__signature"],
        body: "SELECT o.*, o.oprname || '(' || CASE WHEN o.oprleft = 0 THEN 'NONE' \
             ELSE pg_format_type(o.oprleft, NULL, l.typname) END || ',' \
             || pg_format_type(o.oprright, NULL, r.typname) || ')' \
           FROM devdb_sys.pg_operator o \
           LEFT JOIN devdb_sys.pg_type l ON l.oid = o.oprleft \
           LEFT JOIN devdb_sys.pg_type r ON r.oid = o.oprright",
    },
    rel("pg_cast", PG_CAST, "SELECT * FROM devdb_sys.pg_cast"),
    // Nor CREATE CONVERSION or CREATE TEXT SEARCH: the built-in rows only.
    rel(
        "pg_conversion",
        PG_CONVERSION,
        "SELECT * FROM devdb_sys.pg_conversion",
    ),
    rel(
        "pg_ts_config",
        PG_TS_CONFIG,
        "SELECT * FROM devdb_sys.pg_ts_config",
    ),
    rel(
        "pg_ts_dict",
        PG_TS_DICT,
        "SELECT * FROM devdb_sys.pg_ts_dict",
    ),
    rel(
        "pg_ts_parser",
        PG_TS_PARSER,
        "SELECT * FROM devdb_sys.pg_ts_parser",
    ),
    rel(
        "pg_ts_template",
        PG_TS_TEMPLATE,
        "SELECT * FROM devdb_sys.pg_ts_template",
    ),
    rel(
        "pg_language",
        PG_LANGUAGE,
        "SELECT * FROM devdb_sys.pg_language",
    ),
    rel(
        "pg_tablespace",
        cols!(oid: Oid, spcname: Name, spcowner: Oid),
        "SELECT 1663, 'pg_default', 10 UNION ALL SELECT 1664, 'pg_global', 10",
    ),
    // User relations have no grants beyond their owner's (relacl NULL); the system
    // catalogs' relacl is PostgreSQL's.
    rel(
        "pg_class",
        PG_CLASS,
        // Nothing is vacuumed or frozen: relfrozenxid and relminmxid are 0.
        concat!(
            "SELECT 16384 + t.rowid, t.name, \
           (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = t.schema), 0, 0, 10, 2, \
           16384 + t.rowid, 0, 0, -1.0, 0, 0, \
           EXISTS (SELECT 1 FROM __devdb_indexes i WHERE i.schema = t.schema AND i.table_name = t.name), \
           0, iif(substr(t.schema, 1, 8) = 'pg_temp_', 't', 'p'), 'r', \
           (SELECT count(*) FROM __devdb_columns c WHERE c.schema = t.schema AND c.table_name = t.name), \
           (SELECT count(*) FROM __devdb_constraints k \
             WHERE k.schema = t.schema AND k.table_name = t.name AND k.kind = 'c'), \
           0, \
           EXISTS (SELECT 1 FROM __devdb_constraints k WHERE k.kind = 'f' \
             AND ((k.schema = t.schema AND k.table_name = t.name) \
               OR k.ref_table = pg_key(t.schema, t.name))) \
           OR EXISTS (SELECT 1 FROM __devdb_triggers g \
             WHERE g.schema = t.schema AND g.table_name = t.name), \
           0, 0, 0, 1, 'd', 0, 0, 0, 0, ",
            user_acl!("relation", "pg_key(t.schema, t.name)", "''"),
            ", NULL, NULL \
         FROM __devdb_tables t \
         UNION ALL \
         SELECT 16777216 + i.rowid, i.name, \
           (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = i.schema), 0, 0, 10, \
           coalesce((SELECT a.oid FROM devdb_sys.pg_am a JOIN __devdb_index_keys k \
             ON a.amname = k.method WHERE k.schema = i.schema AND k.name = i.name), 403), \
           16777216 + i.rowid, 0, 1, 0.0, 0, 0, 0, 0, \
           iif(substr(i.schema, 1, 8) = 'pg_temp_', 't', 'p'), 'i', \
           (SELECT count(*) FROM pragma_index_info(pg_key(i.schema, i.name))), \
           0, 0, 0, 0, 0, 0, 1, 'n', 0, 0, 0, 0, NULL, NULL, NULL \
         FROM __devdb_indexes i \
         UNION ALL \
         SELECT 33554432 + s.rowid, pg_key_name(s.name), \
           (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = pg_key_schema(s.name)), \
           0, 0, 10, 0, \
           33554432 + s.rowid, 0, 1, 1.0, 0, 0, 0, 0, \
           iif(substr(pg_key_schema(s.name), 1, 8) = 'pg_temp_', 't', 'p'), 'S', \
           3, 0, 0, 0, 0, 0, 0, 1, 'n', 0, 0, \
           0, 0, ",
            user_acl!("relation", "s.name", "''"),
            ", NULL, NULL \
         FROM __devdb_sequences s \
         UNION ALL \
         SELECT 83886080 + v.rowid, v.name, \
           (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = v.schema), 0, 0, 10, \
           iif(m.name IS NULL, 0, 2), iif(m.name IS NULL, 0, 83886080 + v.rowid), 0, \
           0, -1.0, 0, 0, \
           EXISTS (SELECT 1 FROM __devdb_indexes i WHERE i.schema = v.schema AND i.table_name = v.name), \
           0, iif(substr(v.schema, 1, 8) = 'pg_temp_', 't', 'p'), iif(m.name IS NULL, 'v', 'm'), \
           (SELECT count(*) FROM __devdb_view_columns c \
             WHERE c.schema = v.schema AND c.view_name = v.name), \
           0, 1, 0, 0, 0, 0, coalesce(m.populated, 1), iif(m.name IS NULL, 'n', 'd'), 0, 0, \
           0, 0, ",
            user_acl!("relation", "pg_key(v.schema, v.name)", "''"),
            ", NULL, NULL \
         FROM __devdb_views v \
         LEFT JOIN __devdb_matviews m ON m.schema = v.schema AND m.name = v.name \
         UNION ALL \
         SELECT oid, relname, relnamespace, reltype, reloftype, relowner, relam, relfilenode, \
           reltablespace, relpages, reltuples, relallvisible, reltoastrelid, relhasindex, \
           relisshared, relpersistence, relkind, relnatts, relchecks, relhasrules, \
           relhastriggers, relhassubclass, relrowsecurity, relforcerowsecurity, relispopulated, \
           relreplident, relispartition, relrewrite, relfrozenxid, relminmxid, ",
            bootstrap_acl!("relacl"),
            ", reloptions, relpartbound FROM devdb_sys.pg_class",
        ),
    ),
    rel(
        "pg_attribute",
        cols!(
            attrelid: Oid, attname: Name, atttypid: Oid, attstattarget: Int4, attlen: Int2,
            attnum: Int2, attndims: Int4, attcacheoff: Int4, atttypmod: Int4, attbyval: Bool,
            attalign: Char, attstorage: Char, attcompression: Char, attnotnull: Bool,
            atthasdef: Bool, atthasmissing: Bool, attidentity: Char, attgenerated: Char,
            attisdropped: Bool, attislocal: Bool, attinhcount: Int4, attcollation: Oid,
            attacl: AclitemArray, attoptions: TextArray, attfdwoptions: TextArray,
            attmissingval: TextArray,
        ),
        // A column of a domain names the domain, with what it declared itself (not the
        // domain's NOT NULL and DEFAULT, merged into its __devdb_columns row).
        concat!(
            "SELECT 16384 + t.rowid, c.name, ty.oid, -1, ty.typlen, c.position, 0, -1, \
           iif(dc.domain_oid IS NULL, c.typmod, -1), \
           ty.typbyval, ty.typalign, ty.typstorage, '', \
           iif(dc.domain_oid IS NULL, c.not_null, dc.own_not_null OR c.pk_position IS NOT NULL), \
           g.name IS NOT NULL OR (c.default_expr IS NOT NULL AND coalesce(dc.own_default, 1) \
             AND NOT EXISTS (SELECT 1 FROM __devdb_identity_columns i \
             WHERE i.schema = c.schema AND i.table_name = c.table_name AND i.name = c.name)), \
           0, COALESCE((SELECT i.kind FROM __devdb_identity_columns i WHERE i.schema = c.schema \
             AND i.table_name = c.table_name AND i.name = c.name), ''), \
           iif(g.name IS NULL, '', 's'), 0, 1, 0, ty.typcollation, ",
            user_acl!("column", "pg_key(c.schema, c.table_name)", "c.name"),
            ", NULL, NULL, NULL \
         FROM __devdb_tables t \
         JOIN __devdb_columns c ON c.schema = t.schema AND c.table_name = t.name \
         LEFT JOIN __devdb_domain_columns dc ON dc.schema = c.schema \
           AND dc.table_name = c.table_name AND dc.name = c.name \
         LEFT JOIN __devdb_generated_columns g ON g.schema = c.schema \
           AND g.table_name = c.table_name AND g.name = c.name \
         JOIN __pg_type ty ON ty.oid = coalesce(dc.domain_oid, c.type_oid) \
         UNION ALL \
         SELECT x.indexrelid, x.name, x.typid, -1, ty.typlen, x.seqno + 1, 0, -1, x.typmod, \
           ty.typbyval, ty.typalign, ty.typstorage, '', 0, 0, 0, '', '', 0, 1, 0, \
           ty.typcollation, NULL, NULL, NULL, NULL \
         FROM __pg_index_columns x JOIN __pg_type ty ON ty.oid = x.typid \
         UNION ALL \
         SELECT 83886080 + v.rowid, c.name, c.type_oid, -1, ty.typlen, c.position, 0, -1, \
           c.typmod, ty.typbyval, ty.typalign, ty.typstorage, '', 0, 0, 0, '', '', 0, 1, 0, \
           ty.typcollation, ",
            user_acl!("column", "pg_key(v.schema, v.name)", "c.name"),
            ", NULL, NULL, NULL \
         FROM __devdb_views v \
         JOIN __devdb_view_columns c ON c.schema = v.schema AND c.view_name = v.name \
         JOIN __pg_type ty ON ty.oid = c.type_oid"
        ),
    ),
    Relation {
        schema: "pg_catalog",
        name: "pg_attrdef",
        columns: cols!(oid: Oid, adrelid: Oid, adnum: Int2, adbin: PgNodeTree),
        // An identity column's sequence is no default in PostgreSQL's catalog, nor a domain's
        // DEFAULT its column's. adbin names an enum outside `public` with its schema;
        // __enum_namespace and __short (the default naming it without) let pg_get_expr leave
        // the schema out where the search path finds the enum. A generated column's expression
        // is its default; __pretty is what pg_get_expr prints of it with pretty true.
        // __qualified names what is in `public` with its schema too, for a search path without
        // `public` (pg_dump's, which is empty).
        hidden: &["__enum_namespace", "__short", "__pretty", "__qualified"],
        body: "SELECT 67108864 + c.rowid, 16384 + t.rowid, c.position, \
           pg_default_display(c.default_expr, c.type_oid, c.typmod, \
             (SELECT iif(e.schema = 'public', '', pg_quote_ident(e.schema) || '.') \
               || pg_quote_ident(e.name) FROM __devdb_types e WHERE e.oid = c.type_oid)), \
           (SELECT n.oid FROM __devdb_types e JOIN __pg_namespace n ON n.nspname = e.schema \
             WHERE e.oid = c.type_oid AND e.schema <> 'public'), \
           (SELECT pg_default_display(c.default_expr, c.type_oid, c.typmod, \
               pg_quote_ident(e.name)) \
             FROM __devdb_types e WHERE e.oid = c.type_oid AND e.schema <> 'public'), \
           NULL, \
           pg_default_display(c.default_expr, c.type_oid, c.typmod, \
             (SELECT pg_quote_ident(e.schema) || '.' || pg_quote_ident(e.name) \
               FROM __devdb_types e WHERE e.oid = c.type_oid), 1) \
         FROM __devdb_tables t \
         JOIN __devdb_columns c ON c.schema = t.schema AND c.table_name = t.name \
         WHERE c.default_expr IS NOT NULL AND NOT EXISTS (SELECT 1 \
           FROM __devdb_identity_columns i WHERE i.schema = c.schema \
             AND i.table_name = c.table_name AND i.name = c.name) \
         AND NOT EXISTS (SELECT 1 FROM __devdb_domain_columns dc WHERE dc.schema = c.schema \
           AND dc.table_name = c.table_name AND dc.name = c.name AND NOT dc.own_default) \
         UNION ALL \
         SELECT 67108864 + c.rowid, 16384 + t.rowid, c.position, \
           pg_generated_display(g.expr, x.types, c.type_oid, c.typmod, 0), NULL, NULL, \
           pg_generated_display(g.expr, x.types, c.type_oid, c.typmod, 1), NULL \
         FROM __devdb_generated_columns g \
         JOIN __devdb_tables t ON t.schema = g.schema AND t.name = g.table_name \
         JOIN __devdb_columns c ON c.schema = g.schema AND c.table_name = g.table_name \
           AND c.name = g.name \
         JOIN (SELECT schema, table_name, json_group_object(name, type_oid) AS types \
           FROM __devdb_columns GROUP BY schema, table_name) x \
           ON x.schema = g.schema AND x.table_name = g.table_name",
    },
    Relation {
        schema: "pg_catalog",
        name: "pg_index",
        columns: cols!(
            indexrelid: Oid, indrelid: Oid, indnatts: Int2, indnkeyatts: Int2, indisunique: Bool,
            indnullsnotdistinct: Bool, indisprimary: Bool, indisexclusion: Bool,
            indimmediate: Bool, indisclustered: Bool, indisvalid: Bool, indcheckxmin: Bool,
            indisready: Bool, indislive: Bool, indisreplident: Bool, indkey: Int2vector,
            indcollation: Oidvector, indclass: Oidvector, indoption: Int2vector,
            indexprs: PgNodeTree, indpred: PgNodeTree,
        ),
        // __def: what pg_get_indexdef prints; __pretty_head, __relname, __nspname,
        // __relnamespace and __pretty_tail: its pretty form, which names the table without its
        // schema where the search path finds it.
        hidden: &[
            "__def",
            "__pretty_head",
            "__relname",
            "__nspname",
            "__relnamespace",
            "__pretty_tail",
        ],
        body: "SELECT 16777216 + i.rowid, t.oid, \
           (SELECT count(*) FROM __pg_index_columns x WHERE x.indexrelid = 16777216 + i.rowid), \
           (SELECT count(*) FROM __pg_index_columns x WHERE x.indexrelid = 16777216 + i.rowid \
             AND NOT x.include), \
           i.is_unique, 0, i.is_primary, 0, \
           NOT EXISTS (SELECT 1 FROM __devdb_constraints k WHERE k.schema = i.schema \
             AND k.name = i.name AND k.is_deferrable), 0, 1, 0, 1, 1, 0, \
           (SELECT group_concat(coalesce(x.attnum, 0), ' ' ORDER BY x.seqno) \
             FROM __pg_index_columns x WHERE x.indexrelid = 16777216 + i.rowid), \
           (SELECT group_concat(coalesce(x.collation, 0), ' ' ORDER BY x.seqno) \
             FROM __pg_index_columns x WHERE x.indexrelid = 16777216 + i.rowid \
             AND NOT x.include), \
           (SELECT group_concat(coalesce(x.opclass, 0), ' ' ORDER BY x.seqno) \
             FROM __pg_index_columns x WHERE x.indexrelid = 16777216 + i.rowid \
             AND NOT x.include), \
           (SELECT group_concat(x.option, ' ' ORDER BY x.seqno) \
             FROM __pg_index_columns x WHERE x.indexrelid = 16777216 + i.rowid \
             AND NOT x.include), \
           CASE WHEN k.columns IS NULL THEN CASE WHEN k.expressions THEN k.keys END \
             ELSE (SELECT group_concat(x.expr, ', ' ORDER BY x.seqno) FROM __pg_index_columns x \
               WHERE x.indexrelid = 16777216 + i.rowid AND x.expr IS NOT NULL) END, \
           k.predicate, \
           'CREATE ' || CASE WHEN i.is_unique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' \
             || pg_quote_ident(i.name) || ' ON ' || pg_quote_ident(i.schema) || '.' \
             || pg_quote_ident(i.table_name) || ' USING ' || coalesce(k.method, 'btree') || ' (' \
             || coalesce(k.keys, (SELECT group_concat(pg_quote_ident(x.name), ', ' ORDER BY x.seqno) \
                 FROM __pg_index_columns x WHERE x.indexrelid = 16777216 + i.rowid)) || ')' \
             || coalesce(' INCLUDE (' || k.include || ')', '') \
             || coalesce(' WITH (' || k.options || ')', '') \
             || coalesce(' WHERE ' || k.predicate, ''), \
           'CREATE ' || CASE WHEN i.is_unique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' \
             || pg_quote_ident(i.name) || ' ON ', \
           pg_quote_ident(i.table_name), pg_quote_ident(i.schema), \
           (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = i.schema), \
           ' USING ' || coalesce(k.method, 'btree') || ' (' \
             || coalesce(k.pretty_keys, k.keys, (SELECT group_concat(pg_quote_ident(x.name), ', ' \
                 ORDER BY x.seqno) \
                 FROM __pg_index_columns x WHERE x.indexrelid = 16777216 + i.rowid)) || ')' \
             || coalesce(' INCLUDE (' || k.include || ')', '') \
             || coalesce(' WITH (' || k.options || ')', '') \
             || coalesce(' WHERE ' || coalesce(k.pretty_predicate, k.predicate), '') \
         FROM __devdb_indexes i \
         JOIN __pg_relations t ON t.schema = i.schema AND t.name = i.table_name \
         LEFT JOIN __devdb_index_keys k ON k.schema = i.schema AND k.name = i.name",
    },
    Relation {
        schema: "pg_catalog",
        name: "pg_constraint",
        columns: cols!(
            oid: Oid, conname: Name, connamespace: Oid, contype: Char, condeferrable: Bool,
            condeferred: Bool, convalidated: Bool, conrelid: Oid, contypid: Oid, conindid: Oid,
            conparentid: Oid, confrelid: Oid, confupdtype: Char, confdeltype: Char,
            confmatchtype: Char, conislocal: Bool, coninhcount: Int4, connoinherit: Bool,
            conkey: Int2Array, confkey: Int2Array, conbin: PgNodeTree,
        ),
        // __def: what pg_get_constraintdef prints, __pretty: its pretty form where that
        // differs (a check's, with fewer parentheses); __columns, __ref_columns: the JSON
        // lists.
        // __ref_namespace: a foreign key's referenced schema, whose name __qualified_def
        // adds to the referenced table where the search path does not find it. The CHECKs
        // of information_schema's domains are PostgreSQL 15's rows.
        hidden: &[
            "__def",
            "__columns",
            "__ref_columns",
            "__pretty",
            "__ref_namespace",
            "__qualified_def",
        ],
        body: "SELECT 50331648 + k.rowid, k.name, \
           (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = k.schema), k.kind, \
           k.is_deferrable, k.is_deferred, k.validated, \
           (SELECT 16384 + t.rowid FROM __devdb_tables t \
             WHERE t.schema = k.schema AND t.name = k.table_name), 0, \
           CASE k.kind \
             WHEN 'f' THEN coalesce((SELECT 16777216 + i.rowid FROM __devdb_constraints u \
               JOIN __devdb_indexes i ON i.schema = u.schema AND i.name = u.name \
               WHERE u.schema = pg_key_schema(k.ref_table) \
               AND u.table_name = pg_key_name(k.ref_table) AND u.kind IN ('p', 'u') \
               AND u.columns = k.ref_columns), 0) \
             WHEN 'c' THEN 0 \
             ELSE coalesce((SELECT 16777216 + i.rowid FROM __devdb_indexes i \
               WHERE i.schema = k.schema AND i.name = k.name), 0) END, \
           0, \
           coalesce((SELECT 16384 + t.rowid FROM __devdb_tables t \
             WHERE t.schema = pg_key_schema(k.ref_table) \
             AND t.name = pg_key_name(k.ref_table)), 0), \
           CASE WHEN k.kind <> 'f' THEN ' ' ELSE pg_fk_action(k.on_update) END, \
           CASE WHEN k.kind <> 'f' THEN ' ' ELSE pg_fk_action(k.on_delete) END, \
           CASE WHEN k.kind <> 'f' THEN ' ' WHEN k.match_full THEN 'f' ELSE 's' END, \
           1, 0, 0, \
           (SELECT pg_array_pack(pg_array_agg(x.n), 21) FROM (SELECT c.position AS n \
             FROM json_each(k.columns) j JOIN __devdb_columns c ON c.schema = k.schema \
               AND c.table_name = k.table_name AND c.name = j.value ORDER BY j.key) x), \
           CASE WHEN k.kind = 'f' THEN (SELECT pg_array_pack(pg_array_agg(x.n), 21) \
             FROM (SELECT c.position AS n FROM json_each(k.ref_columns) j \
               JOIN __devdb_columns c ON c.schema = pg_key_schema(k.ref_table) \
               AND c.table_name = pg_key_name(k.ref_table) \
               AND c.name = j.value ORDER BY j.key) x) END, \
           CASE WHEN k.kind <> 'x' THEN k.check_expr END, \
           CASE k.kind \
             WHEN 'p' THEN 'PRIMARY KEY (' || pg_name_list(k.columns) || ')' || k.__deferral \
             WHEN 'x' THEN k.check_expr \
             WHEN 'u' THEN 'UNIQUE (' || pg_name_list(k.columns) || ')' || k.__deferral \
             WHEN 'c' THEN 'CHECK (' || pg_check_display(k.check_expr, \
               (SELECT json_group_object(c.name, c.type_oid) FROM __devdb_columns c \
                 WHERE c.schema = k.schema AND c.table_name = k.table_name), 0, 0) || ')' \
             ELSE 'FOREIGN KEY (' || pg_name_list(k.columns) || ') REFERENCES ' \
               || pg_quote_ident(pg_key_name(k.ref_table)) || k.__fk_tail END \
             || CASE WHEN k.validated THEN '' ELSE ' NOT VALID' END, \
           k.columns, k.ref_columns, \
           CASE WHEN k.kind = 'c' THEN 'CHECK (' || pg_check_display(k.check_expr, \
             (SELECT json_group_object(c.name, c.type_oid) FROM __devdb_columns c \
               WHERE c.schema = k.schema AND c.table_name = k.table_name), 1, 0) || ')' \
             || CASE WHEN k.validated THEN '' ELSE ' NOT VALID' END END, \
           CASE WHEN k.kind = 'f' THEN (SELECT n.oid FROM __pg_namespace n \
             WHERE n.nspname = pg_key_schema(k.ref_table)) END, \
           CASE WHEN k.kind = 'f' THEN 'FOREIGN KEY (' || pg_name_list(k.columns) \
             || ') REFERENCES ' || pg_quote_ident(pg_key_schema(k.ref_table)) || '.' \
             || pg_quote_ident(pg_key_name(k.ref_table)) || k.__fk_tail \
             || CASE WHEN k.validated THEN '' ELSE ' NOT VALID' END END \
         FROM (SELECT *, '(' || pg_name_list(ref_columns) || ')' \
             || CASE WHEN match_full THEN ' MATCH FULL' ELSE '' END \
             || coalesce(' ON UPDATE ' || on_update, '') \
             || coalesce(' ON DELETE ' || on_delete, '') \
             || CASE WHEN is_deferrable THEN ' DEFERRABLE' ELSE '' END \
             || CASE WHEN is_deferred THEN ' INITIALLY DEFERRED' ELSE '' END AS __fk_tail, \
           CASE WHEN is_deferrable THEN ' DEFERRABLE' ELSE '' END \
             || CASE WHEN is_deferred THEN ' INITIALLY DEFERRED' ELSE '' END AS __deferral, \
             rowid AS rowid \
           FROM __devdb_constraints) k \
         UNION ALL \
         SELECT d.oid, d.check_name, \
           (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = d.schema), 'c', 0, 0, 1, 0, \
           d.oid, 0, 0, 0, ' ', ' ', ' ', 1, 0, 0, NULL, NULL, d.check_expr, \
           'CHECK (' || pg_check_display(d.check_expr, json_object('value', d.base_oid), 0, 1) \
             || ')', \
           NULL, NULL, \
           'CHECK (' || pg_check_display(d.check_expr, json_object('value', d.base_oid), 1, 1) \
             || ')', NULL, NULL \
         FROM __devdb_domains d WHERE d.check_name IS NOT NULL \
         UNION ALL \
         SELECT 13222, 'cardinal_number_domain_check', 13207, 'c', 0, 0, 1, 0, 13221, 0, 0, 0, \
           ' ', ' ', ' ', 1, 0, 0, NULL, NULL, 'VALUE >= 0', 'CHECK ((VALUE >= 0))', NULL, NULL, \
           'CHECK (VALUE >= 0)', NULL, NULL \
         UNION ALL \
         SELECT 13235, 'yes_or_no_check', 13207, 'c', 0, 0, 1, 0, 13234, 0, 0, 0, \
           ' ', ' ', ' ', 1, 0, 0, NULL, NULL, \
           '(VALUE)::text = ANY ((ARRAY[''YES''::character varying, ''NO''::character varying])::text[])', \
           'CHECK (((VALUE)::text = ANY ((ARRAY[''YES''::character varying, \
''NO''::character varying])::text[])))', NULL, NULL, \
           'CHECK (VALUE::text = ANY (ARRAY[''YES''::character varying, \
''NO''::character varying]::text[]))', NULL, NULL",
    },
    rel(
        "pg_sequence",
        cols!(
            seqrelid: Oid, seqtypid: Oid, seqstart: Int8, seqincrement: Int8, seqmax: Int8,
            seqmin: Int8, seqcache: Int8, seqcycle: Bool,
        ),
        // A sequence has the type CREATE or ALTER SEQUENCE ... AS gave it, else a serial's its
        // column's, whose range bounds the sequence.
        "SELECT q.oid, q.typid, q.start_value, q.increment_by, \
           CASE WHEN q.max_value = 9223372036854775807 \
             THEN CASE q.typid WHEN 21 THEN 32767 WHEN 23 THEN 2147483647 ELSE q.max_value END \
             ELSE q.max_value END, \
           q.min_value, 1, q.cycle \
         FROM (SELECT 33554432 + s.rowid AS oid, \
           coalesce(s.type_oid, (SELECT c.type_oid FROM __devdb_sequence_owners o \
             JOIN __devdb_columns c ON c.schema = o.schema AND c.table_name = o.table_name \
               AND c.name = o.column_name WHERE o.name = s.name), 20) AS typid, \
           s.start_value, s.increment_by, s.max_value, s.min_value, s.cycle \
         FROM __devdb_sequences s) q",
    ),
    // COMMENT ON's descriptions, and PostgreSQL's of the built-in objects no COMMENT ON replaced.
    rel(
        "pg_description",
        PG_DESCRIPTION,
        "SELECT * FROM __pg_user_descriptions \
         UNION ALL \
         SELECT * FROM devdb_sys.pg_description b WHERE NOT EXISTS (SELECT 1 \
           FROM __pg_user_descriptions u WHERE u.objoid = b.objoid \
             AND u.classoid = b.classoid AND u.objsubid = b.objsubid) \
         UNION ALL \
         SELECT * FROM (SELECT 100663299 AS objoid, 3079 AS classoid, 0, \
             'data type for case-insensitive character strings' \
           FROM __devdb_extensions WHERE name = 'citext' \
           UNION ALL \
           SELECT 100663300, 3079, 0, 'support for indexing common datatypes in GiST' \
           FROM __devdb_extensions WHERE name = 'btree_gist' \
           UNION ALL \
           SELECT 100663301, 3079, 0, 'cryptographic functions' \
           FROM __devdb_extensions WHERE name = 'pgcrypto' \
           UNION ALL \
           SELECT 100663302, 3079, 0, 'generate universally unique identifiers (UUIDs)' \
           FROM __devdb_extensions WHERE name = 'uuid-ossp') e \
         WHERE NOT EXISTS (SELECT 1 FROM __pg_user_descriptions u \
           WHERE u.objoid = e.objoid AND u.classoid = e.classoid)",
    ),
    empty(
        "pg_inherits",
        cols!(inhrelid: Oid, inhparent: Oid, inhseqno: Int4, inhdetachpending: Bool),
    ),
    // What depends on what, as far as clients read it (pg_dump orders and groups objects by
    // it): a sequence owned by its column ('a' for serial and OWNED BY, 'i' for identity); a
    // column default on its column ('a'), the sequence it draws from and the enum it names
    // ('n'); a view's _RETURN rule on the view ('i') and on the relations it reads ('n', whole
    // relations where PostgreSQL lists the columns); the citext type on its extension ('e').
    rel(
        "pg_depend",
        cols!(
            classid: Oid, objid: Oid, objsubid: Int4, refclassid: Oid, refobjid: Oid,
            refobjsubid: Int4, deptype: Char,
        ),
        "SELECT 1259, 33554432 + s.rowid, 0, 1259, 16384 + t.rowid, c.position, \
           CASE WHEN EXISTS (SELECT 1 FROM __devdb_identity_columns i \
             WHERE i.schema = o.schema AND i.table_name = o.table_name \
               AND i.name = o.column_name) THEN 'i' ELSE 'a' END \
         FROM __devdb_sequence_owners o \
         JOIN __devdb_sequences s ON s.name = o.name \
         JOIN __devdb_tables t ON t.schema = o.schema AND t.name = o.table_name \
         JOIN __devdb_columns c ON c.schema = o.schema AND c.table_name = o.table_name \
           AND c.name = o.column_name \
         UNION ALL \
         SELECT 2604, d.oid, 0, 1259, d.adrelid, d.adnum, 'a' FROM __pg_attrdef d \
         UNION ALL \
         SELECT 2604, 67108864 + c.rowid, 0, 1259, 33554432 + s.rowid, 0, 'n' \
         FROM __devdb_columns c \
         JOIN __devdb_sequences s ON s.name = pg_default_sequence(c.default_expr) \
         WHERE c.default_expr IS NOT NULL \
         UNION ALL \
         SELECT 2604, 67108864 + c.rowid, 0, 1247, c.type_oid, 0, 'n' \
         FROM __devdb_columns c JOIN __devdb_types e ON e.oid = c.type_oid \
         WHERE c.default_expr IS NOT NULL \
         UNION ALL \
         SELECT 2618, 117440512 + v.rowid, 0, 1259, 83886080 + v.rowid, 0, 'i' \
         FROM __devdb_views v \
         UNION ALL \
         SELECT 2618, 117440512 + v.rowid, 0, 1259, coalesce( \
             (SELECT 16384 + t.rowid FROM __devdb_tables t \
               WHERE t.schema = pg_key_schema(r.value) AND t.name = pg_key_name(r.value)), \
             (SELECT 83886080 + w.rowid FROM __devdb_views w \
               WHERE w.schema = pg_key_schema(r.value) AND w.name = pg_key_name(r.value))), \
           0, 'n' \
         FROM __devdb_views v, json_each(v.depends_on) r \
         UNION ALL \
         SELECT 1247, 100663297, 0, 3079, 100663299, 0, 'e' FROM __devdb_extensions \
         WHERE name = 'citext'",
    ),
    // The built-in role memberships: pg_monitor is a member of three predefined roles.
    rel(
        "pg_auth_members",
        cols!(roleid: Oid, member: Oid, grantor: Oid, admin_option: Bool),
        "SELECT 3374, 3373, 10, 0 UNION ALL SELECT 3375, 3373, 10, 0 \
         UNION ALL SELECT 3377, 3373, 10, 0",
    ),
    // Catalogs of objects devdb has none of (row security policies, rules,
    // extended statistics, publications, event triggers, foreign data): empty, with
    // PostgreSQL's columns.
    empty(
        "pg_policy",
        cols!(
            oid: Oid, polname: Name, polrelid: Oid, polcmd: Char, polpermissive: Bool,
            polroles: OidArray, polqual: PgNodeTree, polwithcheck: PgNodeTree,
        ),
    ),
    empty(
        "pg_policies",
        cols!(
            schemaname: Name, tablename: Name, policyname: Name, permissive: Text,
            roles: NameArray, cmd: Text, qual: Text, with_check: Text,
        ),
    ),
    // BEFORE ROW triggers (tgtype: ROW 1 | BEFORE 2, INSERT 4, UPDATE 16); the foreign keys'
    // internal triggers PostgreSQL lists are absent.
    Relation {
        schema: "pg_catalog",
        name: "pg_trigger",
        columns: cols!(
            oid: Oid, tgrelid: Oid, tgparentid: Oid, tgname: Name, tgfoid: Oid, tgtype: Int2,
            tgenabled: Char, tgisinternal: Bool, tgconstrrelid: Oid, tgconstrindid: Oid,
            tgconstraint: Oid, tgdeferrable: Bool, tginitdeferred: Bool, tgnargs: Int2,
            tgattr: Int2vector, tgargs: Bytea, tgqual: PgNodeTree, tgoldtable: Name,
            tgnewtable: Name,
        ),
        // __def and __pretty: what pg_get_triggerdef prints (pretty leaves out `public.`);
        // __qualified_def names a function in `public` with its schema too, for a search path
        // without `public`.
        hidden: &["__def", "__pretty", "__qualified_def"],
        body: "SELECT g.oid, \
           (SELECT 16384 + t.rowid FROM __devdb_tables t \
             WHERE t.schema = g.schema AND t.name = g.table_name), \
           0, g.name, \
           (SELECT f.oid FROM __devdb_functions f WHERE pg_key(f.schema, f.name) = g.function), \
           3 + 4 * g.on_insert + 16 * g.on_update, iif(g.enabled, 'O', 'D'), 0, 0, 0, 0, 0, 0, 0, '', X'', NULL, \
           NULL, NULL, \
           'CREATE TRIGGER ' || pg_quote_ident(g.name) || ' BEFORE ' || __events || ' ON ' \
             || pg_quote_ident(g.schema) || '.' || pg_quote_ident(g.table_name) \
             || ' FOR EACH ROW EXECUTE FUNCTION ' || __function || '()', \
           'CREATE TRIGGER ' || pg_quote_ident(g.name) || ' BEFORE ' || __events || ' ON ' \
             || iif(g.schema = 'public', '', pg_quote_ident(g.schema) || '.') \
             || pg_quote_ident(g.table_name) \
             || ' FOR EACH ROW EXECUTE FUNCTION ' || __function || '()', \
           'CREATE TRIGGER ' || pg_quote_ident(g.name) || ' BEFORE ' || __events || ' ON ' \
             || pg_quote_ident(g.schema) || '.' || pg_quote_ident(g.table_name) \
             || ' FOR EACH ROW EXECUTE FUNCTION ' || pg_quote_ident(pg_key_schema(g.function)) \
             || '.' || pg_quote_ident(pg_key_name(g.function)) || '()' \
         FROM (SELECT *, \
             iif(on_insert, 'INSERT', '') || iif(on_insert AND on_update, ' OR ', '') \
               || iif(on_update, 'UPDATE', '') AS __events, \
             iif(pg_key_schema(function) = 'public', '', \
                 pg_quote_ident(pg_key_schema(function)) || '.') \
               || pg_quote_ident(pg_key_name(function)) AS __function \
           FROM __devdb_triggers) g",
    },
    // A view's query is its _RETURN rule, through which pg_depend ties it to what it reads
    // (pg_dump orders a view after its relations by it). No CREATE RULE: no other rules.
    // ev_action, the rule's query tree, is NULL.
    rel(
        "pg_rewrite",
        cols!(
            oid: Oid, rulename: Name, ev_class: Oid, ev_type: Char, ev_enabled: Char,
            is_instead: Bool, ev_qual: PgNodeTree, ev_action: PgNodeTree,
        ),
        "SELECT 117440512 + v.rowid, '_RETURN', 83886080 + v.rowid, '1', 'O', 1, '<>', NULL \
         FROM __devdb_views v",
    ),
    empty(
        "pg_statistic_ext",
        cols!(
            oid: Oid, stxrelid: Oid, stxname: Name, stxnamespace: Oid, stxowner: Oid,
            stxstattarget: Int4, stxkeys: Int2vector, stxkind: CharArray, stxexprs: PgNodeTree,
        ),
    ),
    empty(
        "pg_publication",
        cols!(
            oid: Oid, pubname: Name, pubowner: Oid, puballtables: Bool, pubinsert: Bool,
            pubupdate: Bool, pubdelete: Bool, pubtruncate: Bool, pubviaroot: Bool,
        ),
    ),
    empty(
        "pg_publication_rel",
        cols!(oid: Oid, prpubid: Oid, prrelid: Oid, prqual: PgNodeTree, prattrs: Int2vector),
    ),
    empty(
        "pg_publication_namespace",
        cols!(oid: Oid, pnpubid: Oid, pnnspid: Oid),
    ),
    empty(
        "pg_event_trigger",
        cols!(
            oid: Oid, evtname: Name, evtevent: Name, evtowner: Oid, evtfoid: Oid,
            evtenabled: Char, evttags: TextArray,
        ),
    ),
    empty(
        "pg_foreign_data_wrapper",
        cols!(
            oid: Oid, fdwname: Name, fdwowner: Oid, fdwhandler: Oid, fdwvalidator: Oid,
            fdwacl: AclitemArray, fdwoptions: TextArray,
        ),
    ),
    empty(
        "pg_foreign_server",
        cols!(
            oid: Oid, srvname: Name, srvowner: Oid, srvfdw: Oid, srvtype: Text, srvversion: Text,
            srvacl: AclitemArray, srvoptions: TextArray,
        ),
    ),
    empty(
        "pg_foreign_table",
        cols!(ftrelid: Oid, ftserver: Oid, ftoptions: TextArray),
    ),
    empty(
        "pg_user_mapping",
        cols!(oid: Oid, umuser: Oid, umserver: Oid, umoptions: TextArray),
    ),
    empty(
        "pg_user_mappings",
        cols!(
            umid: Oid, srvid: Oid, srvname: Name, umuser: Oid, usename: Name,
            umoptions: TextArray,
        ),
    ),
    empty(
        "pg_subscription",
        cols!(
            oid: Oid, subdbid: Oid, subname: Name, subowner: Oid, subenabled: Bool,
            subbinary: Bool, substream: Bool, subtwophasestate: Char, subdisableonerr: Bool,
            subconninfo: Text, subslotname: Name, subsynccommit: Text, subpublications: TextArray,
        ),
    ),
    // The built-in objects' privileges as initdb left them (pg_dump dumps an ACL that differs):
    // no GRANT changes any.
    rel(
        "pg_init_privs",
        super::builtin::PG_INIT_PRIVS,
        concat!(
            "SELECT objoid, classoid, objsubid, privtype, ",
            bootstrap_acl!("initprivs"),
            " FROM devdb_sys.pg_init_privs"
        ),
    ),
    empty(
        "pg_transform",
        cols!(oid: Oid, trftype: Oid, trflang: Oid, trffromsql: Regproc, trftosql: Regproc),
    ),
    // No partitioned tables.
    empty(
        "pg_partitioned_table",
        cols!(
            partrelid: Oid, partstrat: Char, partnatts: Int2, partdefid: Oid,
            partattrs: Int2vector, partclass: Oidvector, partcollation: Oidvector,
            partexprs: PgNodeTree,
        ),
    ),
    // No security label providers.
    empty(
        "pg_seclabel",
        cols!(objoid: Oid, classoid: Oid, objsubid: Int4, provider: Text, label: Text),
    ),
    empty(
        "pg_shseclabel",
        cols!(objoid: Oid, classoid: Oid, provider: Text, label: Text),
    ),
    empty(
        "pg_seclabels",
        cols!(
            objoid: Oid, classoid: Oid, objsubid: Int4, objtype: Text, objnamespace: Oid,
            objname: Text, provider: Text, label: Text,
        ),
    ),
    empty(
        "pg_largeobject_metadata",
        cols!(oid: Oid, lomowner: Oid, lomacl: AclitemArray),
    ),
    // No ALTER ROLE/DATABASE ... SET: no per-role or per-database settings.
    empty(
        "pg_db_role_setting",
        cols!(setdatabase: Oid, setrole: Oid, setconfig: TextArray),
    ),
    // No ALTER DEFAULT PRIVILEGES: no rows, as in a fresh cluster.
    empty(
        "pg_default_acl",
        cols!(
            oid: Oid, defaclrole: Oid, defaclnamespace: Oid, defaclobjtype: Char,
            defaclacl: AclitemArray,
        ),
    ),
    rel(
        "pg_enum",
        cols!(oid: Oid, enumtypid: Oid, enumsortorder: Float4, enumlabel: Name),
        // NOT INDEXED: a lookup by type reads labels in OID order, as a scan of PostgreSQL's heap
        // does (Sequelize takes array_agg(enumlabel) unordered as the declared order).
        "SELECT oid, type_oid, sort_order, label FROM __devdb_enum_labels NOT INDEXED",
    ),
    rel(
        "pg_database",
        cols!(
            oid: Oid, datname: Name, datdba: Oid, encoding: Int4, datlocprovider: Char,
            datistemplate: Bool, datallowconn: Bool, datconnlimit: Int4, datfrozenxid: Xid,
            datminmxid: Xid, dattablespace: Oid, datcollate: Text, datctype: Text,
            daticulocale: Text, datcollversion: Text, datacl: AclitemArray,
        ),
        // initdb grants template1 CONNECT to PUBLIC and everything to its owner. Nothing is
        // vacuumed or frozen: datfrozenxid and datminmxid are 0.
        "SELECT j.value ->> '$.oid', j.value ->> '$.name', 10, 6, 'c', \
           j.value ->> '$.is_template', j.value ->> '$.allow_connections', -1, 0, 0, 1663, \
           'C.UTF-8', 'C.UTF-8', NULL, NULL, \
           CASE WHEN j.value ->> '$.name' = 'template1' THEN pg_array_make(1033, \
             '=c/' || pg_quote_ident(devdb_current_user()), \
             pg_quote_ident(devdb_current_user()) || '=CTc/' \
               || pg_quote_ident(devdb_current_user())) END \
         FROM json_each(devdb_databases()) j",
    ),
    rel(
        "pg_authid",
        cols!(
            oid: Oid, rolname: Name, rolsuper: Bool, rolinherit: Bool, rolcreaterole: Bool,
            rolcreatedb: Bool, rolcanlogin: Bool, rolreplication: Bool, rolbypassrls: Bool,
            rolconnlimit: Int4, rolpassword: Text, rolvaliduntil: Timestamptz,
        ),
        "SELECT 10, devdb_current_user(), 1, 1, 1, 1, 1, 1, 1, -1, NULL, NULL \
         UNION ALL \
         SELECT oid, rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, \
           rolreplication, rolbypassrls, rolconnlimit, NULL, NULL \
         FROM devdb_sys.predefined_roles",
    ),
    rel(
        "pg_roles",
        cols!(
            rolname: Name, rolsuper: Bool, rolinherit: Bool, rolcreaterole: Bool,
            rolcreatedb: Bool, rolcanlogin: Bool, rolreplication: Bool, rolconnlimit: Int4,
            rolpassword: Text, rolvaliduntil: Timestamptz, rolbypassrls: Bool, oid: Oid,
        ),
        "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, \
           rolreplication, rolconnlimit, '********', rolvaliduntil, rolbypassrls, oid \
         FROM __pg_authid",
    ),
    rel(
        "pg_user",
        cols!(
            usename: Name, usesysid: Oid, usecreatedb: Bool, usesuper: Bool, userepl: Bool,
            usebypassrls: Bool, passwd: Text, valuntil: Timestamptz,
        ),
        "SELECT rolname, oid, rolcreatedb, rolsuper, rolreplication, rolbypassrls, '********', \
           rolvaliduntil \
         FROM __pg_authid WHERE rolcanlogin",
    ),
    rel(
        "pg_tables",
        cols!(
            schemaname: Name, tablename: Name, tableowner: Name, tablespace: Name,
            hasindexes: Bool, hasrules: Bool, hastriggers: Bool, rowsecurity: Bool,
        ),
        "SELECT n.nspname, c.relname, devdb_current_user(), NULL, c.relhasindex, \
           c.relhasrules, c.relhastriggers, c.relrowsecurity \
         FROM __pg_class c JOIN __pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p')",
    ),
    rel(
        "pg_sequences",
        cols!(
            schemaname: Name, sequencename: Name, sequenceowner: Name, data_type: Regtype,
            start_value: Int8, min_value: Int8, max_value: Int8, increment_by: Int8,
            cycle: Bool, cache_size: Int8, last_value: Int8,
        ),
        "SELECT n.nspname, c.relname, devdb_current_user(), s.seqtypid, s.seqstart, s.seqmin, \
           s.seqmax, s.seqincrement, s.seqcycle, s.seqcache, \
           (SELECT CASE WHEN coalesce(devdb_sequence_is_called(q.name), q.is_called) \
             THEN coalesce(devdb_sequence_last_value(q.name), q.last_value) END \
             FROM __devdb_sequences q \
             WHERE 33554432 + q.rowid = s.seqrelid) \
         FROM __pg_sequence s JOIN __pg_class c ON c.oid = s.seqrelid \
         JOIN __pg_namespace n ON n.oid = c.relnamespace",
    ),
    rel(
        "pg_indexes",
        cols!(
            schemaname: Name, tablename: Name, indexname: Name, tablespace: Name, indexdef: Text,
        ),
        "SELECT n.nspname, t.relname, i.relname, NULL, x.__def \
         FROM __pg_index x JOIN __pg_class i ON i.oid = x.indexrelid \
         JOIN __pg_class t ON t.oid = x.indrelid \
         JOIN __pg_namespace n ON n.oid = t.relnamespace",
    ),
    // Index usage is not counted: every counter is 0.
    rel(
        "pg_stat_user_indexes",
        cols!(
            relid: Oid, indexrelid: Oid, schemaname: Name, relname: Name, indexrelname: Name,
            idx_scan: Int8, idx_tup_read: Int8, idx_tup_fetch: Int8,
        ),
        "SELECT x.indrelid, x.indexrelid, n.nspname, t.relname, i.relname, 0, 0, 0 \
         FROM __pg_index x JOIN __pg_class i ON i.oid = x.indexrelid \
         JOIN __pg_class t ON t.oid = x.indrelid \
         JOIN __pg_namespace n ON n.oid = t.relnamespace",
    ),
    // Block I/O is not counted either: every counter is 0. Sequelize's describeTable joins
    // pg_statio_all_tables to pg_description for column comments.
    rel(
        "pg_statio_all_tables",
        PG_STATIO_TABLES,
        "SELECT c.oid, n.nspname, c.relname, 0, 0, 0, 0, 0, 0, 0, 0 \
         FROM __pg_class c JOIN __pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 't', 'm')",
    ),
    // Table activity is not counted: every counter is 0 (the index ones NULL for a table
    // without indexes, as in PostgreSQL), and nothing was vacuumed or analyzed.
    rel(
        "pg_stat_all_tables",
        PG_STAT_TABLES,
        "SELECT c.oid, n.nspname, c.relname, 0, 0, \
           CASE WHEN c.relhasindex THEN 0 END, CASE WHEN c.relhasindex THEN 0 END, \
           0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0 \
         FROM __pg_class c JOIN __pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 't', 'm')",
    ),
    rel(
        "pg_stat_user_tables",
        PG_STAT_TABLES,
        "SELECT * FROM __pg_stat_all_tables \
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    ),
    rel(
        "pg_statio_user_tables",
        PG_STATIO_TABLES,
        "SELECT * FROM __pg_statio_all_tables \
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    ),
    rel(
        "pg_views",
        cols!(schemaname: Name, viewname: Name, viewowner: Name, definition: Text),
        "SELECT n.nspname, c.relname, devdb_current_user(), \
           (SELECT d.plain FROM __pg_viewdefs d WHERE d.oid = c.oid) \
         FROM __pg_class c JOIN __pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'v'",
    ),
    rel(
        "pg_matviews",
        cols!(
            schemaname: Name, matviewname: Name, matviewowner: Name, tablespace: Name,
            hasindexes: Bool, ispopulated: Bool, definition: Text,
        ),
        "SELECT n.nspname, c.relname, devdb_current_user(), NULL, c.relhasindex, \
           c.relispopulated, (SELECT d.plain FROM __pg_viewdefs d WHERE d.oid = c.oid) \
         FROM __pg_class c JOIN __pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'm'",
    ),
    rel(
        "pg_settings",
        cols!(
            name: Text, setting: Text, unit: Text, category: Text, short_desc: Text,
            extra_desc: Text, context: Text, vartype: Text, source: Text, min_val: Text,
            max_val: Text, enumvals: TextArray, boot_val: Text, reset_val: Text, sourcefile: Text,
            sourceline: Int4, pending_restart: Bool,
        ),
        "SELECT j.value ->> '$.name', j.value ->> '$.setting', j.value ->> '$.unit', \
           j.value ->> '$.category', j.value ->> '$.short_desc', j.value ->> '$.extra_desc', \
           j.value ->> '$.context', j.value ->> '$.vartype', j.value ->> '$.source', \
           j.value ->> '$.min_val', j.value ->> '$.max_val', \
           pg_cast(j.value ->> '$.enumvals', 25, 1009, -1, 1), j.value ->> '$.boot_val', \
           j.value ->> '$.reset_val', NULL, NULL, 0 \
         FROM json_each(devdb_settings()) j",
    ),
    rel(
        "pg_stat_activity",
        cols!(
            datid: Oid, datname: Name, pid: Int4, leader_pid: Int4, usesysid: Oid, usename: Name,
            application_name: Text, client_addr: Text, client_hostname: Text, client_port: Int4,
            backend_start: Timestamptz, xact_start: Timestamptz, query_start: Timestamptz,
            state_change: Timestamptz, wait_event_type: Text, wait_event: Text, state: Text,
            query_id: Int8, query: Text, backend_type: Text,
        ),
        "SELECT j.value ->> '$.datid', j.value ->> '$.datname', j.value ->> '$.pid', NULL, 10, \
           j.value ->> '$.usename', j.value ->> '$.application_name', \
           j.value ->> '$.client_addr', NULL, j.value ->> '$.client_port', \
           j.value ->> '$.backend_start', j.value ->> '$.xact_start', \
           j.value ->> '$.query_start', j.value ->> '$.state_change', \
           j.value ->> '$.wait_event_type', j.value ->> '$.wait_event', j.value ->> '$.state', \
           NULL, j.value ->> '$.query', 'client backend' \
         FROM json_each(devdb_backends()) j",
    ),
    // The session's named statements, Parse's and PREPARE's. Plans are not counted.
    rel(
        "pg_prepared_statements",
        cols!(
            name: Text, statement: Text, prepare_time: Timestamptz,
            parameter_types: RegtypeArray, from_sql: Bool, generic_plans: Int8,
            custom_plans: Int8,
        ),
        "SELECT j.value ->> '$.name', j.value ->> '$.statement', j.value ->> '$.prepare_time', \
           pg_cast(j.value ->> '$.parameter_types', 25, 2211, -1, 1), \
           j.value ->> '$.from_sql', 0, 0 \
         FROM json_each(devdb_prepared_statements()) j",
    ),
];

/// Helper views the relations above read; not visible to clients.
pub const HELPERS: &[&str] = &[
    // COMMENT ON's descriptions (of relations and their columns, enum types, schemas) as
    // pg_description rows.
    "CREATE TEMP VIEW IF NOT EXISTS __pg_user_descriptions \
       (objoid, classoid, objsubid, description) AS \
     SELECT CASE c.kind \
         WHEN 'type' THEN (SELECT t.oid FROM __devdb_types t \
           WHERE t.schema = c.schema AND t.name = c.name) \
         WHEN 'schema' THEN (SELECT n.oid FROM __pg_namespace n WHERE n.nspname = c.schema) \
         WHEN 'extension' THEN (SELECT x.oid FROM __pg_extension x WHERE x.extname = c.name) \
         ELSE (SELECT r.oid FROM __pg_class r JOIN __pg_namespace n \
           ON n.oid = r.relnamespace WHERE n.nspname = c.schema AND r.relname = c.name) END, \
       CASE c.kind WHEN 'type' THEN 1247 WHEN 'schema' THEN 2615 WHEN 'extension' THEN 3079 \
         ELSE 1259 END, \
       CASE WHEN c.kind = 'column' THEN (SELECT a.position FROM __devdb_columns a \
         WHERE a.schema = c.schema AND a.table_name = c.name AND a.name = c.column_name) \
         ELSE 0 END, \
       c.description \
     FROM __devdb_comments c",
    // The server's databases (devdb_databases()), with their size on disk.
    "CREATE TEMP VIEW IF NOT EXISTS __pg_databases (oid, name, size) AS \
     SELECT j.value ->> '$.oid', j.value ->> '$.name', j.value ->> '$.size' \
     FROM json_each(devdb_databases()) j",
    // The OIDs of the relations that hold rows (an index may be on one): tables and
    // materialized views.
    "CREATE TEMP VIEW IF NOT EXISTS __pg_relations (schema, name, oid) AS \
     SELECT schema, name, 16384 + rowid FROM __devdb_tables \
     UNION ALL SELECT v.schema, v.name, 83886080 + v.rowid FROM __devdb_views v \
       JOIN __devdb_matviews m ON m.schema = v.schema AND m.name = v.name",
    // The bytes SQLite's pages hold for each table, materialized view and index (dbstat), with
    // the relation an index is on (table_oid): what pg_relation_size and friends report. Empty
    // ones are the size PostgreSQL gives them: no page for a table, a metapage for a btree.
    "CREATE TEMP VIEW IF NOT EXISTS __pg_relation_sizes (oid, table_oid, size) AS \
     SELECT f.oid, f.table_oid, coalesce((SELECT CASE WHEN sum(s.ncell) > 0 THEN sum(s.pgsize) \
         WHEN f.oid = f.table_oid THEN 0 ELSE 8192 END FROM dbstat s \
       WHERE s.name = f.file AND s.aggregate = 1), 0) \
     FROM (SELECT oid, oid AS table_oid, pg_key(schema, name) AS file FROM __pg_relations \
       UNION ALL SELECT 16777216 + i.rowid, r.oid, pg_key(i.schema, i.name) \
       FROM __devdb_indexes i JOIN __pg_relations r \
         ON r.schema = i.schema AND r.name = i.table_name) f",
    // Each view's query as pg_get_viewdef prints it, plain and pretty, from the columns of the
    // relations it reads.
    // A view's definition as pg_get_viewdef prints it, plain and pretty, and both again with
    // the relations in `public` named with their schema (for a search path without it).
    "CREATE TEMP VIEW IF NOT EXISTS __pg_viewdefs (oid, plain, pretty, qualified_plain, \
       qualified_pretty) AS \
     SELECT d.oid, pg_view_display(d.definition, d.relations, d.outputs, 0), \
       pg_view_display(d.definition, d.relations, d.outputs, 1), \
       pg_view_display(d.definition, d.relations, d.outputs, 0, 1), \
       pg_view_display(d.definition, d.relations, d.outputs, 1, 1) \
     FROM (SELECT 83886080 + v.rowid AS oid, v.definition AS definition, \
       (SELECT json_group_object(iif(pg_key_schema(r.value) = 'public', '', \
           pg_quote_ident(pg_key_schema(r.value)) || '.') || pg_quote_ident(pg_key_name(r.value)), \
         json((SELECT json_group_object(c.name, c.type_oid) FROM (SELECT name, type_oid, position \
           FROM __devdb_columns WHERE schema = pg_key_schema(r.value) \
             AND table_name = pg_key_name(r.value) \
           UNION ALL SELECT name, type_oid, position FROM __devdb_view_columns \
           WHERE schema = pg_key_schema(r.value) AND view_name = pg_key_name(r.value) \
           ORDER BY position) c))) \
         FROM json_each(v.depends_on) r) AS relations, \
       (SELECT json_group_array(o.name) FROM (SELECT name FROM __devdb_view_columns \
         WHERE schema = v.schema AND view_name = v.name ORDER BY position) o) AS outputs \
     FROM __devdb_views v) d",
    // One row per column of each index, with what pg_index and pg_attribute need: from the
    // index's per-column records (`__devdb_index_keys.columns`), else from SQLite's own list of
    // the index's columns (indexes of constraints, and those an older devdb made). The
    // opclass is the one the key record names (CREATE INDEX resolves it for the index's
    // method), else the default btree one for the column's type, or the one it shares: other
    // strings text_ops, arrays array_ops, enums enum_ops. INCLUDE columns have none.
    "CREATE TEMP VIEW IF NOT EXISTS __pg_index_columns AS \
     SELECT x.indexrelid AS indexrelid, x.seqno AS seqno, x.name AS name, \
       c.position AS attnum, coalesce(c.type_oid, x.expr_type) AS typid, \
       coalesce(c.typmod, x.expr_typmod) AS typmod, ty.typcollation AS collation, \
       CASE WHEN NOT x.include THEN coalesce( \
         (SELECT o.oid FROM devdb_sys.pg_opclass o WHERE o.opcmethod = x.am \
           AND o.opcname = x.opclass), \
         (SELECT o.oid FROM devdb_sys.pg_opclass o WHERE o.opcmethod = 403 AND o.opcdefault \
           AND o.opcintype = coalesce(c.type_oid, x.expr_type)), \
         (SELECT o.oid FROM devdb_sys.pg_opclass o WHERE o.opcmethod = 403 AND o.opcdefault \
           AND o.opcintype = CASE WHEN ty.typcategory = 'S' THEN 25 \
             WHEN ty.typcategory = 'A' THEN 2277 \
             WHEN coalesce(c.type_oid, x.expr_type) IN \
               (SELECT e.oid FROM __devdb_types e) THEN 3500 \
             WHEN coalesce(c.type_oid, x.expr_type) IN \
               (SELECT e.array_oid FROM __devdb_types e) THEN 2277 \
             ELSE coalesce(c.type_oid, x.expr_type) END)) END AS opclass, \
       x.option AS option, x.include AS include, x.plain AS plain, x.pretty AS pretty, \
       x.expr AS expr \
     FROM (SELECT 16777216 + i.rowid AS indexrelid, i.schema AS schema, \
         i.table_name AS table_name, p.seqno AS seqno, p.name AS name, p.name AS col, \
         NULL AS expr_type, NULL AS expr_typmod, NULL AS opclass, 403 AS am, 0 AS option, \
         0 AS include, \
         pg_quote_ident(p.name) AS plain, pg_quote_ident(p.name) AS pretty, NULL AS expr \
       FROM __devdb_indexes i, pragma_index_info(pg_key(i.schema, i.name)) p \
       WHERE NOT EXISTS (SELECT 1 FROM __devdb_index_keys k WHERE k.schema = i.schema \
         AND k.name = i.name AND k.columns IS NOT NULL) \
       UNION ALL \
       SELECT 16777216 + i.rowid, i.schema, i.table_name, j.key, j.value ->> 'name', \
         j.value ->> 'column', j.value ->> 'type', j.value ->> 'typmod', \
         j.value ->> 'opclass', \
         coalesce((SELECT a.oid FROM devdb_sys.pg_am a WHERE a.amname = k.method), 403), \
         coalesce(j.value ->> 'option', 0), \
         coalesce(j.value ->> 'include', 0), j.value ->> 'plain', j.value ->> 'pretty', \
         j.value ->> 'expr' \
       FROM __devdb_indexes i \
       JOIN __devdb_index_keys k ON k.schema = i.schema AND k.name = i.name, \
         json_each(k.columns) j) x \
     LEFT JOIN (SELECT schema, table_name, name, position, type_oid, typmod \
         FROM __devdb_columns \
       UNION ALL SELECT schema, view_name, name, position, type_oid, typmod \
         FROM __devdb_view_columns) c \
       ON c.schema = x.schema AND c.table_name = x.table_name AND c.name = x.col \
     LEFT JOIN devdb_sys.pg_type ty ON ty.oid = coalesce(c.type_oid, x.expr_type)",
];
