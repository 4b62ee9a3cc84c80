//! The information_schema views, over the pg_catalog views, following PostgreSQL 15's own
//! definitions (src/backend/catalog/information_schema.sql) for the rows devdb has.
//!
//! PostgreSQL declares the columns with domains (sql_identifier, cardinal_number,
//! character_data, yes_or_no) but describes them to clients by their base types, which is what
//! the columns here are: name, int4 and varchar.

use super::Relation;
use devdb_builtins::cols;

const fn rel(name: &'static str, columns: super::Columns, body: &'static str) -> Relation {
    Relation::new("information_schema", name, columns, body)
}

/// Helper views the relations above read; not visible to clients.
pub const HELPERS: &[&str] = &[
    // NOT NULL columns, which information_schema lists as CHECK constraints named as
    // PostgreSQL names them.
    "CREATE TEMP VIEW IF NOT EXISTS __information_schema_not_null AS \
     SELECT n.nspname AS nspname, c.relname AS relname, a.attname AS attname, \
       n.oid || '_' || c.oid || '_' || a.attnum || '_not_null' AS name \
     FROM __pg_attribute a JOIN __pg_class c ON c.oid = a.attrelid \
     JOIN __pg_namespace n ON n.oid = c.relnamespace \
     WHERE a.attnotnull AND a.attnum > 0 AND c.relkind IN ('r', 'p')",
];

pub static RELATIONS: &[Relation] = &[
    rel(
        "schemata",
        cols!(
            catalog_name: Name, schema_name: Name, schema_owner: Name,
            default_character_set_catalog: Name,
            default_character_set_schema: Name,
            default_character_set_name: Name, sql_path: Varchar,
        ),
        "SELECT devdb_current_database(), n.nspname, \
           (SELECT r.rolname FROM __pg_authid r WHERE r.oid = n.nspowner), \
           NULL, NULL, NULL, NULL \
         FROM __pg_namespace n",
    ),
    rel(
        "tables",
        cols!(
            table_catalog: Name, table_schema: Name, table_name: Name,
            table_type: Varchar, self_referencing_column_name: Name,
            reference_generation: Varchar, user_defined_type_catalog: Name,
            user_defined_type_schema: Name, user_defined_type_name: Name,
            is_insertable_into: Varchar, is_typed: Varchar, commit_action: Varchar,
        ),
        // The session's own temporary schema is pg_temp_<its backend pid>; those of other
        // sessions are left out, as PostgreSQL does.
        "SELECT devdb_current_database(), n.nspname, c.relname, \
           CASE WHEN n.nspname = 'pg_temp_' || devdb_backend_pid() THEN 'LOCAL TEMPORARY' \
             WHEN c.relkind = 'v' THEN 'VIEW' WHEN c.relkind = 'f' THEN 'FOREIGN' \
             ELSE 'BASE TABLE' END, \
           NULL, NULL, NULL, NULL, NULL, \
           CASE WHEN c.relkind IN ('r', 'p') THEN 'YES' ELSE 'NO' END, 'NO', NULL \
         FROM __pg_class c JOIN __pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'v', 'f', 'p') \
           AND (n.nspname NOT LIKE 'pg\\_temp\\_%' ESCAPE '\\' \
             OR n.nspname = 'pg_temp_' || devdb_backend_pid())",
    ),
    // A column of a domain is described by the domain's base type and typmod, as PostgreSQL's
    // _pg_truetypid does, names the domain in domain_*, and is NOT NULL when the domain is.
    rel(
        "columns",
        cols!(
            table_catalog: Name, table_schema: Name, table_name: Name,
            column_name: Name, ordinal_position: Int4,
            column_default: Varchar, is_nullable: Varchar, data_type: Varchar,
            character_maximum_length: Int4, character_octet_length: Int4,
            numeric_precision: Int4, numeric_precision_radix: Int4,
            numeric_scale: Int4, datetime_precision: Int4,
            interval_type: Varchar, interval_precision: Int4,
            character_set_catalog: Name, character_set_schema: Name,
            character_set_name: Name, collation_catalog: Name,
            collation_schema: Name, collation_name: Name,
            domain_catalog: Name, domain_schema: Name,
            domain_name: Name, udt_catalog: Name, udt_schema: Name,
            udt_name: Name, scope_catalog: Name, scope_schema: Name,
            scope_name: Name, maximum_cardinality: Int4,
            dtd_identifier: Name, is_self_referencing: Varchar, is_identity: Varchar,
            identity_generation: Varchar, identity_start: Varchar,
            identity_increment: Varchar, identity_maximum: Varchar,
            identity_minimum: Varchar, identity_cycle: Varchar,
            is_generated: Varchar, generation_expression: Varchar,
            is_updatable: Varchar,
        ),
        "SELECT devdb_current_database(), n.nspname, c.relname, a.attname, a.attnum, \
           CASE WHEN a.attidentity = '' AND a.attgenerated = '' THEN d.adbin END, \
           CASE WHEN a.attnotnull OR a.domnotnull THEN 'NO' ELSE 'YES' END, \
           CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY' \
             WHEN tn.nspname = 'pg_catalog' THEN pg_format_type(t.oid, NULL, t.typname) \
             ELSE 'USER-DEFINED' END, \
           CASE WHEN a.tid IN (1042, 1043) AND a.tmod >= 0 THEN a.tmod - 4 END, \
           CASE WHEN a.tid IN (25, 1042, 1043) THEN \
             CASE WHEN a.tmod >= 0 THEN (a.tmod - 4) * 4 ELSE 1073741824 END END, \
           CASE a.tid WHEN 21 THEN 16 WHEN 23 THEN 32 WHEN 20 THEN 64 WHEN 700 THEN 24 \
             WHEN 701 THEN 53 \
             WHEN 1700 THEN CASE WHEN a.tmod >= 0 THEN ((a.tmod - 4) >> 16) & 65535 END \
             END, \
           CASE WHEN a.tid IN (21, 23, 20, 700, 701) THEN 2 \
             WHEN a.tid = 1700 THEN 10 END, \
           CASE WHEN a.tid IN (21, 23, 20) THEN 0 \
             WHEN a.tid = 1700 AND a.tmod >= 0 THEN (a.tmod - 4) & 65535 END, \
           CASE WHEN a.tid = 1082 THEN 0 \
             WHEN a.tid IN (1083, 1114, 1184, 1266, 1186) THEN \
               CASE WHEN a.tmod >= 0 THEN a.tmod ELSE 6 END END, \
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
           iif(a.domoid IS NULL, NULL, devdb_current_database()), \
           (SELECT dn.nspname FROM __pg_namespace dn WHERE dn.oid = a.domnsp), a.domname, \
           devdb_current_database(), tn.nspname, t.typname, NULL, NULL, NULL, NULL, \
           CAST(a.attnum AS TEXT), 'NO', \
           CASE WHEN a.attidentity = '' THEN 'NO' ELSE 'YES' END, \
           CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END, \
           CAST(q.seqstart AS TEXT), CAST(q.seqincrement AS TEXT), CAST(q.seqmax AS TEXT), \
           CAST(q.seqmin AS TEXT), iif(q.seqcycle, 'YES', 'NO'), \
           iif(a.attgenerated = '', 'NEVER', 'ALWAYS'), \
           CASE WHEN a.attgenerated <> '' THEN d.adbin END, 'YES' \
         FROM (SELECT a.*, coalesce(dom.typbasetype, a.atttypid) AS tid, \
             iif(dom.oid IS NULL, a.atttypmod, dom.typtypmod) AS tmod, dom.oid AS domoid, \
             dom.typname AS domname, dom.typnamespace AS domnsp, \
             coalesce(dom.typnotnull, 0) AS domnotnull \
           FROM __pg_attribute a \
           LEFT JOIN __pg_type dom ON dom.oid = a.atttypid AND dom.typtype = 'd') a \
         JOIN __pg_class c ON c.oid = a.attrelid \
         JOIN __pg_namespace n ON n.oid = c.relnamespace \
         JOIN __pg_type t ON t.oid = a.tid \
         JOIN __pg_namespace tn ON tn.oid = t.typnamespace \
         LEFT JOIN __pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         LEFT JOIN (SELECT dp.refobjid AS relid, dp.refobjsubid AS attnum, s.* \
           FROM __pg_depend dp JOIN __pg_sequence s ON s.seqrelid = dp.objid \
           WHERE dp.deptype = 'i') q ON q.relid = a.attrelid AND q.attnum = a.attnum \
         WHERE c.relkind IN ('r', 'v', 'f', 'p') AND a.attnum > 0",
    ),
    rel(
        "table_constraints",
        cols!(
            constraint_catalog: Name, constraint_schema: Name,
            constraint_name: Name, table_catalog: Name,
            table_schema: Name, table_name: Name,
            constraint_type: Varchar, is_deferrable: Varchar, initially_deferred: Varchar,
            enforced: Varchar, nulls_distinct: Varchar,
        ),
        "SELECT devdb_current_database(), n.nspname, k.conname, devdb_current_database(), \
           n.nspname, c.relname, \
           CASE k.contype WHEN 'c' THEN 'CHECK' WHEN 'f' THEN 'FOREIGN KEY' \
             WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, \
           CASE WHEN k.condeferrable THEN 'YES' ELSE 'NO' END, \
           CASE WHEN k.condeferred THEN 'YES' ELSE 'NO' END, 'YES', \
           CASE WHEN k.contype = 'u' THEN 'YES' END \
         FROM __pg_constraint k JOIN __pg_class c ON c.oid = k.conrelid \
         JOIN __pg_namespace n ON n.oid = k.connamespace \
         UNION ALL \
         SELECT devdb_current_database(), nspname, name, devdb_current_database(), nspname, \
           relname, 'CHECK', 'NO', 'NO', 'YES', NULL \
         FROM __information_schema_not_null",
    ),
    rel(
        "key_column_usage",
        cols!(
            constraint_catalog: Name, constraint_schema: Name,
            constraint_name: Name, table_catalog: Name,
            table_schema: Name, table_name: Name, column_name: Name,
            ordinal_position: Int4, position_in_unique_constraint: Int4,
        ),
        "SELECT devdb_current_database(), n.nspname, k.conname, devdb_current_database(), \
           n.nspname, c.relname, j.value, j.key + 1, \
           CASE WHEN k.contype = 'f' THEN j.key + 1 END \
         FROM __pg_constraint k JOIN __pg_class c ON c.oid = k.conrelid \
         JOIN __pg_namespace n ON n.oid = k.connamespace, json_each(k.__columns) j \
         WHERE k.contype IN ('p', 'u', 'f')",
    ),
    rel(
        "constraint_column_usage",
        cols!(
            table_catalog: Name, table_schema: Name, table_name: Name,
            column_name: Name, constraint_catalog: Name,
            constraint_schema: Name, constraint_name: Name,
        ),
        // A foreign key uses the referenced columns; the others their own table's.
        "SELECT devdb_current_database(), n.nspname, \
           CASE WHEN k.contype = 'f' THEN r.relname ELSE c.relname END, j.value, \
           devdb_current_database(), n.nspname, k.conname \
         FROM __pg_constraint k JOIN __pg_class c ON c.oid = k.conrelid \
         LEFT JOIN __pg_class r ON r.oid = k.confrelid \
         JOIN __pg_namespace n ON n.oid = k.connamespace, \
         json_each(CASE WHEN k.contype = 'f' THEN k.__ref_columns ELSE k.__columns END) j",
    ),
    rel(
        "referential_constraints",
        cols!(
            constraint_catalog: Name, constraint_schema: Name,
            constraint_name: Name, unique_constraint_catalog: Name,
            unique_constraint_schema: Name, unique_constraint_name: Name,
            match_option: Varchar, update_rule: Varchar, delete_rule: Varchar,
        ),
        "SELECT devdb_current_database(), n.nspname, k.conname, devdb_current_database(), \
           n.nspname, \
           (SELECT u.conname FROM __pg_constraint u \
             WHERE u.conindid = k.conindid AND u.contype IN ('p', 'u')), \
           CASE k.confmatchtype WHEN 'f' THEN 'FULL' ELSE 'NONE' END, \
           pg_fk_rule(k.confupdtype), pg_fk_rule(k.confdeltype) \
         FROM __pg_constraint k JOIN __pg_namespace n ON n.oid = k.connamespace \
         WHERE k.contype = 'f'",
    ),
    rel(
        "check_constraints",
        cols!(
            constraint_catalog: Name, constraint_schema: Name,
            constraint_name: Name, check_clause: Varchar,
        ),
        "SELECT devdb_current_database(), n.nspname, k.conname, substr(k.__def, 7) \
         FROM __pg_constraint k JOIN __pg_namespace n ON n.oid = k.connamespace \
         WHERE k.contype = 'c' \
         UNION ALL \
         SELECT devdb_current_database(), nspname, name, \
           pg_quote_ident(attname) || ' IS NOT NULL' \
         FROM __information_schema_not_null",
    ),
    // An identity column's sequence is not listed, as in PostgreSQL.
    rel(
        "sequences",
        cols!(
            sequence_catalog: Name, sequence_schema: Name,
            sequence_name: Name, data_type: Varchar,
            numeric_precision: Int4, numeric_precision_radix: Int4,
            numeric_scale: Int4, start_value: Varchar,
            minimum_value: Varchar, maximum_value: Varchar, increment: Varchar,
            cycle_option: Varchar,
        ),
        "SELECT devdb_current_database(), n.nspname, c.relname, \
           pg_format_type(s.seqtypid, NULL, NULL), \
           CASE s.seqtypid WHEN 21 THEN 16 WHEN 23 THEN 32 ELSE 64 END, 2, 0, \
           CAST(s.seqstart AS TEXT), CAST(s.seqmin AS TEXT), CAST(s.seqmax AS TEXT), \
           CAST(s.seqincrement AS TEXT), CASE WHEN s.seqcycle THEN 'YES' ELSE 'NO' END \
         FROM __pg_sequence s JOIN __pg_class c ON c.oid = s.seqrelid \
         JOIN __pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT EXISTS (SELECT 1 FROM __devdb_sequences q \
           JOIN __devdb_sequence_owners o ON o.name = q.name \
           JOIN __devdb_identity_columns i ON i.schema = o.schema \
             AND i.table_name = o.table_name AND i.name = o.column_name \
           WHERE 33554432 + q.rowid = s.seqrelid)",
    ),
    // devdb's views are read-only, so none is updatable or insertable into.
    rel(
        "views",
        cols!(
            table_catalog: Name, table_schema: Name, table_name: Name,
            view_definition: Varchar, check_option: Varchar, is_updatable: Varchar,
            is_insertable_into: Varchar, is_trigger_updatable: Varchar,
            is_trigger_deletable: Varchar, is_trigger_insertable_into: Varchar,
        ),
        "SELECT devdb_current_database(), schemaname, viewname, definition, 'NONE', 'NO', 'NO', \
           'NO', 'NO', 'NO' \
         FROM __pg_views",
    ),
    // devdb has no user-defined functions.
    Relation::empty(
        "information_schema",
        "routines",
        cols!(
            specific_catalog: Name, specific_schema: Name,
            specific_name: Name, routine_catalog: Name,
            routine_schema: Name, routine_name: Name,
            routine_type: Varchar, data_type: Varchar,
            routine_body: Varchar, routine_definition: Varchar,
            external_language: Varchar, is_deterministic: Varchar,
        ),
    ),
];
