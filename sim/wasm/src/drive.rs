//! The JS shell's side of the core's state machines ([`paysg_sim_core::drive`]). The store is
//! here in wasm, so the steps that need it (reads, writes, commits, log lines) are done in Rust;
//! what crosses to JS is what needs the platform: send a reply, sleep, hold, drop, and send a
//! webhook attempt when the schedule says.

use paysg_sim_core::api_request::Incoming;
use paysg_sim_core::drive::{Exchange, Next, Sent};
use paysg_sim_core::ids::Seeded;
use wasm_bindgen::prelude::*;

use super::step::{to_js, Due, JsSend, Step};
use super::{commit_quietly, log_line, Simulator};

#[wasm_bindgen]
impl Simulator {
    /// A request arrives (`headers`: `[[name, value]]`, values as fetch's ByteStrings; `clock`:
    /// the shell's `Date.now()`): its first step for the shell (see [`Simulator::resume`]).
    #[allow(clippy::too_many_arguments)]
    pub fn handle(
        &mut self,
        method: &str,
        path: &str,
        query: Option<String>,
        headers: JsValue,
        body: &[u8],
        clock: f64,
        seed: f64,
    ) -> JsValue {
        // Header values as the bytes they are (fetch's ByteStrings: one char per byte).
        let headers: Vec<(String, Vec<u8>)> =
            serde_wasm_bindgen::from_value::<Vec<(String, String)>>(headers)
                .unwrap_or_default()
                .into_iter()
                .map(|(n, v)| {
                    let bytes = v
                        .chars()
                        .map(|c| u8::try_from(u32::from(c)).unwrap_or(0xff))
                        .collect();
                    (n.to_ascii_lowercase(), bytes)
                })
                .collect();
        let req = Incoming {
            method,
            path,
            query: query.as_deref(),
            headers: &headers,
            body,
        };
        let mut entropy = Seeded(seed.to_bits());
        let ex = Exchange::new(&self.config, &mut self.volatile, &req, &mut entropy);
        self.drive(ex, clock, seed)
    }

    /// Goes on with request `ex` after its sleep: `{ reply }` (send it), `{ sleep, ex }` (sleep
    /// that long, then call this again; the client gone meanwhile: [`Simulator::abandon`]),
    /// `{ stall, reply }` (hold it, then send it) or `{ drop: true }` (close the connection
    /// unanswered); `wake: true` when webhook deliveries were scheduled.
    pub fn resume(&mut self, ex: u32, clock: f64, seed: f64) -> JsValue {
        match self.exchanges.get_mut(ex as usize).and_then(Option::take) {
            Some(e) => self.drive(e, clock, seed),
            None => to_js(&Step {
                drop: true,
                ..Step::default()
            }),
        }
    }

    /// The client of request `ex` went away during its sleep: its key is released. `true` when
    /// webhook deliveries were scheduled.
    pub fn abandon(&mut self, ex: u32, clock: f64) -> bool {
        match self.exchanges.get_mut(ex as usize).and_then(Option::take) {
            Some(mut e) => e.abandon(&self.config, &mut self.volatile, clock as i64),
            None => false,
        }
    }

    /// The webhook attempts due at `clock` (each out until [`Simulator::sent`]), and how long
    /// until the next: `{ sends: [{ id, url, headers, body, timeoutMs }], waitMs }`.
    pub fn deliveries(&mut self, clock: f64) -> JsValue {
        let clock = clock as i64;
        let now = self.volatile.now(clock);
        let mut sends = Vec::new();
        while let Some(s) = self.volatile.outbox.poll(&self.config, clock, now) {
            sends.push(s);
        }
        to_js(&Due {
            sends: sends.iter().map(JsSend::from).collect(),
            wait_ms: self.volatile.outbox.wait(clock),
        })
    }

    /// How attempt `id` went: `status` when the endpoint answered; else `timedOut`, or `failed`
    /// (the shell's own words), or unreachable. The attempt is stored and logged.
    pub fn sent(
        &mut self,
        id: f64,
        status: Option<u16>,
        timed_out: bool,
        failed: Option<String>,
        clock: f64,
        seed: f64,
    ) {
        let result = match (status, failed) {
            (Some(s), _) => Sent::Status(s),
            _ if timed_out => Sent::TimedOut,
            (None, Some(why)) => Sent::Failed(why),
            (None, None) => Sent::Unreachable,
        };
        let clock = clock as i64;
        let now = self.volatile.now(clock);
        let id = id as u64;
        let mut entropy = Seeded(seed.to_bits());
        if let Some((change, line)) =
            self.volatile
                .outbox
                .sent(&self.config, id, &result, clock, now, &mut entropy)
        {
            log_line(&self.config, &line, false);
            commit_quietly(&mut self.store, &change);
        }
        self.volatile.outbox.stored(id);
    }

    /// Schedules the deliveries the store holds as pending (once, after the state is restored).
    #[wasm_bindgen(js_name = resumeDeliveries)]
    pub fn resume_deliveries(&mut self, clock: f64, seed: f64) {
        let pending = match paysg_sim_core::store::Store::pending_deliveries(&self.store) {
            Ok(p) => p,
            Err(e) => {
                log_line(
                    &self.config,
                    &format!("cannot read the pending webhook deliveries, none resumed: {e}"),
                    true,
                );
                return;
            }
        };
        let mut entropy = Seeded(seed.to_bits());
        let lines = self
            .volatile
            .outbox
            .resume(&self.config, pending, clock as i64, &mut entropy);
        for line in lines {
            log_line(&self.config, &line, false);
        }
    }
}

impl Simulator {
    /// Drives an exchange until it needs the platform.
    fn drive(&mut self, mut ex: Exchange, clock: f64, seed: f64) -> JsValue {
        let mut entropy = Seeded(seed.to_bits());
        let clock = clock as i64;
        let now = self.volatile.now(clock);
        let mut wake = false;
        loop {
            let step = match ex.poll(&self.config, &mut self.volatile, clock) {
                Next::Commit(change) => {
                    commit_quietly(&mut self.store, &change);
                    continue;
                }
                Next::Log { line, always } => {
                    log_line(&self.config, &line, always);
                    continue;
                }
                Next::Read => {
                    ex.read(&self.config, &self.store, now, &mut entropy);
                    continue;
                }
                Next::Write => {
                    ex.write(&self.config, &mut self.store, now, &mut entropy);
                    continue;
                }
                Next::Wake => {
                    wake = true;
                    continue;
                }
                Next::Sleep(ms) => {
                    let slot = self.keep(ex);
                    return to_js(&Step {
                        sleep: Some(ms),
                        ex: Some(slot),
                        wake,
                        ..Step::default()
                    });
                }
                Next::Reply(r) => to_js(&Step {
                    reply: Some((&r).into()),
                    wake,
                    ..Step::default()
                }),
                Next::Stall { ms, reply } => to_js(&Step {
                    reply: Some((&reply).into()),
                    stall: Some(ms),
                    wake,
                    ..Step::default()
                }),
                Next::Drop => to_js(&Step {
                    drop: true,
                    wake,
                    ..Step::default()
                }),
            };
            return step;
        }
    }

    fn keep(&mut self, ex: Exchange) -> u32 {
        match self.exchanges.iter().position(Option::is_none) {
            Some(i) => {
                self.exchanges[i] = Some(ex);
                i as u32
            }
            None => {
                self.exchanges.push(Some(ex));
                (self.exchanges.len() - 1) as u32
            }
        }
    }
}
