//! Access privileges (aclitem[]): acldefault, and the lists GRANT and REVOKE keep.
//!
//! devdb keeps a GRANTed object's list in `__devdb_acl` in PostgreSQL's aclitem[] text form with
//! role OIDs where PostgreSQL prints names (`{=r/10,10=arwdDxt/10}`: PUBLIC is empty, 10 the
//! connected user, who owns everything), because the connected user's name is known only at
//! run time and a `--data-dir` database may be opened by another one later. [`pg_acl_out`]
//! prints a list with names, as the catalogs show it.

use devdb_pg::{PgError, SqlState, Value};

use super::functions::text_arg;

/// The privilege letters in PostgreSQL's bit order, which is the order aclitem prints them in.
const LETTERS: &[u8] = b"arwdDxtXUCTcsA";

/// The privileges' names for errors, in the order of [`LETTERS`].
const NAMES: &[&str] = &[
    "INSERT",
    "SELECT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
    "EXECUTE",
    "USAGE",
    "CREATE",
    "TEMP",
    "CONNECT",
    "SET",
    "ALTER SYSTEM",
];

/// The role that owns every object: the connected user (pg_authid's OID 10, as in PostgreSQL).
pub(crate) const OWNER: u32 = 10;

/// pg_database_owner, which owns the public schema.
pub(crate) const DATABASE_OWNER: u32 = 6171;

/// Privileges as PostgreSQL's AclMode bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rights(u16);

impl Rights {
    /// The privileges of a letter string (`arwdDxt`); None for an unknown letter.
    pub(crate) fn parse(letters: &str) -> Option<Rights> {
        letters.bytes().try_fold(Rights(0), |acc, c| {
            let bit = LETTERS.iter().position(|&l| l == c)?;
            Some(Rights(acc.0 | 1 << bit))
        })
    }

    pub(crate) fn letters(self) -> String {
        self.iter().map(|bit| LETTERS[bit] as char).collect()
    }

    /// The name of the first privilege in `self` that `allowed` lacks.
    pub(crate) fn first_outside(self, allowed: Rights) -> Option<&'static str> {
        Rights(self.0 & !allowed.0)
            .iter()
            .next()
            .map(|bit| NAMES[bit])
    }

    pub(crate) fn and(self, other: Rights) -> Rights {
        Rights(self.0 & other.0)
    }

    pub(crate) fn or(self, other: Rights) -> Rights {
        Rights(self.0 | other.0)
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn iter(self) -> impl Iterator<Item = usize> {
        (0..LETTERS.len()).filter(move |bit| self.0 & (1 << bit) != 0)
    }
}

/// One aclitem: what `grantee` (0: PUBLIC) holds from `grantor`, and which of it it may grant.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Item {
    grantee: u32,
    grantor: u32,
    rights: Rights,
    options: Rights,
}

/// A stored list (`{=r/10,10=arwdDxt/10}`).
fn parse(stored: &str) -> Result<Vec<Item>, PgError> {
    let bad = || PgError::internal(format!("malformed stored privileges: {stored}"));
    let inner = stored
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .ok_or_else(bad)?;
    if inner.is_empty() {
        return Ok(Vec::new());
    }
    inner
        .split(',')
        .map(|item| {
            let (grantee, rest) = item.split_once('=').ok_or_else(bad)?;
            let (letters, grantor) = rest.split_once('/').ok_or_else(bad)?;
            let grantee = match grantee {
                "" => 0,
                oid => oid.parse().map_err(|_| bad())?,
            };
            let (mut rights, mut options) = (Rights(0), Rights(0));
            let mut last = None;
            for c in letters.chars() {
                if c == '*' {
                    options = options.or(last.ok_or_else(bad)?);
                    continue;
                }
                let right = Rights::parse(c.encode_utf8(&mut [0; 4])).ok_or_else(bad)?;
                rights = rights.or(right);
                last = Some(right);
            }
            Ok(Item {
                grantee,
                grantor: grantor.parse().map_err(|_| bad())?,
                rights,
                options,
            })
        })
        .collect()
}

fn letters_with_options(item: &Item) -> String {
    let mut out = String::new();
    for bit in item.rights.iter() {
        out.push(LETTERS[bit] as char);
        if item.options.0 & (1 << bit) != 0 {
            out.push('*');
        }
    }
    out
}

fn store(items: &[Item]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|item| {
            let grantee = match item.grantee {
                0 => String::new(),
                oid => oid.to_string(),
            };
            format!("{grantee}={}/{}", letters_with_options(item), item.grantor)
        })
        .collect();
    format!("{{{}}}", items.join(","))
}

/// The predefined roles (pg_monitor, ...), as (OID, name).
pub(crate) fn predefined_roles() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::system::builtin::table("predefined_roles")
        .into_iter()
        .flat_map(|t| t.lines())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some((fields.next()?, fields.next()?))
        })
}

/// The role with OID `oid` as aclitem prints it: its name, or the OID where no role has it.
fn role_name(oid: u32, user: &str) -> String {
    if oid == OWNER {
        return acl_name(user);
    }
    let oid = oid.to_string();
    predefined_roles()
        .find(|(o, _)| *o == oid)
        .map_or(oid.clone(), |(_, name)| acl_name(name))
}

/// The OID of the role named `name`, 42704 when there is none.
fn role_oid(name: &str, user: &str) -> Result<u32, PgError> {
    if name == user {
        return Ok(OWNER);
    }
    predefined_roles()
        .find(|(_, n)| *n == name)
        .and_then(|(oid, _)| oid.parse().ok())
        .ok_or_else(|| {
            PgError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("role \"{name}\" does not exist"),
            )
        })
}

fn int_arg(args: &[Value], i: usize) -> Option<i64> {
    match args.get(i) {
        Some(Value::Int(n)) => Some(*n),
        _ => None,
    }
}

/// pg_acl_edit(stored or NULL, default, grantor, is_grant, grant_option, rights, current user,
/// grantee...): the stored list after GRANT (or REVOKE) of `rights` to (from) each grantee
/// ('' for PUBLIC), as PostgreSQL's aclupdate changes it: a grantee's item from `grantor`
/// gains or loses the rights (REVOKE GRANT OPTION FOR, `grant_option` set: only the right to
/// grant them), a new grantee's item goes last, and an item left with nothing is removed.
pub(crate) fn pg_acl_edit(args: &[Value]) -> Result<Value, PgError> {
    let malformed = || PgError::internal("pg_acl_edit: malformed arguments");
    let stored = text_arg(args, 0)
        .or_else(|| text_arg(args, 1))
        .ok_or_else(malformed)?;
    let mut items = parse(stored)?;
    let grantor = int_arg(args, 2)
        .and_then(|o| u32::try_from(o).ok())
        .ok_or_else(malformed)?;
    let is_grant = int_arg(args, 3).ok_or_else(malformed)? != 0;
    let grant_option = int_arg(args, 4).ok_or_else(malformed)? != 0;
    let rights = text_arg(args, 5)
        .and_then(Rights::parse)
        .ok_or_else(malformed)?;
    let user = text_arg(args, 6).ok_or_else(malformed)?;
    for i in 7..args.len() {
        let grantee = match text_arg(args, i).ok_or_else(malformed)? {
            "" => 0,
            name => role_oid(name, user)?,
        };
        let at = items
            .iter()
            .position(|item| item.grantee == grantee && item.grantor == grantor);
        match (is_grant, at) {
            (true, Some(at)) => {
                let item = &mut items[at];
                item.rights = item.rights.or(rights);
                if grant_option {
                    item.options = item.options.or(rights);
                }
            }
            (true, None) => items.push(Item {
                grantee,
                grantor,
                rights,
                options: if grant_option { rights } else { Rights(0) },
            }),
            (false, Some(at)) => {
                let item = &mut items[at];
                let keep = Rights(!rights.0);
                item.options = item.options.and(keep);
                if !grant_option {
                    item.rights = item.rights.and(keep);
                }
                if item.rights.is_empty() {
                    items.remove(at);
                }
            }
            (false, None) => {}
        }
    }
    Ok(Value::Text(store(&items)))
}

/// pg_acl_out(stored, current user): the list in aclitem[] text form, roles by name.
pub(crate) fn pg_acl_out(args: &[Value]) -> Result<Value, PgError> {
    let (Some(stored), Some(user)) = (text_arg(args, 0), text_arg(args, 1)) else {
        return Ok(Value::Null);
    };
    let items: Vec<String> = parse(stored)?
        .iter()
        .map(|item| {
            let grantee = match item.grantee {
                0 => String::new(),
                oid => role_name(oid, user),
            };
            format!(
                "{grantee}={}/{}",
                letters_with_options(item),
                role_name(item.grantor, user)
            )
        })
        .collect();
    Ok(Value::Text(format!("{{{}}}", items.join(","))))
}

/// pg_acldefault(objtype, owner): acldefault's privileges of an object of that kind (PostgreSQL's
/// one-letter abbreviations) before any GRANT, in aclitem[] text form; `owner` is the owner's
/// name, or its OID where no role has it, as PostgreSQL prints either.
pub(crate) fn pg_acldefault(args: &[Value]) -> Result<Value, PgError> {
    let owner = match args.get(1) {
        Some(Value::Text(name)) => acl_name(name),
        Some(Value::Int(oid)) => oid.to_string(),
        _ => return Ok(Value::Null),
    };
    let Some(kind) = text_arg(args, 0) else {
        return Ok(Value::Null);
    };
    let Some((public, rights)) = default_rights(kind) else {
        return Err(PgError::internal(format!(
            "unrecognized objtype abbreviation: {kind}"
        )));
    };
    let mut items = Vec::new();
    if !public.is_empty() {
        items.push(format!("={public}/{owner}"));
    }
    if !rights.is_empty() {
        items.push(format!("{owner}={rights}/{owner}"));
    }
    Ok(Value::Text(format!("{{{}}}", items.join(","))))
}

/// (what PUBLIC has, what the owner has) before any GRANT on an object of `kind`, PostgreSQL's
/// one-letter abbreviation of its kind.
pub(crate) fn default_rights(kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "c" => ("", ""),
        "r" => ("", "arwdDxt"),
        "s" => ("", "rwU"),
        "d" => ("Tc", "CTc"),
        "f" => ("X", "X"),
        "l" | "T" => ("U", "U"),
        "L" => ("", "rw"),
        "n" => ("", "UC"),
        "t" => ("", "C"),
        "F" | "S" => ("", "U"),
        "p" => ("", "sA"),
        _ => return None,
    })
}

/// The stored list acldefault gives an object of `kind` owned by the connected user.
pub(crate) fn stored_default(kind: &str) -> String {
    let (public, rights) = default_rights(kind).unwrap_or(("", ""));
    let mut items = Vec::new();
    if let Some(public) = Rights::parse(public).filter(|r| !r.is_empty()) {
        items.push(Item {
            grantee: 0,
            grantor: OWNER,
            rights: public,
            options: Rights(0),
        });
    }
    if let Some(rights) = Rights::parse(rights).filter(|r| !r.is_empty()) {
        items.push(Item {
            grantee: OWNER,
            grantor: OWNER,
            rights,
            options: Rights(0),
        });
    }
    store(&items)
}

/// The public schema's list as initdb leaves it: pg_database_owner may use and create in it,
/// PUBLIC use it.
pub(crate) fn public_schema_default() -> String {
    store(&[
        Item {
            grantee: DATABASE_OWNER,
            grantor: DATABASE_OWNER,
            rights: Rights(1 << 8 | 1 << 9),
            options: Rights(0),
        },
        Item {
            grantee: 0,
            grantor: DATABASE_OWNER,
            rights: Rights(1 << 8),
            options: Rights(0),
        },
    ])
}

/// A role name as an aclitem prints it: quoted only when it holds more than letters, digits
/// and underscores.
fn acl_name(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    fn edit(stored: Option<&str>, grant: bool, option: bool, rights: &str, who: &[&str]) -> String {
        let mut args = vec![
            stored.map_or(Value::Null, text),
            text(&stored_default("r")),
            Value::Int(OWNER.into()),
            Value::Int(grant.into()),
            Value::Int(option.into()),
            text(rights),
            text("alice"),
        ];
        args.extend(who.iter().map(|w| text(w)));
        match pg_acl_edit(&args).expect("edit") {
            Value::Text(s) => s,
            other => panic!("{other:?}"),
        }
    }

    fn out(stored: &str) -> String {
        match pg_acl_out(&[text(stored), text("alice")]).expect("out") {
            Value::Text(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn grants_append_new_grantees_and_merge_into_existing_items() {
        let once = edit(None, true, false, "r", &[""]);
        assert_eq!(once, "{10=arwdDxt/10,=r/10}");
        let twice = edit(Some(&once), true, true, "aw", &["", "pg_monitor"]);
        assert_eq!(twice, "{10=arwdDxt/10,=a*rw*/10,3373=a*w*/10}");
        assert_eq!(
            out(&twice),
            "{alice=arwdDxt/alice,=a*rw*/alice,pg_monitor=a*w*/alice}"
        );
    }

    #[test]
    fn revokes_remove_rights_options_and_emptied_items() {
        let granted = edit(None, true, true, "rw", &[""]);
        assert_eq!(
            edit(Some(&granted), false, true, "r", &[""]),
            "{10=arwdDxt/10,=rw*/10}"
        );
        assert_eq!(
            edit(Some(&granted), false, false, "rw", &[""]),
            "{10=arwdDxt/10}"
        );
        assert_eq!(edit(None, false, false, "arwdDxt", &["alice"]), "{}");
    }

    #[test]
    fn an_unknown_grantee_is_42704() {
        let err = pg_acl_edit(&[
            Value::Null,
            text("{}"),
            Value::Int(10),
            Value::Int(1),
            Value::Int(0),
            text("r"),
            text("alice"),
            text("bob"),
        ])
        .expect_err("no such role");
        assert_eq!(err.code, SqlState::UNDEFINED_OBJECT);
        assert_eq!(err.message, "role \"bob\" does not exist");
    }

    #[test]
    fn quoted_names_and_the_public_schema() {
        assert_eq!(
            pg_acl_out(&[text(&public_schema_default()), text("a b")]).expect("out"),
            text("{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}")
        );
        assert_eq!(
            pg_acl_out(&[text("{10=X/10}"), text("a b")]).expect("out"),
            text("{\"a b\"=X/\"a b\"}")
        );
        assert_eq!(stored_default("f"), "{=X/10,10=X/10}");
    }
}
