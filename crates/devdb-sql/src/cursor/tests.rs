use super::{Direction, Fetch};
use crate::Parsed;

fn fetch(sql: &str) -> Fetch {
    match crate::parse(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
        .as_slice()
    {
        [Parsed::Fetch(f)] => f.clone(),
        other => panic!("{sql}: {other:?}"),
    }
}

#[test]
fn directions_as_postgres_reads_them() {
    use Direction::*;
    let cases = [
        ("FETCH c", Forward(Some(1))),
        ("fetch next from c", Forward(Some(1))),
        ("FETCH PRIOR FROM c", Backward(Some(1))),
        ("FETCH FIRST IN c", Absolute(1)),
        ("FETCH LAST c", Absolute(-1)),
        ("FETCH ABSOLUTE -2 FROM c", Absolute(-2)),
        ("FETCH RELATIVE 0 FROM c", Relative(0)),
        ("FETCH 5 FROM c", Forward(Some(5))),
        ("FETCH -5 FROM c", Backward(Some(5))),
        ("FETCH 0 FROM c", Relative(0)),
        ("FETCH ALL FROM c", Forward(None)),
        ("FETCH FORWARD FROM c", Forward(Some(1))),
        ("FETCH FORWARD 100 FROM \"c\"", Forward(Some(100))),
        ("FETCH FORWARD -3 FROM c", Backward(Some(3))),
        ("FETCH FORWARD ALL FROM c", Forward(None)),
        ("FETCH BACKWARD 2 FROM c", Backward(Some(2))),
        ("FETCH BACKWARD ALL FROM c", Backward(None)),
    ];
    for (sql, direction) in cases {
        let f = fetch(sql);
        assert_eq!(
            (f.cursor.as_str(), f.direction, f.move_only),
            ("c", direction, false),
            "{sql}"
        );
    }
    let m = fetch("MOVE LAST IN \"Big\"");
    assert_eq!(
        (m.cursor.as_str(), m.direction, m.move_only),
        ("Big", Absolute(-1), true)
    );
}

#[test]
fn malformed_fetch_is_a_syntax_error() {
    for sql in [
        "FETCH",
        "FETCH FROM",
        "FETCH ABSOLUTE FROM c",
        "FETCH NEXT FROM c d",
        "MOVE 1 FROM 2",
    ] {
        let err = crate::parse(sql).expect_err(sql);
        assert_eq!(err.code, devdb_pg::SqlState::SYNTAX_ERROR, "{sql}");
    }
}
