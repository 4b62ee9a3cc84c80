use devdb_pg::Value;

use super::*;

fn call(f: fn(&[Value]) -> Result<Value, PgError>, args: &[&str]) -> String {
    let args: Vec<Value> = args.iter().map(|a| Value::Text((*a).to_owned())).collect();
    match f(&args).expect("no error") {
        Value::Text(s) => s,
        other => format!("{other:?}"),
    }
}

#[test]
fn documents_as_postgresql() {
    assert_eq!(
        call(
            to_tsvector,
            &[
                "english",
                "The Fat Rats ate supernova-stars at foo@bar.com 1.5"
            ]
        ),
        "'1.5':10 'ate':4 'fat':2 'foo@bar.com':9 'rat':3 'star':7 'supernova':6 'supernova-star':5"
    );
    assert_eq!(
        call(to_tsvector, &["simple", "The cat, the hat"]),
        "'cat':2 'hat':4 'the':1,3"
    );
}

#[test]
fn queries_as_postgresql() {
    assert_eq!(
        call(to_tsquery, &["english", "fat & (rat | cat) & !dog & the"]),
        "'fat' & ( 'rat' | 'cat' ) & !'dog'"
    );
    assert_eq!(
        call(phraseto_tsquery, &["english", "fat the cat"]),
        "'fat' <2> 'cat'"
    );
    assert_eq!(
        call(plainto_tsquery, &["english", "The fat cats"]),
        "'fat' & 'cat'"
    );
    assert_eq!(call(plainto_tsquery, &["english", "the"]), "");
    assert_eq!(
        call(
            websearch_to_tsquery,
            &["english", "\"supernovae stars\" -crab or fat"]
        ),
        "'supernova' <-> 'star' & !'crab' | 'fat'"
    );
}

#[test]
fn matches_phrases_with_positions() {
    let m = |v: &str, q: &str| {
        matches(
            &TsVector::parse(v).expect("vector"),
            &TsQuery::parse(q).expect("query"),
        )
    };
    assert!(m("a:1 b:2", "a <-> b"));
    assert!(!m("a:1 b:3", "a <-> b"));
    assert!(m("a:1 b:3", "a <2> b"));
    assert!(m("a:1 b:2 c:3", "a <-> (b <-> c)"));
    assert!(!m("a b", "a <-> b"));
    assert!(m("a b", "a & b"));
    assert!(m("a", "a:A"));
    assert!(!m("a:1", "a:A"));
    assert!(m("abc:1", "ab:*"));
    assert!(m("a:1 c:2", "a <-> !b"));
    assert!(!m("a:1 b:2", "a <-> !b"));
}

#[test]
fn ranks_as_postgresql() {
    let r = |v: &str, q: &str| {
        rank(
            &rank::DEFAULT_WEIGHTS,
            &TsVector::parse(v).expect("vector"),
            &TsQuery::parse(q).expect("query"),
            0,
        )
    };
    assert_eq!(r("a:1 b:2", "zz & yy"), 1e-20);
    assert!(r("a:1 b:2", "a & b") > 0.0);
    assert!(r("a:1 b:2", "a | b") > 0.0);
}

/// Random text from pieces that matter to the parsers, from the fuzz test's generator.
struct Rng(crate::tests::fuzz::Rng);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next()
    }

    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a", "b", "fat", "the", "Rats", "é", "ü", "-", "+", "'", "''", "\\", ":", "1", "2A",
            "*", "!", "&", "|", "(", ")", "<", ">", "<->", "<2>", "<-1>", "<99999>", " ", ",", ".",
            "/", "@", "_", "http://", "x.org", "<b>", "&amp;", "\"", " or ", "e5", "\u{1}",
            "16384", ":*AB", "ab:*", "\t",
        ];
        let n = (self.next() % 12) as usize;
        (0..n)
            .map(|_| {
                let i = (self.next() % PIECES.len() as u64) as usize;
                PIECES.get(i).copied().unwrap_or("")
            })
            .collect()
    }
}

/// Random and malformed text never panics: tsvector and tsquery input, the document and query
/// functions, `@@`, the ranks, and binary round trips of whatever parses.
#[test]
fn random_text_never_panics() {
    let mut rng = Rng(crate::tests::fuzz::Rng(0x5eed_f7f5));
    for _ in 0..4000 {
        let a = rng.text();
        let b = rng.text();
        let v = TsVector::parse(&a);
        let q = TsQuery::parse(&b);
        for config in ["english", "simple"] {
            let args = [Value::Text(config.to_owned()), Value::Text(a.clone())];
            let _ = to_tsvector(&args);
            let _ = to_tsquery(&args);
            let _ = plainto_tsquery(&args);
            let _ = phraseto_tsquery(&args);
            let _ = websearch_to_tsquery(&args);
        }
        let doc = document(Config::English, &b);
        if let Ok(q) = &q {
            let _ = matches(&doc, q);
            let _ = rank(&rank::DEFAULT_WEIGHTS, &doc, q, 63);
            let _ = rank_cd(&rank::DEFAULT_WEIGHTS, &doc, q, 63);
            let mut out = bytes::BytesMut::new();
            q.to_binary(&mut out);
            if q.root.is_some() {
                assert_eq!(TsQuery::from_binary(&out).ok().as_ref(), Some(q), "{b}");
            }
            assert_eq!(TsQuery::parse(&q.to_string()).ok().as_ref(), Some(q), "{b}");
        }
        if let Ok(v) = &v {
            let mut out = bytes::BytesMut::new();
            v.to_binary(&mut out);
            assert_eq!(TsVector::from_binary(&out).ok().as_ref(), Some(v), "{a}");
            assert_eq!(
                TsVector::parse(&v.to_string()).ok().as_ref(),
                Some(v),
                "{a}"
            );
            let _ = TsVector::from_binary(a.as_bytes());
            let _ = TsQuery::from_binary(b.as_bytes());
        }
    }
}

#[test]
fn postgresql_qsort_sorts() {
    let mut rng = crate::tests::fuzz::Rng(7);
    for n in 0..200 {
        let mut v: Vec<u64> = (0..n).map(|_| rng.next() % 10).collect();
        let mut expected = v.clone();
        expected.sort();
        rank::pg_qsort(&mut v, &|a: &u64, b: &u64| a.cmp(b));
        assert_eq!(v, expected);
    }
}
