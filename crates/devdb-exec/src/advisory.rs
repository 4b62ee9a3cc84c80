//! Advisory locks (pg_advisory_lock and friends), per database, across its sessions.
//!
//! A lock is held at session level (until unlocked or the session ends) or at transaction
//! level (until the transaction ends), and re-taken by its holder as often as it likes, as in
//! PostgreSQL. One difference: all sessions of a database run on its one thread, so
//! pg_advisory_lock cannot wait for a lock another session holds; it fails at once with 55P03
//! naming the holder (docs/compat.md). pg_try_advisory_lock never waits anyway.

use std::collections::HashMap;

use devdb_pg::{PgError, SqlState};

use crate::SessionId;

/// `pg_advisory_lock(bigint)` and `pg_advisory_lock(int, int)` lock different things.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    One(i64),
    Two(i32, i32),
}

/// How often the holder has taken a lock, at each level.
#[derive(Debug)]
struct Held {
    session: SessionId,
    session_level: u32,
    transaction_level: u32,
}

#[derive(Debug, Default)]
pub(crate) struct AdvisoryLocks {
    held: HashMap<Key, Held>,
}

/// What a call asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Request {
    Lock { transaction: bool },
    TryLock { transaction: bool },
    Unlock,
}

impl Request {
    pub fn parse(name: &str) -> Option<Request> {
        Some(match name {
            "lock" => Request::Lock { transaction: false },
            "xact_lock" => Request::Lock { transaction: true },
            "try_lock" => Request::TryLock { transaction: false },
            "try_xact_lock" => Request::TryLock { transaction: true },
            "unlock" => Request::Unlock,
            _ => return None,
        })
    }
}

impl AdvisoryLocks {
    /// Runs one call; Some(bool) for the functions that answer one.
    pub fn request(
        &mut self,
        session: SessionId,
        key: Key,
        request: Request,
    ) -> Result<Option<bool>, PgError> {
        match request {
            Request::Lock { transaction } => {
                if self.acquire(session, key, transaction) {
                    Ok(None)
                } else {
                    let holder = self.held.get(&key).map(|h| h.session.0).unwrap_or(0);
                    Err(PgError::new(
                        SqlState::LOCK_NOT_AVAILABLE,
                        "could not obtain advisory lock",
                    )
                    .with_detail(format!("The lock is held by the process {holder}."))
                    .with_hint(
                        "devdb cannot wait for an advisory lock another session holds: \
                         retry, or use pg_try_advisory_lock.",
                    ))
                }
            }
            Request::TryLock { transaction } => Ok(Some(self.acquire(session, key, transaction))),
            Request::Unlock => Ok(Some(self.release(session, key))),
        }
    }

    fn acquire(&mut self, session: SessionId, key: Key, transaction: bool) -> bool {
        let held = self.held.entry(key).or_insert(Held {
            session,
            session_level: 0,
            transaction_level: 0,
        });
        if held.session != session {
            return false;
        }
        if transaction {
            held.transaction_level += 1;
        } else {
            held.session_level += 1;
        }
        true
    }

    /// pg_advisory_unlock releases one session-level hold; false when there is none.
    fn release(&mut self, session: SessionId, key: Key) -> bool {
        match self.held.get_mut(&key) {
            Some(held) if held.session == session && held.session_level > 0 => {
                held.session_level -= 1;
                if held.session_level == 0 && held.transaction_level == 0 {
                    self.held.remove(&key);
                }
                true
            }
            _ => false,
        }
    }

    /// The session's transaction ended: its transaction-level holds go.
    pub fn end_transaction(&mut self, session: SessionId) {
        self.held.retain(|_, h| {
            if h.session == session {
                h.transaction_level = 0;
            }
            h.session_level > 0 || h.transaction_level > 0
        });
    }

    /// pg_advisory_unlock_all(), or the session ended.
    pub fn release_all(&mut self, session: SessionId) {
        self.held.retain(|_, h| h.session != session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_are_reentrant_per_session_and_exclusive_across_sessions() {
        let mut locks = AdvisoryLocks::default();
        let (a, b) = (SessionId(1), SessionId(2));
        let key = Key::One(42);
        let lock = Request::Lock { transaction: false };
        assert_eq!(locks.request(a, key, lock).ok(), Some(None));
        assert_eq!(locks.request(a, key, lock).ok(), Some(None));
        let err = locks.request(b, key, lock).expect_err("held by a");
        assert_eq!(err.code, SqlState::LOCK_NOT_AVAILABLE);
        let try_lock = Request::TryLock { transaction: false };
        assert_eq!(locks.request(b, key, try_lock).ok(), Some(Some(false)));
        // A different key space: (0, 42) is not 42.
        assert_eq!(
            locks.request(b, Key::Two(0, 42), try_lock).ok(),
            Some(Some(true))
        );
        assert_eq!(
            locks.request(a, key, Request::Unlock).ok(),
            Some(Some(true))
        );
        assert_eq!(locks.request(b, key, try_lock).ok(), Some(Some(false)));
        assert_eq!(
            locks.request(a, key, Request::Unlock).ok(),
            Some(Some(true))
        );
        assert_eq!(
            locks.request(a, key, Request::Unlock).ok(),
            Some(Some(false))
        );
        assert_eq!(locks.request(b, key, try_lock).ok(), Some(Some(true)));
    }

    #[test]
    fn transaction_locks_end_with_the_transaction_and_all_with_the_session() {
        let mut locks = AdvisoryLocks::default();
        let (a, b) = (SessionId(1), SessionId(2));
        let xact = Request::Lock { transaction: true };
        let try_lock = Request::TryLock { transaction: false };
        assert!(locks.request(a, Key::One(1), xact).is_ok());
        assert!(
            locks
                .request(a, Key::One(2), Request::Lock { transaction: false })
                .is_ok()
        );
        // pg_advisory_unlock does not release a transaction-level lock.
        assert_eq!(
            locks.request(a, Key::One(1), Request::Unlock).ok(),
            Some(Some(false))
        );
        locks.end_transaction(a);
        assert_eq!(
            locks.request(b, Key::One(1), try_lock).ok(),
            Some(Some(true))
        );
        assert_eq!(
            locks.request(b, Key::One(2), try_lock).ok(),
            Some(Some(false))
        );
        locks.release_all(a);
        assert_eq!(
            locks.request(b, Key::One(2), try_lock).ok(),
            Some(Some(true))
        );
    }
}
