//! One request, from its head and body to its reply, as a state machine the shell drives: the
//! core decides every step ([`Next`]) and the shell only does the I/O each needs. For an API
//! request the steps are: record its faults, claim its `Idempotency-Key`, look for a stored
//! answer, wait out its delay, run the operation and commit what it changed, release the key,
//! schedule the webhooks the change owes, then answer (or hold or drop the answer for a fault).
//!
//! ```text
//! let mut ex = Exchange::new(&config, &mut volatile, &request, clock, &mut entropy);
//! loop {
//!     match ex.poll(&config, &mut volatile, clock) {
//!         Next::Read => ex.read(&config, &store, now, &mut entropy),
//!         Next::Write => ex.write(&config, &mut store, now, &mut entropy),
//!         Next::Commit(change) => commit_quietly(change),
//!         Next::Log { line, always } => log(line, always),
//!         Next::Sleep(ms) => sleep(ms), // the client gone meanwhile: ex.abandon(…)
//!         Next::Wake => wake_the_webhook_timer(),
//!         Next::Reply(r) => return send(r),
//!         Next::Stall { ms, reply } => { sleep(ms); return send(reply) }
//!         Next::Drop => return close(),
//!     }
//! }
//! ```

use std::collections::VecDeque;

use super::super::api_request::{self, Incoming, Job, MAX_BODY};
use super::super::api_response::ApiResponse;
use super::super::faults::Fault;
use super::super::http::{self, Handling};
use super::super::ids::Entropy;
use super::super::limits;
use super::super::model::{Change, Delivery};
use super::super::ops;
use super::super::pages::{self, Action, PageRead};
use super::super::reply::Reply;
use super::super::store::{Store, StoreError};
use super::super::{Config, Volatile};

/// What the shell does next for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Commit this change (fault counts): it acknowledges nothing, so a failure is only reported.
    /// Then poll.
    Commit(Change),
    /// Write this line on stderr, prefixed `paysg-sim: ` (`always`: even with `--quiet`). Then
    /// poll.
    Log {
        /// The line.
        line: String,
        /// Whether `--quiet` keeps it (a storage failure is always reported).
        always: bool,
    },
    /// Call [`Exchange::read`] with the store. Then poll.
    Read,
    /// Call [`Exchange::write`] holding the store's writer (no other change meanwhile), and let it
    /// run to its end even if the client goes away. Then poll.
    Write,
    /// Wait this long (ms), then poll. If the client goes away meanwhile: [`Exchange::abandon`].
    Sleep(u64),
    /// Webhook deliveries were scheduled ([`Volatile::outbox`]): wake the delivery timer. Then
    /// poll.
    Wake,
    /// Send this reply. The exchange is over.
    Reply(Reply),
    /// Hold the reply this long (ms, a `stall` fault), then send it. The exchange is over.
    Stall {
        /// How long.
        ms: u64,
        /// The reply.
        reply: Reply,
    },
    /// Close the connection without an answer (a `drop` fault). The exchange is over.
    Drop,
}

/// Where a request is.
#[derive(Debug)]
enum Stage {
    /// Classified, not begun.
    Start(Handling),
    /// Its key claimed: a stored answer to look for (a read).
    Replay(Job),
    /// Its delay to wait out.
    Delay(Job),
    /// The operation to run (a read or a write).
    Run(Job),
    /// A page to read.
    Page(PageRead),
    /// An action to run and commit (a write).
    Act(Action),
    /// Committed: the key to release and the deliveries to schedule, then this reply.
    Stored(Reply, Vec<Delivery>),
    /// This reply to send.
    Answer(Reply),
    /// Over.
    Over,
}

/// One request under way.
#[derive(Debug)]
pub struct Exchange {
    stage: Stage,
    /// Steps owed before the stage's (a fault's commit, log lines).
    todo: VecDeque<Next>,
    /// The `Idempotency-Key` scope this request holds.
    claim: Option<String>,
    /// The fault applied to an API answer.
    after: Option<Fault>,
    /// Webhook deliveries under way when a page reads them.
    pending: u64,
}

impl Exchange {
    /// A request arrives (its head and whole body): classified at once (a body over
    /// [`MAX_BODY`] is refused).
    pub fn new(
        config: &Config,
        volatile: &mut Volatile,
        req: &Incoming<'_>,
        entropy: &mut dyn Entropy,
    ) -> Exchange {
        let mut todo = VecDeque::new();
        let handling = if req.body.len() > MAX_BODY {
            Handling::Reply(limits::body_too_large())
        } else {
            let mut faults = Change::default();
            let h = http::handle(config, volatile, req, entropy, &mut faults);
            for kind in &faults.faults {
                todo.push_back(Next::Log {
                    line: format!("injecting fault {kind} into {} {}", req.method, req.path),
                    always: false,
                });
            }
            if !faults.is_empty() {
                todo.push_front(Next::Commit(faults));
            }
            h
        };
        let after = match &handling {
            Handling::Api(job) => job.after,
            _ => None,
        };
        Exchange {
            stage: Stage::Start(handling),
            todo,
            claim: None,
            after,
            pending: 0,
        }
    }

    /// What to do next. `clock` is the shell's clock (ms).
    pub fn poll(&mut self, config: &Config, volatile: &mut Volatile, clock: i64) -> Next {
        if let Some(next) = self.todo.pop_front() {
            return next;
        }
        loop {
            match std::mem::replace(&mut self.stage, Stage::Over) {
                Stage::Start(Handling::Reply(r)) => self.stage = Stage::Answer(r),
                Stage::Start(Handling::Read(what)) => {
                    self.pending = volatile.outbox.pending() as u64;
                    self.stage = Stage::Page(what);
                    return Next::Read;
                }
                Stage::Start(Handling::Act(action)) => {
                    if action == Action::Reset {
                        volatile.reset();
                    }
                    self.stage = Stage::Act(action);
                    return Next::Write;
                }
                Stage::Start(Handling::Api(job)) => match &job.keyed {
                    Some(k) if !volatile.claim(&k.scope) => {
                        self.stage = Stage::Answer(api_request::in_use().into());
                    }
                    Some(k) => {
                        self.claim = Some(k.scope.clone());
                        self.stage = Stage::Replay(job);
                        return Next::Read;
                    }
                    None => self.stage = Stage::Delay(job),
                },
                Stage::Delay(job) => {
                    let ms = job.delay_ms;
                    let reads = job.op.reads_only();
                    self.stage = Stage::Run(job);
                    return if ms > 0 {
                        Next::Sleep(ms)
                    } else if reads {
                        Next::Read
                    } else {
                        Next::Write
                    };
                }
                Stage::Run(job) => {
                    // After the delay's sleep.
                    let reads = job.op.reads_only();
                    self.stage = Stage::Run(job);
                    return if reads { Next::Read } else { Next::Write };
                }
                Stage::Stored(reply, deliveries) => {
                    self.release(volatile);
                    self.stage = Stage::Answer(reply);
                    if !deliveries.is_empty() {
                        let before = volatile.outbox.pending();
                        volatile.outbox.schedule(config, &deliveries, clock);
                        if volatile.outbox.pending() > before {
                            return Next::Wake;
                        }
                    }
                }
                Stage::Answer(reply) => {
                    self.release(volatile);
                    return match self.after {
                        Some(Fault::Stall) => Next::Stall {
                            ms: u64::try_from(config.stall.as_millis()).unwrap_or(u64::MAX),
                            reply,
                        },
                        Some(Fault::Drop) => Next::Drop,
                        _ => Next::Reply(reply),
                    };
                }
                // Polled again before the read or write it asked for: it asks again.
                stage @ (Stage::Replay(_) | Stage::Page(_)) => {
                    self.stage = stage;
                    return Next::Read;
                }
                stage @ Stage::Act(_) => {
                    self.stage = stage;
                    return Next::Write;
                }
                Stage::Over => return Next::Drop,
            }
        }
    }

    /// The read [`Next::Read`] asked for: a stored answer for the key, a read-only operation, or
    /// a page. `now` is the simulator's time.
    pub fn read(
        &mut self,
        config: &Config,
        store: &dyn Store,
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        self.stage = match std::mem::replace(&mut self.stage, Stage::Over) {
            Stage::Replay(job) => match &job.keyed {
                Some(k) => match api_request::replay(store, k, now) {
                    Ok(Some(answer)) => Stage::Answer(answer.into()),
                    Ok(None) => Stage::Delay(job),
                    Err(e) => self.failed_read(&e),
                },
                None => Stage::Delay(job),
            },
            Stage::Run(job) if job.op.reads_only() => {
                match ops::execute(config, store, &job.op, now, entropy) {
                    Ok(outcome) => Stage::Answer(outcome.answer.into()),
                    Err(e) => self.failed_read(&e),
                }
            }
            Stage::Page(what) => match pages::read(store, &what, self.pending) {
                Ok(reply) => Stage::Answer(reply),
                Err(e) => self.failed_read(&e),
            },
            other => other,
        };
    }

    /// The write [`Next::Write`] asked for: runs the operation or action against the store's
    /// state and commits what it changed, with the key's record, in one change.
    pub fn write(
        &mut self,
        config: &Config,
        store: &mut dyn Store,
        now: i64,
        entropy: &mut dyn Entropy,
    ) {
        let done = match std::mem::replace(&mut self.stage, Stage::Over) {
            Stage::Run(job) if !job.op.reads_only() => {
                ops::execute(config, &*store, &job.op, now, entropy).and_then(|mut o| {
                    api_request::finish(&mut o, &job, now);
                    commit(store, o.change, o.answer.into())
                })
            }
            Stage::Act(action) => pages::act(config, &*store, &action, now, entropy)
                .and_then(|a| commit(store, a.change, a.reply)),
            other => {
                self.stage = other;
                return;
            }
        };
        self.stage = match done {
            Ok((reply, deliveries)) => Stage::Stored(reply, deliveries),
            Err(e) => {
                self.todo.push_back(Next::Log {
                    line: format!("cannot store a change, answered 503 and applied nothing: {e}"),
                    always: true,
                });
                Stage::Answer(ApiResponse::storage_failed().into())
            }
        };
    }

    /// The client went away (during a delay, or a shell stops waiting): releases the key, and
    /// schedules the webhooks of a change already committed. `true` when it scheduled some
    /// (wake the delivery timer). The exchange is over.
    pub fn abandon(&mut self, config: &Config, volatile: &mut Volatile, clock: i64) -> bool {
        self.release(volatile);
        let stage = std::mem::replace(&mut self.stage, Stage::Over);
        if let Stage::Stored(_, deliveries) = stage {
            let before = volatile.outbox.pending();
            volatile.outbox.schedule(config, &deliveries, clock);
            return volatile.outbox.pending() > before;
        }
        false
    }

    /// Whether it is over (answered, dropped or abandoned).
    pub fn is_over(&self) -> bool {
        matches!(self.stage, Stage::Over) && self.todo.is_empty()
    }

    fn release(&mut self, volatile: &mut Volatile) {
        if let Some(scope) = self.claim.take() {
            volatile.release(&scope);
        }
    }

    fn failed_read(&mut self, e: &StoreError) -> Stage {
        self.todo.push_back(Next::Log {
            line: format!("cannot read the store, answered 503: {e}"),
            always: true,
        });
        Stage::Answer(ApiResponse::storage_failed().into())
    }
}

/// Commits a change (when it changes anything): the reply and the deliveries it owes.
fn commit(
    store: &mut dyn Store,
    change: Change,
    reply: Reply,
) -> Result<(Reply, Vec<Delivery>), StoreError> {
    if !change.is_empty() {
        store.commit(&change)?;
    }
    Ok((reply, change.deliveries))
}
