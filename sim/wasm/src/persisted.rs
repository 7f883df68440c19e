//! The simulator's store in wasm: memory, each change first handed to the JS shell's `persist`
//! (a journal line, a Durable Object's storage), which writes it durably or throws.

use paysg_sim_core::model::{Attempt, Change, Email, IdemRecord, PendingDelivery, Record, Summary};
use paysg_sim_core::store::{MemStore, Page, PageFrom, Store, StoreError};
use wasm_bindgen::JsValue;

/// The store: memory, each change first handed to the shell's `persist` (a journal line).
pub(crate) struct Persisted {
    pub(crate) mem: MemStore,
    pub(crate) persist: Option<js_sys::Function>,
}

impl Store for Persisted {
    fn payment(&self, id: &str) -> Result<Option<Record>, StoreError> {
        self.mem.payment(id)
    }
    fn page(&self, service: &str, from: &PageFrom, limit: usize) -> Result<Page, StoreError> {
        self.mem.page(service, from, limit)
    }
    fn idempotency(&self, scope: &str) -> Result<Option<IdemRecord>, StoreError> {
        self.mem.idempotency(scope)
    }
    fn commit(&mut self, change: &Change) -> Result<(), StoreError> {
        if let Some(persist) = &self.persist {
            let line = serde_json::to_string(change).map_err(|e| StoreError(e.to_string()))?;
            persist
                .call1(&JsValue::NULL, &JsValue::from_str(&line))
                .map_err(|e| {
                    StoreError(
                        js_sys::Error::from(e)
                            .message()
                            .as_string()
                            .unwrap_or_else(|| "the change could not be written".to_owned()),
                    )
                })?;
        }
        self.mem.commit(change)
    }
    fn summary(&self) -> Result<Summary, StoreError> {
        self.mem.summary()
    }
    fn recent_payments(&self, n: usize) -> Result<Vec<Record>, StoreError> {
        self.mem.recent_payments(n)
    }
    fn emails(&self) -> Result<Vec<Email>, StoreError> {
        self.mem.emails()
    }
    fn attempts(&self) -> Result<Vec<Attempt>, StoreError> {
        self.mem.attempts()
    }
    fn pending_deliveries(&self) -> Result<Vec<PendingDelivery>, StoreError> {
        self.mem.pending_deliveries()
    }
}
