use std::fmt;

use crate::SqlState;

/// How bad an error is, as PostgreSQL's ErrorResponse `S`/`V` fields spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The statement failed; the session goes on.
    Error,
    /// The session ends after this message.
    Fatal,
    /// A NoticeResponse, not an error.
    Notice,
    /// A NoticeResponse of warning level.
    Warning,
}

impl Severity {
    /// The word sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Fatal => "FATAL",
            Severity::Notice => "NOTICE",
            Severity::Warning => "WARNING",
        }
    }
}

/// The one error type that reaches a client: everything an ErrorResponse carries.
///
/// Errors are built where the fault is known, with the named constructors below, so the
/// SQLSTATE and wording match what PostgreSQL 15 sends for the same fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgError {
    pub severity: Severity,
    pub code: SqlState,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// 1-based character position in the query text.
    pub position: Option<u32>,
    /// The rarer fields, boxed to keep errors small.
    pub fields: Option<Box<ErrorFields>>,
}

/// ErrorResponse fields most errors lack: where it happened (CONTEXT), and the object a
/// constraint error is about, which drivers read besides its text (node-postgres
/// `err.constraint`, psycopg `diag.constraint_name`, asyncpg `constraint_name`, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorFields {
    /// PostgreSQL's CONTEXT (`COPY t, line 3`).
    pub context: Option<String>,
    pub schema: Option<String>,
    pub table: Option<String>,
    pub column: Option<String>,
    pub constraint: Option<String>,
}

impl PgError {
    /// An ERROR with this code and message.
    pub fn new(code: SqlState, message: impl Into<String>) -> Self {
        PgError {
            severity: Severity::Error,
            code,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
            fields: None,
        }
    }

    /// A NOTICE (00000): a message about a statement that succeeded.
    pub fn notice(message: impl Into<String>) -> Self {
        PgError {
            severity: Severity::Notice,
            ..PgError::new(SqlState::SUCCESSFUL_COMPLETION, message)
        }
    }

    /// The NOTICE of an IF NOT EXISTS that skips its work: it keeps the code of the error it
    /// avoids (42P07 for a relation that exists), as PostgreSQL's does.
    pub fn skipping(code: SqlState, message: impl Into<String>) -> Self {
        PgError {
            severity: Severity::Notice,
            ..PgError::new(code, message)
        }
    }

    /// The same error as FATAL: the server closes the connection after sending it.
    pub fn fatal(mut self) -> Self {
        self.severity = Severity::Fatal;
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// 23502 for a NULL in NOT NULL column `column` of `table` (in `schema`).
    pub fn not_null_violation(schema: &str, table: &str, column: &str) -> Self {
        PgError::new(
            SqlState::NOT_NULL_VIOLATION,
            format!(
                "null value in column \"{column}\" of relation \"{table}\" violates not-null constraint"
            ),
        )
        .with_fields(ErrorFields {
            schema: Some(schema.to_owned()),
            table: Some(table.to_owned()),
            column: Some(column.to_owned()),
            ..ErrorFields::default()
        })
    }

    /// Sets the object fields (schema, table, column, constraint), keeping the context.
    pub fn with_fields(mut self, fields: ErrorFields) -> Self {
        let context = self.fields.take().and_then(|f| f.context);
        self.fields = Some(Box::new(ErrorFields { context, ..fields }));
        self
    }

    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.fields.get_or_insert_with(Box::default).context = Some(context.into());
        self
    }

    /// The CONTEXT field, if any.
    pub fn context(&self) -> Option<&str> {
        self.fields.as_ref().and_then(|f| f.context.as_deref())
    }

    pub fn with_position(mut self, position: u32) -> Self {
        self.position = Some(position);
        self
    }

    /// True when the server must close the connection after sending this error.
    pub fn is_fatal(&self) -> bool {
        self.severity == Severity::Fatal
    }

    /// 08P01, FATAL: the client broke the protocol; its connection is closed.
    pub fn protocol_violation(message: impl Into<String>) -> Self {
        PgError::new(SqlState::PROTOCOL_VIOLATION, message).fatal()
    }

    /// 53300, FATAL: sent before closing a connection past `--max-connections`.
    pub fn too_many_connections() -> Self {
        PgError::new(
            SqlState::TOO_MANY_CONNECTIONS,
            "sorry, too many clients already",
        )
        .fatal()
    }

    /// 25P03, FATAL: the session sat idle inside a transaction for too long.
    pub fn idle_in_transaction_timeout() -> Self {
        PgError::new(
            SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
            "terminating connection due to idle-in-transaction timeout",
        )
        .fatal()
    }

    /// 57P05, FATAL: the session sat idle (outside a transaction) for too long.
    pub fn idle_session_timeout() -> Self {
        PgError::new(
            SqlState::IDLE_SESSION_TIMEOUT,
            "terminating connection due to idle-session timeout",
        )
        .fatal()
    }

    /// 57P01, FATAL: the server is shutting down or an administrator ended the session.
    pub fn admin_shutdown() -> Self {
        PgError::new(
            SqlState::ADMIN_SHUTDOWN,
            "terminating connection due to administrator command",
        )
        .fatal()
    }

    /// 55P03: a lock wait passed lock_timeout; `holder` describes who holds the lock.
    pub fn lock_not_available(holder: impl Into<String>) -> Self {
        PgError::new(
            SqlState::LOCK_NOT_AVAILABLE,
            "canceling statement due to lock timeout",
        )
        .with_detail(holder)
    }

    /// 57014: a CancelRequest arrived for the running statement.
    pub fn query_canceled() -> Self {
        PgError::new(
            SqlState::QUERY_CANCELED,
            "canceling statement due to user request",
        )
    }

    /// 57014: the statement ran past statement_timeout.
    pub fn statement_timeout() -> Self {
        PgError::new(
            SqlState::QUERY_CANCELED,
            "canceling statement due to statement timeout",
        )
    }

    /// 0A000: devdb does not support `construct` (yet); never a silently wrong answer.
    pub fn feature_not_supported(construct: impl fmt::Display) -> Self {
        PgError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("{construct} is not supported by devdb"),
        )
    }

    /// 42P10: an alias names more columns than `what` (`table "f"`, `WITH query "w"`) has.
    pub fn too_many_column_aliases(what: &str, available: usize, specified: usize) -> Self {
        PgError::new(
            SqlState::INVALID_COLUMN_REFERENCE,
            format!("{what} has {available} columns available but {specified} columns specified"),
        )
    }

    /// 42601 at a 1-based character position.
    pub fn syntax_error(message: impl Into<String>, position: Option<u32>) -> Self {
        let mut err = PgError::new(SqlState::SYNTAX_ERROR, message);
        err.position = position;
        err
    }

    /// 42P01.
    pub fn undefined_table(name: &str) -> Self {
        PgError::new(
            SqlState::UNDEFINED_TABLE,
            format!("relation \"{name}\" does not exist"),
        )
    }

    /// 42703.
    pub fn undefined_column(name: &str) -> Self {
        PgError::new(
            SqlState::UNDEFINED_COLUMN,
            format!("column \"{name}\" does not exist"),
        )
    }

    /// 42703 for a column a named relation lacks.
    pub fn undefined_column_of(name: &str, relation: &str) -> Self {
        PgError::new(
            SqlState::UNDEFINED_COLUMN,
            format!("column \"{name}\" of relation \"{relation}\" does not exist"),
        )
    }

    /// 42883.
    pub fn undefined_function(signature: &str) -> Self {
        PgError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("function {signature} does not exist"),
        )
        .with_hint(
            "No function matches the given name and argument types. \
             You might need to add explicit type casts.",
        )
    }

    /// 42725: several functions match `signature` (`date_trunc(unknown, unknown)`).
    pub fn ambiguous_function(signature: &str) -> Self {
        Self::ambiguous(format!("function {signature} is not unique"), "function")
    }

    /// 42725: several operators match `operands` (`date + unknown`, `- unknown`).
    pub fn ambiguous_operator(operands: &str) -> Self {
        Self::ambiguous(format!("operator is not unique: {operands}"), "operator")
    }

    fn ambiguous(message: String, what: &str) -> Self {
        PgError::new(SqlState::AMBIGUOUS_FUNCTION, message).with_hint(format!(
            "Could not choose a best candidate {what}. You might need to add explicit type casts."
        ))
    }

    /// 25001: `what` must run outside any transaction block.
    pub fn active_sql_transaction(what: &str) -> Self {
        PgError::new(
            SqlState::ACTIVE_SQL_TRANSACTION,
            format!("{what} cannot run inside a transaction block"),
        )
    }

    /// 42P02: a statement names parameter `$n` that nobody supplies.
    pub fn undefined_parameter(n: usize) -> Self {
        PgError::new(
            SqlState::UNDEFINED_PARAMETER,
            format!("there is no parameter ${n}"),
        )
    }

    /// 26000: Bind, Describe, EXECUTE or DEALLOCATE of a prepared statement nobody prepared.
    pub fn undefined_prepared_statement(name: &str) -> Self {
        PgError::new(
            SqlState::INVALID_SQL_STATEMENT_NAME,
            format!("prepared statement \"{name}\" does not exist"),
        )
    }

    /// 42P05: Parse or PREPARE of a name the session already uses.
    pub fn duplicate_prepared_statement(name: &str) -> Self {
        PgError::new(
            SqlState::DUPLICATE_PSTATEMENT,
            format!("prepared statement \"{name}\" already exists"),
        )
    }

    /// 25P02: statements after an error inside a transaction block.
    pub fn in_failed_transaction() -> Self {
        PgError::new(
            SqlState::IN_FAILED_SQL_TRANSACTION,
            "current transaction is aborted, commands ignored until end of transaction block",
        )
    }

    /// 22P02 for a value that does not parse as `type_name`.
    pub fn invalid_text(type_name: &str, input: &str) -> Self {
        PgError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!("invalid input syntax for type {type_name}: \"{input}\""),
        )
    }

    /// 22P02 for a string that is not a label of enum `type_name`.
    pub fn invalid_enum_label(type_name: &str, input: &str) -> Self {
        PgError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!("invalid input value for enum {type_name}: \"{input}\""),
        )
    }

    /// 22P02 for array text that is not an array literal, with PostgreSQL's detail.
    pub fn malformed_array(input: &str, detail: &str) -> Self {
        PgError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!("malformed array literal: \"{input}\""),
        )
        .with_detail(detail)
    }

    /// 22P03 for a binary parameter that does not decode as `type_name`.
    pub fn invalid_binary(type_name: &str) -> Self {
        PgError::new(
            SqlState::INVALID_BINARY_REPRESENTATION,
            format!("incorrect binary data format in bind parameter of type {type_name}"),
        )
    }

    /// XX000: a bug in devdb, reported to the one session it hit.
    pub fn internal(message: impl Into<String>) -> Self {
        PgError::new(SqlState::INTERNAL_ERROR, message)
    }
}

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({})",
            self.severity.as_str(),
            self.message,
            self.code
        )
    }
}

impl std::error::Error for PgError {}
