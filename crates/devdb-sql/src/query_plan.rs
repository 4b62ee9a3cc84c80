//! EXPLAIN's output: SQLite's query plan (`EXPLAIN QUERY PLAN` rows) in the shape of
//! PostgreSQL's text format, one line per node, children under `->` and indented.
//!
//! The nodes are SQLite's, named as PostgreSQL names the same operation: a full scan is a
//! Seq Scan, an index lookup an Index Scan, a temporary B-tree for ORDER BY a Sort above the
//! scans, and several scans a Nested Loop (SQLite joins no other way). No costs: SQLite keeps
//! none that mean what PostgreSQL's do. The same tree prints in PostgreSQL's JSON format too
//! (`EXPLAIN (FORMAT JSON)`, which tools such as pgAdmin and DBeaver send).

use devdb_pg::value::json::Json;

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
    /// The JSON format's "Node Type", and its fields after "Async Capable" (relation, index,
    /// index condition).
    node_type: String,
    fields: Vec<(&'static str, String)>,
    /// A data-modifying statement's "Operation" (Insert, Update, Delete).
    operation: Option<String>,
}

/// The plan's lines. `top` is the node PostgreSQL puts above a data-modifying statement's scans
/// (`Update on t`).
pub fn lines(rows: &[PlanRow], top: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    print(&tree(rows, top), 0, &mut out);
    out
}

/// The plan in PostgreSQL's JSON format: `[{"Plan": {...}}]`, indented as PostgreSQL indents
/// it, with the fields devdb knows (no costs, as in the text format).
pub fn json(rows: &[PlanRow], top: Option<&str>) -> String {
    let mut out = String::from("[\n  {\n    \"Plan\": ");
    print_json(&tree(rows, top), None, 2, &mut out);
    out.push_str("\n  }\n]");
    out
}

fn tree(rows: &[PlanRow], top: Option<&str>) -> Node {
    let mut roots = children_of(rows, 0);
    if roots.is_empty() {
        roots.push(leaf("Result".to_owned()));
    }
    match top {
        Some(title) => {
            let mut node = leaf(title.to_owned());
            // `Insert on t`: PostgreSQL's ModifyTable node.
            if let Some((operation, table)) = title.split_once(" on ") {
                node.node_type = "ModifyTable".to_owned();
                node.operation = Some(operation.to_owned());
                node.fields = relation_fields(table);
            }
            node.children = vec![wrap_steps(roots)];
            node
        }
        None => wrap_steps(roots),
    }
}

fn leaf(title: String) -> Node {
    Node {
        node_type: title.clone(),
        title,
        properties: Vec::new(),
        children: Vec::new(),
        fields: Vec::new(),
        operation: None,
    }
}

fn relation_fields(table: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Relation Name", table.to_owned()),
        ("Alias", table.to_owned()),
    ]
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
            children: scans,
            ..leaf("Nested Loop".to_owned())
        },
    };
    for step in steps {
        let title = match step.title.trim_start_matches("USE TEMP B-TREE FOR ") {
            "GROUP BY" => "GroupAggregate",
            "DISTINCT" => "Unique",
            _ => "Sort",
        };
        node = Node {
            children: vec![node],
            ..leaf(title.to_owned())
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
    let index_scan = |kind: &str, index: &str, table: &str| {
        let mut fields = vec![
            ("Scan Direction", "Forward".to_owned()),
            ("Index Name", index.to_owned()),
        ];
        fields.extend(relation_fields(table));
        (
            format!("{kind} using {index} on {table}"),
            kind.to_owned(),
            fields,
        )
    };
    let (title, node_type, mut fields) = match words.as_slice() {
        ["SCAN", "CONSTANT", "ROW"] => ("Result".to_owned(), "Result".to_owned(), Vec::new()),
        ["SCAN", table] => (
            format!("Seq Scan on {table}"),
            "Seq Scan".to_owned(),
            relation_fields(table),
        ),
        ["SCAN" | "SEARCH", table, "USING", "INDEX", index] => {
            index_scan("Index Scan", index, table)
        }
        [
            "SCAN" | "SEARCH",
            table,
            "USING",
            "COVERING",
            "INDEX",
            index,
        ] => index_scan("Index Only Scan", index, table),
        ["SEARCH", table, "USING", "INTEGER" | "PRIMARY", ..] => (
            format!("Index Scan on {table}"),
            "Index Scan".to_owned(),
            relation_fields(table),
        ),
        ["SEARCH", table, "USING", "AUTOMATIC", ..] => {
            index_scan("Index Scan", "automatic index", table)
        }
        ["SCAN", table, "VIRTUAL", "TABLE", ..] => (
            format!("Function Scan on {table}"),
            "Function Scan".to_owned(),
            vec![("Alias", (*table).to_owned())],
        ),
        ["CO-ROUTINE" | "MATERIALIZE", name] => (
            format!("Subquery Scan on {name}"),
            "Subquery Scan".to_owned(),
            vec![("Alias", (*name).to_owned())],
        ),
        ["SCALAR" | "CORRELATED" | "LIST", .., "SUBQUERY", n] => (
            format!("SubPlan {n}"),
            "Result".to_owned(),
            vec![("Subplan Name", format!("SubPlan {n}"))],
        ),
        ["COMPOUND", "QUERY"] => ("Append".to_owned(), "Append".to_owned(), Vec::new()),
        _ => (head.to_owned(), head.to_owned(), Vec::new()),
    };
    let properties = match (title.contains("Index"), condition) {
        (true, Some(c)) => {
            fields.push(("Index Cond", c.to_owned()));
            vec![format!("Index Cond: {c}")]
        }
        _ => Vec::new(),
    };
    Node {
        properties,
        node_type,
        fields,
        ..leaf(title)
    }
}

/// One node in PostgreSQL's JSON format at `depth` (its opening brace already placed), with
/// the relationship to its parent PostgreSQL names (Outer, Inner, Member, ...).
fn print_json(node: &Node, relationship: Option<&str>, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth + 1);
    let string = |s: &str| Json::String(s.to_owned()).to_jsonb_text();
    let mut lines = vec![format!("\"Node Type\": {}", string(&node.node_type))];
    if let Some(operation) = &node.operation {
        lines.push(format!("\"Operation\": {}", string(operation)));
    }
    if let Some(relationship) = relationship {
        lines.push(format!("\"Parent Relationship\": {}", string(relationship)));
    }
    lines.push("\"Parallel Aware\": false".to_owned());
    lines.push("\"Async Capable\": false".to_owned());
    for (key, value) in &node.fields {
        lines.push(format!("\"{key}\": {}", string(value)));
    }
    out.push_str("{\n");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(&indent);
        out.push_str(line);
    }
    if !node.children.is_empty() {
        out.push_str(",\n");
        out.push_str(&indent);
        out.push_str("\"Plans\": [");
        for (i, child) in node.children.iter().enumerate() {
            let relationship = match (node.node_type.as_str(), &child.fields[..]) {
                (_, [("Subplan Name", _)]) => "SubPlan",
                ("Append", _) => "Member",
                ("Subquery Scan", _) => "Subquery",
                ("Nested Loop", _) if i > 0 => "Inner",
                _ => "Outer",
            };
            out.push_str(if i > 0 { ",\n" } else { "\n" });
            out.push_str(&"  ".repeat(depth + 2));
            print_json(child, Some(relationship), depth + 2, out);
        }
        out.push('\n');
        out.push_str(&indent);
        out.push(']');
    }
    out.push('\n');
    out.push_str(&"  ".repeat(depth));
    out.push('}');
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
    fn json_nests_plans_with_their_relationships() {
        let plan = rows(&[
            (3, 0, "SCAN a"),
            (5, 0, "SEARCH b USING INDEX b_a (a_id=?)"),
        ]);
        let doc = json(&plan, Some("Update on a"));
        assert!(doc.starts_with("[\n  {\n    \"Plan\": {\n      \"Node Type\": \"ModifyTable\",\n      \"Operation\": \"Update\","));
        assert!(doc.contains(
            "\"Node Type\": \"Nested Loop\",\n          \"Parent Relationship\": \"Outer\""
        ));
        assert!(doc.contains("\"Parent Relationship\": \"Inner\""));
        assert!(doc.contains("\"Index Name\": \"b_a\""));
        assert!(doc.ends_with("    }\n  }\n]"));
        assert_eq!(
            json(&[], None),
            "[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Result\",\n      \"Parallel Aware\": false,\n      \"Async Capable\": false\n    }\n  }\n]"
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
