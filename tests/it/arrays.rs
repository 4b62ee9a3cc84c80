//! One-dimensional arrays against PostgreSQL 15: column types, the text form, constructors,
//! subscripts, `= ANY`, operators, functions, array_agg and unnest (see `harness::compare`),
//! and the binary form through tokio-postgres with `Vec<..>` parameters and results.

use crate::binary::Raw;
use crate::harness::{DevDb, Postgres, compare, compare_extended, compare_parameter_types};

#[tokio::test]
async fn array_columns_store_and_print_like_postgres() {
    compare(&[
        "create table arr_t (id int primary key, tags text[], nums integer[], big _int8, \
         f float8 array, flags bool[], days date[], ts timestamptz[], ids uuid[], \
         n numeric[], j jsonb[], b bytea[], v varchar(5)[])",
        "insert into arr_t values (1, '{a,\"b c\",NULL,\"\",\"null\",\"q\\\"x\",\"back\\\\slash\"}', \
         '{1,2,3}', '{-9223372036854775808,0}', '{1.5,-0.25,Infinity}', '{t,f,NULL}', \
         '{2024-01-02,1999-12-31}', '{\"2024-01-02 03:04:05+00\"}', \
         '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{1.5,2}', '{\"{\\\"a\\\": 1}\"}', \
         '{\"\\\\x00ff\"}', '{ab,cd}')",
        "insert into arr_t (id, tags, nums) values (2, '{}', '{ 4 , 5 }'), (3, null, '{1,NULL}')",
        "select * from arr_t order by id",
        "select '{1,2}'::int[], '{}'::text[], ' { x , y } '::varchar[], '{1,2}'::int[]::bigint[]",
        "select '{1,2}'::int[]::text[], '{1.5,2.5}'::float8[]::int[], '{1,2}'::int[]::text",
        "select '{a,b'::text[]",
        "select '1,2'::int[]",
        "select '{1,,2}'::int[]",
        "select '{x}'::int[]",
        "select '{1}x'::int[]",
        "insert into arr_t (id, v) values (4, '{abcdef}')",
        "insert into arr_t (id, v) values (5, array['abc', 'abc  '])",
        "select v from arr_t where id = 5",
        "select '{abcdef,x}'::varchar(3)[]",
        "select format_type(1015, 7), format_type(1007, -1), format_type(1185, -1)",
    ])
    .await;
}

#[tokio::test]
async fn array_equality_order_and_unique_like_postgres() {
    compare(&[
        "create table arr_o (id int, a int[] unique)",
        "insert into arr_o values (1, '{1,2}'), (2, '{1,2,3}'), (3, '{1,3}'), (4, '{}'), \
         (5, '{-1}'), (6, '{1,NULL}'), (7, null), (8, '{10}'), (9, '{9}')",
        "select id, a from arr_o order by a, id",
        "select id from arr_o order by a desc, id",
        "insert into arr_o values (10, '{1,2}')",
        "select id from arr_o where a = '{1,3}'",
        "select id from arr_o where a > '{1,2}' order by id",
        "select array[1,2] = array[1,2], array[1,2] < array[1,2,3], array[2] > array[1,9], \
         '{a}'::text[] <> '{b}'",
        "select array[1] = array[1::bigint]",
        "select array[1] = array['a']",
    ])
    .await;
}

#[tokio::test]
async fn array_constructors_and_subscripts_like_postgres() {
    compare(&[
        "select array[1,2,3], array['a','b c'], array[1, 2.5], array[null, 1], array[true]",
        "select (array[1,2,3])[2], (array[1,2,3])[0], (array[1,2,3])[4], (array[1,2])['2']",
        "select (array[1,2])[1.5], (array[1,2,3])[1.4:2.6]",
        "select array[]",
        "select 1 = any(array[])",
        "select (array[1,2,3,4,5])[2:4], (array[1,2,3])[:2], (array[1,2,3])[2:], \
         (array[1,2,3])[3:1], (array['a','b'])[null]",
        "select array[]::int[], array(select 1 where false), array(select x from (values (3), (1), (2)) v(x) order by x)",
        "select array(select 'a' || x from (values (1), (2)) v(x))",
        "create table arr_s (id int, a text[])",
        "insert into arr_s values (1, array['x','y']), (2, array['z'])",
        "select id, a[1], a[2], a[1:1] from arr_s order by id",
        "select array[1, 'x']",
        "select (1)[1]",
    ])
    .await;
}

#[tokio::test]
async fn any_and_all_with_arrays_like_postgres() {
    compare(&[
        "create table arr_any (id int, name text)",
        "insert into arr_any values (1, 'a'), (2, 'b'), (3, 'c'), (4, null)",
        "select id from arr_any where id = any('{1,3}') order by id",
        "select id from arr_any where id = any(array[2,null]) order by id",
        "select id from arr_any where name = any(array['a','c']) order by id",
        "select id from arr_any where id <> all('{1,2}') order by id",
        "select id from arr_any where id > any('{2,3}') order by id",
        "select id from arr_any where id < all('{3,4}') order by id",
        "select id from arr_any where id = any(select 2) order by id",
        "select 1 = any(null::int[]), 1 = any('{}'), 1 <> all('{}'), null::int = any('{1}'), \
         2 = any('{1,null}'), 1 = any('{1,null}'), 1 <> all('{2,null}'), 1.5 = any('{1.5}'::float8[])",
        "select 1 = any(1)",
    ])
    .await;
}

#[tokio::test]
async fn array_operators_and_functions_like_postgres() {
    compare(&[
        "select array[1,2,3] @> array[2], array[1,2] @> array[3], array[1] <@ array[1,2], \
         array[1,null] @> array[null::int], array[1,2] && array[2,5], array[1] && array[3]",
        "select array[1,2] || array[3], array[1] || 2, 0 || array[1], array['a'] || 'b'::text, \
         array[1] || '{2,3}', array[1] || null, null::int[] || array[1]",
        "select array_length(array[1,2,3], 1), array_length('{}'::int[], 1), \
         array_length(array[1], 2), cardinality(array[1,2]), cardinality('{}'::int[]), \
         array_lower(array[5,6], 1), array_upper(array[5,6], 1), array_upper('{}'::int[], 1)",
        "select array_append(array[1,2], 3), array_prepend(0, array[1]), \
         array_cat(array[1], array[2,3]), array_append(null, 1), array_cat(null::int[], array[1])",
        "select array_remove(array[1,2,1,null], 1), array_remove(array[1,null], null), \
         array_position(array['a','b','c'], 'b'), array_position(array[1,2], 5)",
        "select array_to_string(array[1,null,3], ','), array_to_string(array[1,null,3], ',', '*'), \
         array_to_string('{}'::text[], '-')",
        "select string_to_array('a,b,,c', ','), string_to_array('abc', null), \
         string_to_array('a,NULL,b', ',', 'NULL'), string_to_array('', ','), string_to_array('abc', '')",
        "select cardinality(1)",
        "select '{a}'::varchar[] @> array['a']",
        "select '{a}'::varchar[] = array['a']",
        "select array[1]::int8[] @> array[1]",
        "select 1::int8 = any(array[1, 2]), 1.5 = any(array[1, 2]), 'a'::varchar = any(array['a'])",
        r#"select '{"a": {"b": [1, 2]}}'::jsonb #> array['a', 'b'], '{"a": 1}'::jsonb ?| array['a', 'z'], '{"a": 1}'::jsonb ?& array['a', 'z'], '{"a": {"b": 1}}'::json #>> '{a,b}'"#,
        "select array_to_json(array[1, 2]), to_json(array['a', null]), json_build_object('k', array[true])",
    ])
    .await;
}

#[tokio::test]
async fn array_agg_and_unnest_like_postgres() {
    compare(&[
        "create table arr_g (grp text, x int, t text)",
        "insert into arr_g values ('a', 3, 'p'), ('a', 1, null), ('b', 2, 'q'), ('a', 2, 'p')",
        "select grp, array_agg(x order by x), array_agg(t order by x desc) from arr_g group by grp order by grp",
        "select array_agg(distinct t order by t) from arr_g",
        "select array_agg(x) from arr_g where false",
        "select * from unnest(array[3,1,2])",
        "select u, u * 2 from unnest('{a,b,NULL}'::text[]) as u order by u",
        "select v from unnest(array['x','y']) as t(v)",
        "select count(*) from unnest('{}'::int[])",
        "select unnest from unnest(array[1.5, 2]::float8[])",
        "select * from unnest(array['\\x01'::bytea, '\\xff'])",
        "select * from unnest(array['a','b']) with ordinality",
        "select x, n from unnest(array[5,6]) with ordinality as t(x, n) order by n desc",
        "select g.grp, u from arr_g g, unnest(array[1,2]) u where g.x = 1 order by u",
        "select * from unnest(array[1,2,3], array['a','b']) as t(n, s)",
        "select * from unnest(array[1,2], array['x','y']) with ordinality as t(n, s, o) order by o desc",
        "select unnest(array[4,5])",
        "select grp, unnest(array[x, x * 10]) as v from arr_g order by grp, v",
        "select count(unnest(array[1]))",
        "select g.grp, u from arr_g g, unnest(array[g.x, g.x * 10]) u order by g.grp, u",
        "create table arr_k (id int, key text, value text, tags text[])",
        "insert into arr_k values (1, 'k1', 'v1', '{b,a}'), (2, 'k2', 'v2', '{}'), (3, 'k3', 'v3', null)",
        "select id, key, value, t from arr_k, unnest(tags) t order by id, t",
        "select * from arr_k, unnest(tags) with ordinality as u(tag, n) where key = 'k1' order by n",
        "select id, array_agg(t order by t desc) from arr_k, unnest(tags) t group by id",
        "select id, x, y from arr_k, unnest(tags, array[10, 20, 30]) as z(x, y) where id = 1 order by y",
        "select 1 from arr_g where unnest(array[1]) = 1",
    ])
    .await;
}

#[tokio::test]
async fn array_parameters_take_their_type_from_context_like_postgres() {
    compare_extended(&[
        "create table arr_p (id int8, tags text[])",
        "insert into arr_p values (1, '{a}'), (2, '{b,c}')",
        "select id from arr_p where id = any('{1,2}') order by id",
        "select tags, tags[2], array_length(tags, 1) from arr_p order by id",
        "select array[1,2] @> array[1]",
    ])
    .await;
}

/// tokio-postgres sends `Vec<..>` parameters in binary and reads arrays in binary: the
/// parameter types devdb describes and the values it returns must match PostgreSQL's.
async fn binary_transcript(client: &tokio_postgres::Client) -> Vec<String> {
    let mut out = Vec::new();
    client
        .batch_execute(
            "create table arr_bin (id int8 primary key, name text, tags text[], nums int4[])",
        )
        .await
        .expect("create");
    let ids: Vec<i64> = vec![1, 2, 3];
    let names: Vec<String> = vec!["one".into(), "two".into(), "three".into()];
    for (id, name) in ids.iter().zip(&names) {
        let tags: Vec<Option<String>> = vec![Some(format!("{name}!")), None, Some("a b".into())];
        let nums: Vec<i32> = vec![*id as i32, -1];
        client
            .execute(
                "insert into arr_bin values ($1, $2, $3, $4)",
                &[id, name, &tags, &nums],
            )
            .await
            .expect("insert");
    }
    let statement = client
        .prepare("select id, tags, nums from arr_bin where id = any($1) order by id")
        .await
        .expect("prepare");
    out.push(format!("params {:?}", statement.params()));
    let wanted: Vec<i64> = vec![1, 3, 99];
    for row in client.query(&statement, &[&wanted]).await.expect("query") {
        let id: i64 = row.get(0);
        let tags: Vec<Option<String>> = row.get(1);
        let nums: Vec<i32> = row.get(2);
        out.push(format!("{id} {tags:?} {nums:?}"));
    }
    let by_name = client
        .query(
            "select id from arr_bin where name = any($1) order by id",
            &[&vec!["two".to_owned(), "three".to_owned()]],
        )
        .await
        .expect("text any");
    out.push(format!(
        "{:?}",
        by_name
            .iter()
            .map(|r| r.get::<_, i64>(0))
            .collect::<Vec<_>>()
    ));
    let bulk = client
        .execute(
            "insert into arr_bin (id, name) select * from unnest($1::int8[], $2::text[])",
            &[
                &vec![10i64, 11],
                &vec!["ten".to_owned(), "eleven".to_owned()],
            ],
        )
        .await
        .expect("bulk insert");
    out.push(format!("bulk {bulk}"));
    for row in client
        .query(
            "select id, name from arr_bin where id >= 10 order by id",
            &[],
        )
        .await
        .expect("bulk rows")
    {
        out.push(format!(
            "{} {}",
            row.get::<_, i64>(0),
            row.get::<_, String>(1)
        ));
    }
    let spread = client
        .query(
            "select id, unnest(tags) as tag from arr_bin where id < 3 order by id, tag",
            &[],
        )
        .await
        .expect("select-list unnest");
    for row in spread {
        out.push(format!(
            "{} {:?}",
            row.get::<_, i64>(0),
            row.get::<_, Option<String>>(1)
        ));
    }
    let empty: Vec<i64> = Vec::new();
    let none = client
        .query("select id from arr_bin where id = any($1)", &[&empty])
        .await
        .expect("empty any");
    out.push(format!("empty {}", none.len()));
    let agg = client
        .query_one(
            "select array_agg(id order by id desc), array_agg(name order by id) from arr_bin",
            &[],
        )
        .await
        .expect("agg");
    let (a, b): (Vec<i64>, Vec<String>) = (agg.get(0), agg.get(1));
    out.push(format!("{a:?} {b:?}"));
    let echoed = client
        .query_one(
            "select $1::float8[], $2::bool[]",
            &[&vec![Some(1.5f64), None], &vec![true, false]],
        )
        .await
        .expect("echo");
    let (f, g): (Vec<Option<f64>>, Vec<bool>) = (echoed.get(0), echoed.get(1));
    out.push(format!("{f:?} {g:?}"));
    out
}

#[tokio::test]
async fn binary_array_parameters_and_results_like_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let database = pg.fresh_database("arrbin").await;
    let expected = binary_transcript(&pg.connect_to(&database).await).await;
    let devdb = DevDb::start(&[]);
    let actual = binary_transcript(&devdb.connect().await).await;
    assert_eq!(actual, expected);
}

/// One array literal per element type, in the spelling both servers accept.
const ARRAY_VALUES: &[(&str, &str)] = &[
    ("bool", "{t,NULL,f}"),
    ("int2", "{-32768,7}"),
    ("int4", "{}"),
    ("int4", "{2147483647,NULL}"),
    ("int8", "{-9223372036854775808}"),
    ("float4", "{1.5,-2}"),
    ("float8", "{-0.000123456789,Infinity}"),
    ("numeric", "{12345678901234,0}"),
    ("text", "{\"a b\",\"\",NULL,\"q\\\"x\"}"),
    ("varchar", "{abc}"),
    ("bytea", "{\"\\\\x00ff10\"}"),
    ("uuid", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"),
    ("date", "{2024-02-29,1999-12-31}"),
    ("timestamp", "{\"2024-02-29 13:14:15.123456\"}"),
    ("timestamptz", "{\"2024-02-29 13:14:15.5+00\"}"),
    ("json", "{\"{\\\"b\\\": 1}\"}"),
    ("jsonb", "{\"{\\\"a\\\": 1}\"}"),
];

/// Each array's binary bytes as a result, then those bytes sent back as a binary parameter.
async fn binary_arrays(client: &tokio_postgres::Client, sent: Option<&[Raw]>) -> Vec<Raw> {
    let mut out = Vec::new();
    for (i, (ty, literal)) in ARRAY_VALUES.iter().enumerate() {
        let row = match sent {
            None => {
                let sql = format!("select '{literal}'::{ty}[]");
                client.query_one(sql.as_str(), &[]).await
            }
            Some(raws) => {
                let sql = format!("select $1::{ty}[]");
                let raw = Raw(raws.get(i).and_then(|r| r.0.clone()));
                client.query_one(sql.as_str(), &[&raw]).await
            }
        }
        .unwrap_or_else(|e| panic!("{ty}[] {literal}: {e:?}"));
        out.push(row.get::<_, Raw>(0));
    }
    out
}

#[tokio::test]
async fn binary_array_bytes_match_postgres_for_every_element_type() {
    let Some(pg) = Postgres::start() else { return };
    let oracle = pg.connect().await;
    let expected = binary_arrays(&oracle, None).await;
    let echoed = binary_arrays(&oracle, Some(&expected)).await;
    let devdb = DevDb::start(&[]);
    let client = devdb.connect().await;
    let actual = binary_arrays(&client, None).await;
    let actual_echo = binary_arrays(&client, Some(&expected)).await;
    for (i, (ty, literal)) in ARRAY_VALUES.iter().enumerate() {
        assert_eq!(
            actual.get(i),
            expected.get(i),
            "binary result of {ty}[] {literal}"
        );
        assert_eq!(
            actual_echo.get(i),
            echoed.get(i),
            "binary parameter {ty}[] {literal}"
        );
    }
}

/// The parameter types devdb describes for `$n` in array contexts, as PostgreSQL infers them.
#[tokio::test]
async fn array_parameter_types_are_inferred_like_postgres() {
    let statements = [
        "select $1::int[]",
        "select id from arr_pt where tags = $1",
        "select id from arr_pt where id = any($1)",
        "select id from arr_pt where $1 = any(tags)",
        "select id from arr_pt where id <> all($1)",
        "select id from arr_pt where tags @> $1 or tags && $2 or tags <@ $3",
        "insert into arr_pt (id, tags, stamps) values ($1, $2, $3)",
        "update arr_pt set tags = $1 where id = any($2)",
        "select array_append(tags, $1), array_position(tags, $2), tags[$3], tags[$4:$5] from arr_pt",
        "select tags || $1 from arr_pt",
        "select array[$1, 'x'], array[$2, 1]",
        "select * from unnest($1::uuid[])",
    ];
    let setup = "create table arr_pt (id int8, tags text[], stamps timestamptz[])";
    compare_parameter_types(setup, &statements).await;
}
