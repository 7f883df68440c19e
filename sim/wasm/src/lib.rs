//! `paysg-sim-wasm`: the simulator's core ([`paysg_sim_core`]) for the npm package `paysg-sim`.
//! A [`Simulator`] holds the configuration, the store (in memory; each change is first handed to
//! the JS shell's `persist`, which writes it durably or throws) and the in-memory state; the JS
//! shell (`sim/pkg/src`) reads requests, sleeps, and delivers webhooks. Every export is
//! synchronous; values cross through serde-wasm-bindgen.

use paysg_sim_core::api_request::{self, Incoming, Job};
use paysg_sim_core::faults::Fault;
use paysg_sim_core::http::{self, Handling};
use paysg_sim_core::ids::Seeded;
use paysg_sim_core::model::{Attempt, Change};
use paysg_sim_core::ops;
use paysg_sim_core::options::{self, Given, Style};
use paysg_sim_core::pages;
use paysg_sim_core::store::{MemStore, Store, StoreError};
use paysg_sim_core::{api_response::ApiResponse, Config, Volatile};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod persisted;
mod send;
mod step;
mod surface;

pub use surface::{flags, limits, version};

use persisted::Persisted;
use step::{reply_step, to_js, Step};

/// One simulator: its configuration, store and in-memory state.
#[wasm_bindgen]
pub struct Simulator {
    config: Config,
    store: Persisted,
    volatile: Volatile,
    jobs: Vec<Option<Job>>,
}

#[wasm_bindgen]
impl Simulator {
    /// A simulator from `given` (`[[flag, value]]`, kebab-case names, as text; camelCase names
    /// are the JS layer's to convert), `bound` (the default public URL), `js` (messages name
    /// options in camelCase rather than as flags) and `persist` (called with each change as a
    /// JSON line before it applies; throwing refuses the change).
    ///
    /// # Errors
    ///
    /// Every problem with the options, in one message.
    #[wasm_bindgen(constructor)]
    pub fn new(
        given: JsValue,
        bound: String,
        js: bool,
        persist: Option<js_sys::Function>,
    ) -> Result<Simulator, JsError> {
        let pairs: Vec<(String, String)> = serde_wasm_bindgen::from_value(given)
            .map_err(|e| JsError::new(&format!("paysg-sim could not read its options: {e}")))?;
        let style = if js { Style::Js } else { Style::Cli };
        let config = options::config(&Given(pairs), &bound, style).map_err(|e| JsError::new(&e))?;
        Ok(Simulator {
            config,
            store: Persisted {
                mem: MemStore::default(),
                persist,
            },
            volatile: Volatile::default(),
            jobs: Vec::new(),
        })
    }

    /// Applies a journal line (a change stored earlier), without persisting it again.
    ///
    /// # Errors
    ///
    /// The line is not a change.
    pub fn restore(&mut self, line: &str) -> Result<(), JsError> {
        let change: Change = serde_json::from_str(line)
            .map_err(|e| JsError::new(&format!("not a paysg-sim journal line ({e})")))?;
        self.store
            .mem
            .commit(&change)
            .map_err(|e| JsError::new(&e.0))
    }

    /// The whole state as one journal line (to compact a journal).
    pub fn snapshot(&self) -> String {
        serde_json::to_string(&self.store.mem.snapshot()).unwrap_or_default()
    }

    /// What the shell needs of the configuration: `{ publicUrl, webhookUrls, maxAttempts,
    /// backoffMs, stallMs, log, data, dataMaxBytes }`.
    pub fn settings(&self) -> JsValue {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct S<'a> {
            public_url: &'a str,
            webhook_urls: &'a [String],
            webhooks: bool,
            max_attempts: u32,
            backoff_ms: u64,
            stall_ms: u64,
            log: bool,
            data: Option<String>,
            data_max_bytes: Option<u64>,
        }
        let c = &self.config;
        to_js(&S {
            public_url: &c.public_url,
            webhook_urls: &c.webhook_urls,
            webhooks: c.webhook_secret.is_some(),
            max_attempts: c.webhook_max_attempts,
            backoff_ms: u64::try_from(c.webhook_backoff.as_millis()).unwrap_or(u64::MAX),
            stall_ms: u64::try_from(c.stall.as_millis()).unwrap_or(u64::MAX),
            log: c.log,
            data: c.data.as_ref().map(|p| p.display().to_string()),
            data_max_bytes: c.data_max_bytes,
        })
    }

    /// The simulator's time for the shell's clock `clock_ms` (moved by `POST /sim/clock`).
    pub fn now(&self, clock_ms: f64) -> f64 {
        self.volatile.now(clock_ms as i64) as f64
    }

    /// Webhook deliveries under way (shown at `/sim/state` and `/sim/webhooks.json`).
    #[wasm_bindgen(js_name = setPending)]
    pub fn set_pending(&mut self, n: u32) {
        self.volatile.webhooks_pending = u64::from(n);
    }

    /// One request: `{ reply, events?, faults? }` at once (pages, controls, refusals), or
    /// `{ job, delayMs, after?, faults? }` for an API request to [`Simulator::start`].
    #[allow(clippy::too_many_arguments)]
    pub fn handle(
        &mut self,
        method: &str,
        path: &str,
        query: Option<String>,
        headers: JsValue,
        body: &[u8],
        now: f64,
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
        let now = self.volatile.now(now as i64);
        let mut entropy = Seeded(seed.to_bits());
        let mut faults = Change::default();
        let handling = http::handle(
            &self.config,
            &mut self.volatile,
            &req,
            &mut entropy,
            &mut faults,
        );
        let fault_names = faults.faults.clone();
        if !faults.is_empty() {
            // A fault's count: nothing is acknowledged by it, so a failure only goes unrecorded.
            let _ = self.store.commit(&faults);
        }
        match handling {
            Handling::Reply(r) => {
                let step = reply_step(&r, &[]);
                let _ = js_sys::Reflect::set(&step, &"faults".into(), &to_js(&fault_names));
                step
            }
            Handling::Read(what) => {
                let reply = pages::read(&self.store, &what, self.volatile.webhooks_pending)
                    .unwrap_or_else(|_| ApiResponse::storage_failed().into());
                reply_step(&reply, &[])
            }
            Handling::Act(action) => {
                if action == pages::Action::Reset {
                    self.volatile.reset();
                }
                match pages::act(&self.config, &self.store, &action, now, &mut entropy).and_then(
                    |a| {
                        if !a.change.is_empty() {
                            self.store.commit(&a.change)?;
                        }
                        Ok(a)
                    },
                ) {
                    Ok(a) => reply_step(&a.reply, &a.events),
                    Err(e) => {
                        log_failure(&e);
                        reply_step(&ApiResponse::storage_failed().into(), &[])
                    }
                }
            }
            Handling::Api(job) => {
                let step = Step {
                    reply: None,
                    events: Vec::new(),
                    job: None,
                    delay_ms: Some(job.delay_ms),
                    after: job.after.map(|f| match f {
                        Fault::Stall => "stall",
                        Fault::Drop => "drop",
                        _ => "500-after",
                    }),
                    faults: fault_names,
                };
                let slot = self.keep(job);
                let out = to_js(&step);
                let _ = js_sys::Reflect::set(&out, &"job".into(), &JsValue::from(slot));
                out
            }
        }
    }

    /// Before a job's delay: claims its `Idempotency-Key` and looks for a stored answer.
    /// `{ reply }` ends it (409 while the key runs elsewhere, a replay, 400 for another body);
    /// `null`: go on, then [`Simulator::finish`] (or [`Simulator::abandon`]).
    pub fn start(&mut self, job: u32, now: f64) -> JsValue {
        let now = self.volatile.now(now as i64);
        let Some(Some(j)) = self.jobs.get(job as usize) else {
            return reply_step(&ApiResponse::storage_failed().into(), &[]);
        };
        let Some(keyed) = j.keyed.clone() else {
            return JsValue::NULL;
        };
        if !self.volatile.claim(&keyed.scope) {
            self.forget(job);
            return reply_step(&api_request::in_use().into(), &[]);
        }
        match api_request::replay(&self.store, &keyed, now) {
            Ok(None) => JsValue::NULL,
            Ok(Some(answer)) => {
                self.abandon(job);
                reply_step(&answer.into(), &[])
            }
            Err(e) => {
                log_failure(&e);
                self.abandon(job);
                reply_step(&ApiResponse::storage_failed().into(), &[])
            }
        }
    }

    /// Runs a job after its delay and commits what it changed: `{ reply, events }`.
    pub fn finish(&mut self, job: u32, now: f64, seed: f64) -> JsValue {
        let now = self.volatile.now(now as i64);
        let Some(j) = self.jobs.get_mut(job as usize).and_then(Option::take) else {
            return reply_step(&ApiResponse::storage_failed().into(), &[]);
        };
        let mut entropy = Seeded(seed.to_bits());
        let done =
            ops::execute(&self.config, &self.store, &j.op, now, &mut entropy).and_then(|mut o| {
                api_request::finish(&mut o, &j, now);
                if !o.change.is_empty() {
                    self.store.commit(&o.change)?;
                }
                Ok(o)
            });
        if let Some(k) = &j.keyed {
            self.volatile.release(&k.scope);
        }
        match done {
            Ok(o) => reply_step(&o.answer.into(), &o.events),
            Err(e) => {
                log_failure(&e);
                reply_step(&ApiResponse::storage_failed().into(), &[])
            }
        }
    }

    /// Forgets a job that will not run (its request went away during the delay).
    pub fn abandon(&mut self, job: u32) {
        if let Some(Some(j)) = self.jobs.get(job as usize) {
            if let Some(k) = &j.keyed {
                self.volatile.release(&k.scope.clone());
            }
        }
        self.forget(job);
    }

    /// The `PaySG-Signature` header of a delivery attempt at `now_ms` of an event first tried at
    /// `first_ms`.
    pub fn signature(&self, body: &str, first_ms: f64, now_ms: f64) -> String {
        let t = paysg_sim_core::signed_at(&self.config, first_ms as i64, now_ms as i64);
        let secret = self.config.webhook_secret.as_deref().unwrap_or_default();
        paysg_sim_core::signature_header(secret, t, body)
    }

    /// Stores a webhook delivery attempt (`{ event_id, url, attempt, status, error, delivered,
    /// at, at_ms }`); a storage failure is reported, not thrown.
    #[wasm_bindgen(js_name = recordAttempt)]
    pub fn record_attempt(&mut self, attempt: JsValue) {
        if let Ok(a) = serde_wasm_bindgen::from_value::<Attempt>(attempt) {
            let change = Change {
                attempts: vec![a],
                ..Change::default()
            };
            if let Err(e) = self.store.commit(&change) {
                log_failure(&e);
            }
        }
    }

    /// The webhook deliveries not yet ended, first due first (what the shell resumes at start):
    /// `[{ delivery: { event_id, url, body, due_ms, max_attempts }, attempts, last_ms }]`.
    #[wasm_bindgen(js_name = pendingDeliveries)]
    pub fn pending_deliveries(&self) -> JsValue {
        match self.store.pending_deliveries() {
            Ok(p) => to_js(&p),
            Err(e) => {
                log_failure(&e);
                to_js(&Vec::<()>::new())
            }
        }
    }

    /// The time as PaySG writes it (`2024-03-01T10:00:00.000+08:00`).
    #[wasm_bindgen(js_name = isoTime)]
    pub fn iso_time(ms: f64) -> String {
        paysg::dates::iso_sgt(ms as i64)
    }
}

impl Simulator {
    fn keep(&mut self, job: Job) -> u32 {
        match self.jobs.iter().position(Option::is_none) {
            Some(i) => {
                self.jobs[i] = Some(job);
                i as u32
            }
            None => {
                self.jobs.push(Some(job));
                (self.jobs.len() - 1) as u32
            }
        }
    }

    fn forget(&mut self, job: u32) {
        if let Some(j) = self.jobs.get_mut(job as usize) {
            *j = None;
        }
    }
}

/// Reports a storage failure on the console (the shell's stderr).
fn log_failure(e: &StoreError) {
    web_log(&format!(
        "paysg-sim: cannot store a change, answered 503 and applied nothing: {e}"
    ));
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn web_log(s: &str);
}
