//! Splitting a SQL script into its statements, with the line each starts on, so a script runner
//! can send them one at a time (as `psql -f` does) and say where a failure is.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Location, Token, Tokenizer};

/// One statement of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptStatement {
    /// The 1-based line of its first token.
    pub line: u64,
    /// Its text, without the terminating semicolon.
    pub text: String,
}

/// The statements of `script`; text that does not tokenize comes back whole, for the server to
/// report the syntax error.
pub fn split(script: &str) -> Vec<ScriptStatement> {
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, script).tokenize_with_location() else {
        return vec![ScriptStatement {
            line: 1,
            text: script.to_owned(),
        }];
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(script.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |at: Location| -> usize {
        let line_start = line_starts
            .get(
                usize::try_from(at.line)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(1),
            )
            .copied()
            .unwrap_or(script.len());
        let column = usize::try_from(at.column)
            .unwrap_or(usize::MAX)
            .saturating_sub(1);
        script
            .get(line_start..)
            .and_then(|rest| rest.char_indices().nth(column).map(|(i, _)| line_start + i))
            .unwrap_or(script.len())
    };
    let mut out = Vec::new();
    let mut start: Option<Location> = None;
    for token in &tokens {
        match &token.token {
            Token::Whitespace(_) | Token::EOF => {}
            Token::SemiColon => {
                if let Some(first) = start.take() {
                    let text = script
                        .get(offset(first)..offset(token.span.start))
                        .unwrap_or_default();
                    out.push(ScriptStatement {
                        line: first.line,
                        text: text.trim_end().to_owned(),
                    });
                }
            }
            _ => {
                start.get_or_insert(token.span.start);
            }
        }
    }
    if let Some(first) = start {
        let text = script.get(offset(first)..).unwrap_or_default();
        out.push(ScriptStatement {
            line: first.line,
            text: text.trim_end().to_owned(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_keep_their_lines_and_text() {
        let script = "-- schema\ncreate table t (x text);\n\ninsert into t values ('a;b'),\n  ('é');\nselect $$;$$";
        let parts = split(script);
        assert_eq!(
            parts,
            vec![
                ScriptStatement {
                    line: 2,
                    text: "create table t (x text)".into()
                },
                ScriptStatement {
                    line: 4,
                    text: "insert into t values ('a;b'),\n  ('é')".into()
                },
                ScriptStatement {
                    line: 6,
                    text: "select $$;$$".into()
                },
            ]
        );
    }

    #[test]
    fn empty_scripts_have_no_statements() {
        assert!(split("  -- nothing\n;;").is_empty());
    }
}
