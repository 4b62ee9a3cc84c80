//! A database thread with nothing to run polls its sessions' sockets for a moment before it
//! sleeps.
//!
//! A client that sends its next request right after reading an answer (a pgbench loop, an ORM's
//! statements one after another, a test) otherwise finds the thread asleep, and waking a
//! sleeping thread costs an interrupt and a context switch; on a virtual machine that does not
//! poll before halting an idle CPU, tens of microseconds, more than the query itself. The
//! runtime calls [`IdlePoll::before_park`] only when no task is ready, so a busy thread never
//! polls here. Commands from other threads (a session to adopt, a checkpoint for CREATE
//! DATABASE) end the poll through [`IdlePoll::interrupt`], so polling never delays them.

use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use rustix::event::{EventfdFlags, Timespec, epoll, eventfd};

pub(crate) struct IdlePoll {
    /// The sockets of the sessions on this thread, level-triggered for input, and `wakeup`. A
    /// socket leaves the set by itself when its last descriptor is closed.
    sockets: OwnedFd,
    /// An eventfd other threads write to after sending the thread a command.
    wakeup: OwnedFd,
    budget: Duration,
}

/// The event data of `wakeup` (sockets have 0).
const WAKEUP: u64 = 1;

impl IdlePoll {
    /// None when polling is off (`budget` zero) or the kernel refuses an epoll set.
    pub(crate) fn new(budget: Duration) -> Option<IdlePoll> {
        if budget.is_zero() {
            return None;
        }
        let sockets = epoll::create(epoll::CreateFlags::CLOEXEC).ok()?;
        let wakeup = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK).ok()?;
        epoll::add(
            &sockets,
            &wakeup,
            epoll::EventData::new_u64(WAKEUP),
            epoll::EventFlags::IN,
        )
        .ok()?;
        Some(IdlePoll {
            sockets,
            wakeup,
            budget,
        })
    }

    /// Ends a poll in progress (or the next one): the thread has a command to run.
    pub(crate) fn interrupt(&self) {
        let _ = rustix::io::write(&self.wakeup, &1u64.to_ne_bytes());
    }

    /// Adds a session's socket. Polling only saves time, so a failure is ignored.
    pub(crate) fn watch(&self, socket: impl AsFd) {
        let _ = epoll::add(
            &self.sockets,
            socket,
            epoll::EventData::new_u64(0),
            epoll::EventFlags::IN | epoll::EventFlags::RDHUP,
        );
    }

    /// Returns as soon as a socket has input (the runtime then finds it without sleeping) or
    /// when the budget is spent.
    pub(crate) fn before_park(&self) {
        const NOW: Timespec = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let deadline = Instant::now() + self.budget;
        let mut events = [MaybeUninit::<epoll::Event>::uninit(); 1];
        loop {
            match epoll::wait(&self.sockets, &mut events, Some(&NOW)) {
                Ok(([], _)) => {}
                Ok((ready, _)) => {
                    if ready[0].data.u64() == WAKEUP {
                        let _ = rustix::io::read(&self.wakeup, &mut [0u8; 8]);
                    }
                    return;
                }
                Err(_) => return,
            }
            if Instant::now() >= deadline {
                return;
            }
            // A client process waiting for this CPU runs first: its request is what we poll for.
            std::thread::yield_now();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    use std::sync::{Arc, mpsc};

    use super::*;

    /// Runs `before_park` on another thread; true if it returned within `wait`.
    fn returns_within(poll: IdlePoll, wait: Duration) -> bool {
        let (done, returned) = mpsc::channel();
        std::thread::spawn(move || {
            poll.before_park();
            let _ = done.send(());
        });
        returned.recv_timeout(wait).is_ok()
    }

    #[test]
    fn stops_polling_once_a_watched_socket_has_input() {
        let poll = IdlePoll::new(Duration::from_secs(600)).expect("epoll");
        let (mut client, server) = UnixStream::pair().expect("socket pair");
        poll.watch(&server);
        client.write_all(b"Q").expect("write");
        assert!(returns_within(poll, Duration::from_secs(10)));
    }

    #[test]
    fn a_socket_without_input_keeps_it_polling_until_the_budget_is_spent() {
        let poll = IdlePoll::new(Duration::from_secs(600)).expect("epoll");
        let (_client, server) = UnixStream::pair().expect("socket pair");
        poll.watch(&server);
        assert!(!returns_within(poll, Duration::from_millis(300)));
        let short = IdlePoll::new(Duration::from_millis(1)).expect("epoll");
        short.watch(&server);
        assert!(returns_within(short, Duration::from_secs(10)));
    }

    #[test]
    fn an_interrupt_stops_polling_and_is_consumed() {
        let poll = Arc::new(IdlePoll::new(Duration::from_secs(600)).expect("epoll"));
        poll.interrupt();
        let (done, returned) = mpsc::channel();
        let polling = poll.clone();
        std::thread::spawn(move || {
            polling.before_park();
            let _ = done.send(());
            // Consumed: the next poll runs until the next interrupt.
            polling.before_park();
            let _ = done.send(());
        });
        let wait = Duration::from_secs(10);
        assert!(returned.recv_timeout(wait).is_ok());
        assert!(returned.recv_timeout(Duration::from_millis(300)).is_err());
        poll.interrupt();
        assert!(returned.recv_timeout(wait).is_ok());
    }

    #[test]
    fn a_zero_budget_turns_polling_off() {
        assert!(IdlePoll::new(Duration::ZERO).is_none());
    }
}
