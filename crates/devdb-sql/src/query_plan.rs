//! EXPLAIN's output: SQLite's query plan (`EXPLAIN QUERY PLAN` rows) in the shape of
//! PostgreSQL's text format, one line per node, children under `->` and indented.
//!
//! The nodes are SQLite's, named as PostgreSQL names the same operation: a full scan is a
//! Seq Scan, an index lookup an Index Scan, a temporary B-tree for ORDER BY a Sort above the
//! scans, and several scans a Nested Loop (SQLite joins no other way). No costs: SQLite keeps
//! none that mean what PostgreSQL's do.

/// One row of SQLite's `EXPLAIN QUERY PLAN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRow {
    pub id: i64,
    pub parent: i64,
    pub detail: String,
}

/// A node of the plan as it prints: its line, the lines under it that are not nodes, and its
/// children.
struct Node {
    title: String,
    properties: Vec<String>,
    children: Vec<Node>,
}

/// The plan's lines. `top` is the node PostgreSQL puts above a data-modifying statement's scans
/// (`Update on t`).
pub fn lines(rows: &[PlanRow], top: Option<&str>) -> Vec<String> {
    let mut roots = children_of(rows, 0);
    if roots.is_empty() {
        roots.push(leaf("Result".to_owned()));
    }
    let root = match top {
        Some(title) => Node {
            title: title.to_owned(),
            properties: Vec::new(),
            children: vec![wrap_steps(roots)],
        },
        None => wrap_steps(roots),
    };
    let mut out = Vec::new();
    print(&root, 0, &mut out);
    out
}

fn leaf(title: String) -> Node {
    Node {
        title,
        properties: Vec::new(),
        children: Vec::new(),
    }
}

/// The nodes under `parent`, SQLite's steps (temporary B-trees) still among them. The rows
/// that only group the parts of a compound query (`LEFT-MOST SUBQUERY`, `UNION ALL`) give way
/// to their children, which PostgreSQL shows directly under the Append.
fn children_of(rows: &[PlanRow], parent: i64) -> Vec<Node> {
    let mut out = Vec::new();
    for row in rows.iter().filter(|r| r.parent == parent) {
        let below = children_of(rows, row.id);
        if is_compound_part(&row.detail) {
            out.extend(below.into_iter().map(|n| wrap_steps(vec![n])));
            continue;
        }
        let mut node = node_for(&row.detail);
        match node.title.as_str() {
            "Append" => node.children = below,
            _ if !below.is_empty() => node.children.push(wrap_steps(below)),
            _ => {}
        }
        out.push(node);
    }
    out
}

fn is_compound_part(detail: &str) -> bool {
    detail == "LEFT-MOST SUBQUERY"
        || ["UNION", "EXCEPT", "INTERSECT"]
            .iter()
            .any(|op| detail.starts_with(&format!("{op} ")))
}

/// One node for sibling rows: SQLite lists the temporary B-trees of ORDER BY, GROUP BY and
/// DISTINCT beside the scans they consume, PostgreSQL puts Sort, GroupAggregate and Unique
/// above them; sibling scans are a nested loop.
fn wrap_steps(siblings: Vec<Node>) -> Node {
    let (steps, scans): (Vec<Node>, Vec<Node>) = siblings
        .into_iter()
        .partition(|n| n.title.starts_with("USE TEMP B-TREE FOR "));
    let mut node = match scans.len() {
        0 | 1 => scans
            .into_iter()
            .next()
            .unwrap_or_else(|| leaf("Result".to_owned())),
        _ => Node {
            title: "Nested Loop".to_owned(),
            properties: Vec::new(),
            children: scans,
        },
    };
    for step in steps {
        let title = match step.title.trim_start_matches("USE TEMP B-TREE FOR ") {
            "GROUP BY" => "GroupAggregate",
            "DISTINCT" => "Unique",
            _ => "Sort",
        };
        node = Node {
            title: title.to_owned(),
            properties: Vec::new(),
            children: vec![node],
        };
    }
    node
}

/// A SQLite plan row as PostgreSQL would name the operation.
fn node_for(detail: &str) -> Node {
    let detail = detail.trim_end_matches(" LEFT-JOIN");
    let (head, condition) = match detail.rfind(" (") {
        Some(at) if detail.ends_with(')') => (&detail[..at], Some(&detail[at + 1..])),
        _ => (detail, None),
    };
    let words: Vec<&str> = head.split(' ').collect();
    let title = match words.as_slice() {
        ["SCAN", "CONSTANT", "ROW"] => "Result".to_owned(),
        ["SCAN", table] => format!("Seq Scan on {table}"),
        ["SCAN" | "SEARCH", table, "USING", "INDEX", index] => {
            format!("Index Scan using {index} on {table}")
        }
        [
            "SCAN" | "SEARCH",
            table,
            "USING",
            "COVERING",
            "INDEX",
            index,
        ] => {
            format!("Index Only Scan using {index} on {table}")
        }
        ["SEARCH", table, "USING", "INTEGER" | "PRIMARY", ..] => format!("Index Scan on {table}"),
        ["SEARCH", table, "USING", "AUTOMATIC", ..] => {
            format!("Index Scan using automatic index on {table}")
        }
        ["SCAN", table, "VIRTUAL", "TABLE", ..] => format!("Function Scan on {table}"),
        ["CO-ROUTINE" | "MATERIALIZE", name] => format!("Subquery Scan on {name}"),
        ["SCALAR" | "CORRELATED" | "LIST", .., "SUBQUERY", n] => format!("SubPlan {n}"),
        ["COMPOUND", "QUERY"] => "Append".to_owned(),
        _ => head.to_owned(),
    };
    let properties = match (title.contains("Index"), condition) {
        (true, Some(c)) => vec![format!("Index Cond: {c}")],
        _ => Vec::new(),
    };
    Node {
        title,
        properties,
        children: Vec::new(),
    }
}

/// PostgreSQL's text format: a child's line starts `->  `, indented six spaces per level below
/// the first; a node's other lines sit under its title.
fn print(node: &Node, depth: usize, out: &mut Vec<String>) {
    let (title_indent, property_indent) = match depth {
        0 => (String::new(), "  ".to_owned()),
        d => (
            format!("{}->  ", " ".repeat(6 * (d - 1) + 2)),
            " ".repeat(6 * d + 2),
        ),
    };
    out.push(format!("{title_indent}{}", node.title));
    for property in &node.properties {
        out.push(format!("{property_indent}{property}"));
    }
    for child in &node.children {
        print(child, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(list: &[(i64, i64, &str)]) -> Vec<PlanRow> {
        list.iter()
            .map(|(id, parent, detail)| PlanRow {
                id: *id,
                parent: *parent,
                detail: (*detail).to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_scan_sorted_prints_as_postgresql_nests_it() {
        let plan = rows(&[(2, 0, "SCAN t"), (9, 0, "USE TEMP B-TREE FOR ORDER BY")]);
        assert_eq!(lines(&plan, None), ["Sort", "  ->  Seq Scan on t"]);
    }

    #[test]
    fn joins_are_nested_loops_with_index_conditions() {
        let plan = rows(&[
            (3, 0, "SCAN a"),
            (5, 0, "SEARCH b USING INDEX b_a (a_id=?)"),
        ]);
        assert_eq!(
            lines(&plan, Some("Update on a")),
            [
                "Update on a",
                "  ->  Nested Loop",
                "        ->  Seq Scan on a",
                "        ->  Index Scan using b_a on b",
                "              Index Cond: (a_id=?)",
            ]
        );
    }

    #[test]
    fn compound_queries_append_their_parts() {
        let plan = rows(&[
            (1, 0, "COMPOUND QUERY"),
            (2, 1, "LEFT-MOST SUBQUERY"),
            (4, 2, "SCAN a"),
            (8, 1, "UNION ALL"),
            (10, 8, "SEARCH b USING INDEX b_x (x=?) LEFT-JOIN"),
        ]);
        assert_eq!(
            lines(&plan, None),
            [
                "Append",
                "  ->  Seq Scan on a",
                "  ->  Index Scan using b_x on b",
                "        Index Cond: (x=?)",
            ]
        );
    }

    #[test]
    fn no_rows_is_a_result() {
        assert_eq!(lines(&[], None), ["Result"]);
        assert_eq!(
            lines(&[], Some("Insert on t")),
            ["Insert on t", "  ->  Result"]
        );
    }
}
