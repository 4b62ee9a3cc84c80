use devdb_pg::Value;
use devdb_sql::Cursor;
use devdb_sql::cursor::Direction::{self, *};

use super::OpenCursor;

fn cursor(n: i64, scroll: Option<bool>) -> OpenCursor {
    OpenCursor {
        spec: Cursor {
            name: "c".into(),
            columns: Vec::new(),
            scroll,
            hold: false,
            binary: false,
        },
        rows: (1..=n).map(|i| vec![Value::Int(i)]).collect(),
        position: 0,
        uncommitted: true,
    }
}

/// The row numbers each step fetches, one step after another.
fn walk(c: &mut OpenCursor, steps: &[Direction]) -> Vec<Vec<usize>> {
    steps
        .iter()
        .map(|d| {
            let rows = c.walk(*d).expect("walk");
            rows.iter().map(|i| i + 1).collect()
        })
        .collect()
}

#[test]
fn fetches_walk_the_rows_as_postgres_does() {
    let mut c = cursor(5, None);
    let got = walk(
        &mut c,
        &[
            Forward(Some(2)),
            Relative(0),
            Backward(Some(5)),
            Backward(Some(1)),
            Absolute(-1),
            Forward(Some(1)),
            Forward(Some(1)),
            Backward(None),
            Absolute(3),
            Relative(-2),
            Relative(10),
            Forward(None),
            Absolute(0),
            Forward(None),
        ],
    );
    let expected: Vec<Vec<usize>> = vec![
        vec![1, 2],
        vec![2],
        vec![1],
        vec![],
        vec![5],
        vec![],
        vec![],
        vec![5, 4, 3, 2, 1],
        vec![3],
        vec![1],
        vec![],
        vec![],
        vec![],
        vec![1, 2, 3, 4, 5],
    ];
    assert_eq!(got, expected);
}

#[test]
fn no_scroll_cursors_refuse_to_go_back() {
    let mut c = cursor(3, Some(false));
    assert_eq!(
        walk(&mut c, &[Forward(Some(2)), Absolute(3)]),
        vec![vec![1, 2], vec![3]]
    );
    for back in [Backward(Some(1)), Absolute(1), Relative(-1)] {
        let err = c.walk(back).expect_err("backward on NO SCROLL");
        assert_eq!(
            err.code,
            devdb_pg::SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE
        );
    }
}
