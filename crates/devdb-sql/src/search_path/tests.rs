use super::*;
use crate::catalog::Schema;
use devdb_pg::Oid;

fn catalog(schemas: &[&str]) -> Catalog {
    let mut catalog = Catalog::default();
    for (i, name) in [DEFAULT_SCHEMA].iter().chain(schemas).enumerate() {
        catalog.schemas.push(Schema {
            oid: Oid(16384 + i as u32),
            name: (*name).to_owned(),
        });
    }
    catalog
}

#[test]
fn entries_are_split_quoted_and_folded_as_postgres_does() {
    assert_eq!(
        split_identifiers("\"$user\", public"),
        vec!["$user", "public"]
    );
    assert_eq!(
        split_identifiers("App ,\"My \"\"S\"\"\",x"),
        vec!["app", "My \"S\"", "x"]
    );
    assert_eq!(split_identifiers(""), Vec::<String>::new());
}

#[test]
fn user_schema_and_missing_schemas() {
    let c = catalog(&["alice", "app"]);
    let path = SearchPath::new(
        "\"$user\", nope, app, public",
        "alice",
        "pg_temp_7".into(),
        &c,
    );
    assert_eq!(path.entries, vec!["alice", "nope", "app", "public"]);
    assert!(!path.temp_exists);
    let r = Resolved::new(&path, &c);
    assert_eq!(r.search, vec!["alice", "app", "public"]);
    assert_eq!(r.creation.as_deref(), Some("alice"));
    assert_eq!(r.implicit, vec!["pg_catalog", "alice", "app", "public"]);
    let bob = SearchPath::new("\"$user\", public", "bob", "pg_temp_7".into(), &c);
    assert_eq!(bob.entries, SearchPath::default().entries);
}

#[test]
fn temporary_schema_comes_first_unless_placed() {
    let c = catalog(&["pg_temp_7"]);
    let path = SearchPath::new("public", "u", "pg_temp_7".into(), &c);
    let r = Resolved::new(&path, &c);
    assert_eq!(r.search, vec!["pg_temp_7", "public"]);
    assert_eq!(r.explicit, vec!["public"]);
    assert_eq!(r.implicit, vec!["pg_temp_7", "pg_catalog", "public"]);
    let placed = SearchPath::new("public, pg_temp", "u", "pg_temp_7".into(), &c);
    assert_eq!(
        Resolved::new(&placed, &c).search,
        vec!["public", "pg_temp_7"]
    );
}

#[test]
fn an_empty_path_has_nowhere_to_create() {
    let c = catalog(&[]);
    let r = Resolved::new(&SearchPath::new("nope", "u", "pg_temp_1".into(), &c), &c);
    assert_eq!(r.creation, None);
    assert!(r.search.is_empty());
    assert_eq!(r.implicit, vec!["pg_catalog"]);
}
