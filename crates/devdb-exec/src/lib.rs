//! devdb-exec runs batches of PostgreSQL statements on embedded SQLite, one batch at a time per
//! database: the serial executor.
//!
//! Each database is one SQLite file (WAL mode) with its own thread (`thread.rs`): a
//! single-threaded async runtime that runs the database's engine (`engine.rs`) and the tasks of
//! the sessions connected to it. A [`Handle`] moves a session there; its task then runs each
//! batch directly with [`Local::run`]. A batch is everything one connection sent up to a Sync or
//! Flush, or one simple Query; batches of different sessions never interleave. Each engine keeps
//! two SQLite connections: a *reader* on which every statement of a session that has not written
//! runs in the latest committed snapshot (so reads never wait and never see uncommitted
//! writes), and a *writer* that writing transactions share, one statement at a time, each with
//! its own row changes and row locks (`engine/sharing.rs`). A statement that changes a row
//! another open transaction changed is parked until that transaction ends or its lock_timeout
//! passes; so is a statement of a transaction that must have the writer to itself (DDL,
//! savepoints, FOR UPDATE, REPEATABLE READ) while others write.
//!
//! Invariants: only a database's thread touches its rusqlite connections; prepared statements
//! and portals belong to their session and die with it; a session that ends is rolled back at
//! once; a panic in a batch becomes an XX000 error for that session alone.
//!
//! Start reading at [`Local::run`], then `engine::Engine::drive`.

mod advisory;
mod backends;
mod batch;
pub mod config;
mod engine;
mod functions;
mod handle;
mod idle_poll;
mod interrupt;
mod notify;
mod parameters;
mod query_plan;
mod registry;
mod script;
mod sequences;
mod session;
mod settings;
mod sink;
mod sqlite_error;
mod stored;
mod system;
mod thread;
mod transaction;

pub use backends::BackendStart;
pub use batch::{Op, Target};
pub use config::{AutoCreate, EngineConfig, LINGER};
pub use devdb_sql::Column;
pub use handle::{Handle, Local, Reply, SessionId, SessionInfo, SessionTask};
pub use interrupt::CancelHandle;
pub use notify::Notification;
pub use registry::{Databases, Membership};
pub use script::run_script;
pub use settings::SessionStart;
pub use sink::{Sink, TransactionStatus};
