//! A stable property test: random and mutated SQL never makes `translate` panic.
//! (cargo-fuzz explores deeper; this keeps the guarantee in every `cargo test`.)

use super::catalog;
use crate::translate;
use devdb_pg::PgType;

/// xorshift64*: deterministic, so a failure reproduces.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

const FRAGMENTS: &[&str] = &[
    "select",
    "insert into",
    "update",
    "delete from",
    "from",
    "where",
    "set",
    "values",
    "(",
    ")",
    ",",
    ";",
    "*",
    "t",
    "u",
    "pgbench_accounts",
    "id",
    "name",
    "big",
    "small",
    "flag",
    "price",
    "ratio",
    "ts",
    "day",
    "doc",
    "bin",
    "uid",
    "note",
    "t_id",
    "abalance",
    "aid",
    "=",
    "<>",
    "<",
    "+",
    "-",
    "/",
    "%",
    "||",
    "and",
    "or",
    "not",
    "is",
    "null",
    "true",
    "false",
    "1",
    "0",
    "-2147483648",
    "9223372036854775808",
    "1.5",
    "1e400",
    "'x'",
    "''",
    "'2024-01-01'",
    "$1",
    "$2",
    "$0",
    "$99999",
    "::int",
    "::text",
    "::timestamptz",
    "::varchar(2)",
    "::numeric(3,1)",
    "::regclass",
    "cast(",
    "as",
    "count(*)",
    "sum(",
    "avg(",
    "coalesce(",
    "nullif(",
    "greatest(",
    "now()",
    "nextval('s')",
    "generate_series(1, 3)",
    "group by",
    "having",
    "order by",
    "desc",
    "nulls first",
    "limit",
    "offset",
    "union",
    "intersect",
    "except",
    "all",
    "distinct",
    "join",
    "left join",
    "on",
    "cross join",
    "exists",
    "in",
    "between",
    "like",
    "ilike",
    "escape",
    "case",
    "when",
    "then",
    "else",
    "end",
    "with",
    "recursive",
    "returning",
    "default",
    "create table",
    "drop table",
    "if exists",
    "primary key",
    "serial",
    "int",
    "char(3)",
    "alter table",
    "add",
    "truncate",
    "vacuum",
    "analyze",
    "begin",
    "commit",
    "rollback",
    "savepoint",
    "show",
    "reset",
    "lateral",
    "explain",
    "using gin",
    "using hash",
    "with (fillfactor = 70)",
    "'[1,5)'",
    "'(,\"a b\"]'",
    "'empty'",
    "'é'",
    "::int4range",
    "::daterange",
    "numrange",
    "&&",
    "@>",
    "<@",
    "-|-",
    "exclude using gist",
    "to_tsvector(",
    "to_tsquery(",
    "websearch_to_tsquery(",
    "ts_rank(",
    "setweight(",
    "'english'",
    "@@",
    "<->",
    "!!",
    "::tsvector",
    "::tsquery",
    "::regconfig",
    "'a:1A,2 b:*'",
    "'!(a | b:*C) <2> c'",
    "'\\'",
    "E'\\n'",
    "$$x$$",
    "\"Quoted\"",
    "--c\n",
    "/*",
    "*/",
    "[",
    "]",
    "?",
    "@",
    "#",
];

const SEEDS: &[&str] = &[
    "select id, name from t where id = $1 order by name limit 3",
    "insert into t (name, ts) values ('a', '2024-01-01') returning id",
    "update pgbench_accounts set abalance = abalance + $1 where aid = $2",
    "select count(*) from u join t on t.id = u.t_id group by t.name having count(*) > 1",
    "with recursive r(n) as (select 1 union all select n + 1 from r where n < 5) select * from r",
    "create table z (id serial primary key, v varchar(3) default 'a', n numeric(5,2))",
    "select x from generate_series(1, 10, 2) as g(x) union select 1 order by 1",
    "select case when flag then 'y' else 'n' end, coalesce(big, small, 0) from t",
    "explain (costs off, verbose) update t set name = $1 where id = 2",
    "create index if not exists ti on t using gin (doc jsonb_path_ops) with (fastupdate = off)",
    "select int4range(1, 5, '[]') @> 3, '[1.5,2)'::numrange && numrange(1, 2), lower('(,3]'::int8range)",
    "create table b (r int, d daterange, exclude using gist (r with =, d with &&))",
    "select ts_rank(setweight(to_tsvector('english', name), 'A'), to_tsquery('a & !b:*')) from t where to_tsvector(name) @@ 'x <-> y'::tsquery",
];

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if at < chars.len() => {
                let len = rng.below(6).min(chars.len() - at);
                chars.drain(at..at + len);
            }
            1 => {
                let frag: Vec<char> = format!(" {} ", rng.pick(FRAGMENTS)).chars().collect();
                chars.splice(at..at, frag);
            }
            _ => {
                let c = char::from_u32(rng.below(0x80) as u32).unwrap_or(' ');
                chars.insert(at.min(chars.len()), c);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn translate_never_panics() {
    let catalog = catalog();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let types: [&[Option<PgType>]; 3] = [&[], &[Some(PgType::Int4)], &[None, Some(PgType::Text)]];
    for i in 0..6000 {
        let sql = if i % 2 == 0 {
            (0..=rng.below(12))
                .map(|_| rng.pick(FRAGMENTS))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            let seed = rng_seed(&mut rng);
            mutate(&mut rng, seed)
        };
        let params = types[i % types.len()];
        let result = std::panic::catch_unwind(|| translate(&sql, &catalog, params));
        assert!(result.is_ok(), "translate panicked on {sql:?}");
    }
}

fn rng_seed(rng: &mut Rng) -> &'static str {
    SEEDS.get(rng.below(SEEDS.len())).copied().unwrap_or("")
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let sql = format!("select {}1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(translate(&sql, &catalog(), &[]).is_err());
    for n in [100, 1000, 10_000] {
        let sql = format!("select 1{}", " + 1".repeat(n));
        let _ = translate(&sql, &catalog(), &[]);
        let sql = format!("select 1{}", " union select 1".repeat(n));
        let _ = translate(&sql, &catalog(), &[]);
        let sql = format!(
            "select {}1{}",
            "(select ".repeat(n / 10),
            ")".repeat(n / 10)
        );
        let _ = translate(&sql, &catalog(), &[]);
    }
}

/// Statements with integers in every place lifting must tell apart.
const LIFT_SEEDS: &[&str] = &[
    "SELECT abalance FROM pgbench_accounts WHERE aid = 12345;",
    "update t set x = x + -3, y = 2 where id >= 12 and y<>7 -- 5\n and z*4 < 9",
    "select 'a=1' || $$=2$$ || E'\\'=3' from t where \"x=4\" = 5 /* = 6 /* =7 */ */ and q = 8",
    "delete from t where a=-5 and b<-6 and c>=+7 and d !=8 and e % 9 = 0 order by 1 limit 10",
    "with r as (select 1 from t where x = 2) select * from r where y = 3 and z = 4.5 and w = 6e2",
    "select x from t where x = 3000000000 and y = 99999999999999999999 and z = 1::text",
];

/// Lifting changes nothing but the lifted numbers: sqlparser reads the original and the lifted
/// text as the same tokens, except that each lifted integer became its `$n`.
#[test]
fn lifting_replaces_integer_tokens_only() {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};

    let tokens = |sql: &str| -> Option<Vec<Token>> {
        let all = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()?;
        Some(
            all.into_iter()
                .filter(|t| !matches!(t, Token::Whitespace(_)))
                .collect(),
        )
    };
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut lifted_count = 0;
    let mut compared = 0;
    for i in 0..6000 {
        let seed = LIFT_SEEDS
            .get(rng.below(LIFT_SEEDS.len()))
            .copied()
            .unwrap_or("");
        let sql = if i % 3 == 0 {
            seed.to_owned()
        } else {
            mutate(&mut rng, seed)
        };
        let Some(lifted) = crate::literals::lift(&sql) else {
            continue;
        };
        lifted_count += 1;
        let (before, after) = match (tokens(&sql), tokens(&lifted.sql)) {
            (Some(before), Some(after)) => (before, after),
            // Text sqlparser cannot read stays unreadable: the client gets its syntax error.
            (None, None) => continue,
            _ => panic!("tokenizes differently: {sql:?} -> {:?}", lifted.sql),
        };
        compared += 1;
        assert_eq!(before.len(), after.len(), "{sql:?} -> {:?}", lifted.sql);
        for (b, a) in before.iter().zip(&after) {
            if b == a {
                continue;
            }
            let (Token::Number(digits, false), Token::Placeholder(p)) = (b, a) else {
                panic!("{b:?} became {a:?}: {sql:?} -> {:?}", lifted.sql);
            };
            let n: usize = p.trim_start_matches('$').parse().expect("a $n");
            let value = lifted.values.get(n - 1).expect("its value");
            assert_eq!(
                *value,
                devdb_pg::Value::Int(digits.parse().expect("an integer")),
                "{sql:?}"
            );
        }
    }
    assert!(
        lifted_count > 1000 && compared > 1000,
        "only {lifted_count} texts were lifted, {compared} compared"
    );
}
