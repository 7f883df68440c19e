//! `paysg-sim-wasm`: the simulator's core ([`paysg_sim_core`]) for the npm package `paysg-sim`.
//! A [`Simulator`] holds the configuration, the store (in memory; each change is first handed to
//! the JS shell's `persist`, which writes it durably or throws) and the in-memory state; the JS
//! shell (`sim/pkg/src`) reads requests, sleeps, and sends webhooks, as the core's state
//! machines ([`paysg_sim_core::drive`]) say: see [`drive`]. Every export is synchronous; values
//! cross through serde-wasm-bindgen.

use paysg_sim_core::drive::Exchange;
use paysg_sim_core::model::Change;
use paysg_sim_core::options::{self, Given, Style};
use paysg_sim_core::store::{MemStore, Store, StoreError};
use paysg_sim_core::{Config, Volatile};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod drive;
mod persisted;
mod send;
mod step;
mod surface;

pub use surface::{flags, limits, version};

use persisted::Persisted;
use step::to_js;

/// One simulator: its configuration, store and in-memory state.
#[wasm_bindgen]
pub struct Simulator {
    config: Config,
    store: Persisted,
    volatile: Volatile,
    /// Requests under way between two calls (asleep for their delay).
    exchanges: Vec<Option<Exchange>>,
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
            exchanges: Vec::new(),
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

    /// What the shell needs of the configuration: `{ publicUrl, log }`.
    pub fn settings(&self) -> JsValue {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct S<'a> {
            public_url: &'a str,
            log: bool,
        }
        to_js(&S {
            public_url: &self.config.public_url,
            log: self.config.log,
        })
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
}

/// Reports a storage failure on the console (the shell's stderr).
fn log_failure(e: &StoreError) {
    web_log(&format!(
        "paysg-sim: cannot store a change, answered 503 and applied nothing: {e}"
    ));
}

/// Writes a line on the console (the shell's stderr), prefixed `paysg-sim: `, unless `--quiet`
/// and not `always`.
fn log_line(config: &Config, line: &str, always: bool) {
    if always || config.log {
        web_log(&format!("paysg-sim: {line}"));
    }
}

/// Commits a change that acknowledges nothing (fault counts, webhook attempts): a failure is
/// reported, not thrown.
fn commit_quietly(store: &mut Persisted, change: &Change) {
    if !change.is_empty() {
        if let Err(e) = store.commit(change) {
            log_failure(&e);
        }
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn web_log(s: &str);
}
