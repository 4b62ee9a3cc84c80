//! The binary wire format of the core types, checked byte for byte against PostgreSQL 15:
//! results (devdb's binary output must equal PostgreSQL's) and parameters (PostgreSQL's own
//! binary bytes, sent back as typed parameters, must come out the same on both).

use std::error::Error;

use bytes::BytesMut;
use tokio_postgres::Client;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use crate::harness::{DevDb, Postgres};

/// A value's raw binary bytes, whatever its type.
#[derive(Debug, PartialEq)]
pub(crate) struct Raw(pub(crate) Option<Vec<u8>>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn Error + Sync + Send>> {
        Ok(Raw(Some(raw.to_vec())))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn Error + Sync + Send>> {
        Ok(Raw(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

impl ToSql for Raw {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match &self.0 {
            Some(bytes) => {
                out.extend_from_slice(bytes);
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// One literal per core type, in the spelling both servers accept.
const VALUES: &[(&str, &str)] = &[
    ("bool", "true"),
    ("bool", "false"),
    ("int2", "'-32768'"),
    ("int4", "2147483647"),
    ("int8", "'-9223372036854775808'"),
    ("float4", "1.5"),
    ("float8", "'-0.000123456789'"),
    ("float8", "'Infinity'"),
    ("float8", "'-Infinity'"),
    ("float8", "'NaN'"),
    ("float8", "'-0'"),
    ("float4", "'NaN'"),
    ("float4", "'-Infinity'"),
    ("float4", "'-0'"),
    ("numeric", "12345678901234"),
    ("numeric", "0"),
    ("numeric", "'1.50'"),
    ("numeric", "'-0.000120'"),
    ("numeric", "'123456789.987654321'"),
    ("numeric", "'1e-20'"),
    ("numeric", "'NaN'"),
    ("numeric", "'Infinity'"),
    ("numeric", "'-Infinity'"),
    ("text", "'héllo wörld'"),
    ("varchar", "'abc'"),
    ("bytea", "'\\x00ff10'"),
    ("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
    ("date", "'2024-02-29'"),
    ("date", "'1999-12-31'"),
    ("timestamp", "'2024-02-29 13:14:15.123456'"),
    ("timestamptz", "'2024-02-29 13:14:15.5+00'"),
    ("timestamptz", "'1970-01-01 00:00:00+00'"),
    ("interval", "'1 year 2 mons -3 days 04:05:06.789'"),
    ("interval", "'-1 day +01:00:00'"),
    ("interval", "'0'"),
    ("time", "'23:59:59.999999'"),
    ("json", "'{\"b\": 1, \"a\": [true, null]}'"),
    ("jsonb", "'{\"a\": 1}'"),
    ("int4range", "'[1,5]'"),
    ("int4range", "'empty'"),
    ("int8range", "'(,10)'"),
    ("numrange", "'(1.50,)'"),
    ("daterange", "'[2024-01-01,2024-02-01)'"),
    ("tsrange", "'[2024-01-01 10:00,2024-01-01 12:00]'"),
    ("tstzrange", "'(,2024-01-01 00:00+00)'"),
    ("int4range[]", "'{\"[1,5)\",empty,NULL}'"),
    ("tsvector", "'fat:2,4B cat:3A rat:5C the zz:16383'"),
    ("tsvector", "''"),
    ("tsvector", "'a b'"),
    ("tsquery", "'fat:AB & !(rat | cat:*) <-> sat <3> mat'"),
    // (An empty tsquery is left out: PostgreSQL 15 cannot receive its own binary form of it.)
    ("tsquery", "'a'"),
    ("tsvector[]", "'{\"a:1 b\",NULL}'"),
    ("regconfig", "'english'"),
];

async fn results(client: &Client) -> Vec<(String, Raw)> {
    let mut out = Vec::new();
    for (ty, literal) in VALUES {
        let sql = format!("select {literal}::{ty}");
        let row = client
            .query_one(sql.as_str(), &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        out.push((sql, row.get::<_, Raw>(0)));
    }
    out
}

async fn round_trips(client: &Client, oracle_bytes: &[(String, Raw)]) -> Vec<(String, Raw)> {
    let mut out = Vec::new();
    for ((ty, _), (_, raw)) in VALUES.iter().zip(oracle_bytes) {
        let sql = format!("select $1::{ty}");
        let statement = client
            .prepare(sql.as_str())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let row = client
            .query_one(&statement, &[&Raw(raw.0.clone())])
            .await
            .unwrap_or_else(|e| panic!("{sql} with {raw:?}: {e:?}"));
        out.push((sql, row.get::<_, Raw>(0)));
    }
    out
}

#[tokio::test]
async fn binary_results_match_postgres_byte_for_byte() {
    let Some(pg) = Postgres::start() else { return };
    let oracle = results(&pg.connect().await).await;
    let devdb = DevDb::start(&[]);
    let ours = results(&devdb.connect().await).await;
    for (theirs, mine) in oracle.iter().zip(&ours) {
        assert_eq!(mine, theirs, "binary result of `{}`", theirs.0);
    }
}

/// inet_server_addr() (inet) and pg_current_xact_id() (xid8) in binary: the address's bytes
/// as PostgreSQL's, the transaction id as 8 bytes (the counters differ between servers).
#[tokio::test]
async fn session_address_and_transaction_id_in_binary_like_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let devdb = DevDb::start(&[]);
    let sql = "select inet_server_addr(), pg_current_xact_id()";
    let mut answers = Vec::new();
    for client in [pg.connect().await, devdb.connect().await] {
        let row = client.query_one(sql, &[]).await.expect(sql);
        let xid = row.get::<_, Raw>(1).0.map(|b| b.len());
        answers.push((row.columns()[0].type_().oid(), row.get::<_, Raw>(0), xid));
    }
    assert_eq!(answers[1], answers[0]);
    assert_eq!(answers[0].2, Some(8));
}

#[tokio::test]
async fn binary_parameters_round_trip_like_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let oracle_client = pg.connect().await;
    let oracle_bytes = results(&oracle_client).await;
    let oracle = round_trips(&oracle_client, &oracle_bytes).await;
    let devdb = DevDb::start(&[]);
    let ours = round_trips(&devdb.connect().await, &oracle_bytes).await;
    for (theirs, mine) in oracle.iter().zip(&ours) {
        assert_eq!(mine, theirs, "binary round trip of `{}`", theirs.0);
    }
}

/// An enum array's binary form, with the element OID its header names replaced by whether it
/// is the enum's own OID (the OIDs of user types differ between the two servers).
async fn enum_array_binary(client: &Client) -> (bool, Vec<u8>) {
    client
        .batch_execute("create type bin_mood as enum ('sad', 'ok')")
        .await
        .expect("create type");
    let enum_oid: u32 = client
        .query_one("select 'bin_mood'::regtype::oid", &[])
        .await
        .expect("enum oid")
        .get(0);
    let raw = client
        .query_one("select '{sad,NULL,ok}'::bin_mood[]", &[])
        .await
        .expect("enum array")
        .get::<_, Raw>(0)
        .0
        .expect("not null");
    // ndim, has-null flag, element OID, then the dimensions and elements.
    let header_oid = u32::from_be_bytes([raw[8], raw[9], raw[10], raw[11]]);
    let mut rest = raw[..8].to_vec();
    rest.extend_from_slice(&raw[12..]);
    (header_oid == enum_oid, rest)
}

#[tokio::test]
async fn enum_arrays_in_binary_name_their_enum_like_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let oracle = enum_array_binary(&pg.connect().await).await;
    let devdb = DevDb::start(&[]);
    let ours = enum_array_binary(&devdb.connect().await).await;
    assert!(oracle.0, "PostgreSQL names the enum in the header");
    assert_eq!(ours, oracle);
}
