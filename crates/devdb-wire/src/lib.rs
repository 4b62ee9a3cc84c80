//! devdb-wire speaks PostgreSQL's wire protocol v3 to clients and hands their work to the
//! serial executor (devdb-exec) one batch at a time.
//!
//! Data flow: socket -> [`codec`] (frames into `FrontendMessage`) -> [`session`] (one tokio task
//! per connection: startup, auth, batching up to Sync/Flush/Query) -> `devdb_exec::Handle::run`
//! -> [`encode`] (the engine's answers into backend messages via [`backend`]) -> socket, written
//! once per batch.
//!
//! Invariants: nothing a client sends can panic or stop the server: malformed frames are 08P01
//! for that connection alone; prepared statements and portals live in the session, never shared;
//! a batch reaches the engine only when complete, so a client that stalls mid-pipeline holds
//! nothing; an idle session costs one task and its buffers.
//!
//! Start reading at [`server::serve`], then [`session`].

pub mod backend;
mod cancel;
pub mod codec;
mod encode;
mod scram;
mod sender;
pub mod server;
mod session;
mod startup;

pub use server::{ServerConfig, serve};
