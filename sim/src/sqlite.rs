//! The `--data` store: SQLite (rusqlite, bundled), in WAL mode with `synchronous = FULL`, one
//! transaction per change. A change is on disk before its answer is sent; a crash or a kill
//! leaves every committed change and nothing of the others. Lists read an index on
//! `(service, created_ms, id)`; nothing grows with the store but the file.
//!
//! The file is locked (`flock`) while a simulator uses it: a second one refuses to start. Its
//! pages are checked at start (`PRAGMA quick_check`): a damaged file is refused. A JSON state
//! file of an earlier paysg-sim is migrated ([`crate::legacy`]): it is kept beside, as
//! `<file>.v1.json`.

use std::fs::File;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::core::model::{
    Attempt, Change, Delivery, Email, IdemRecord, PendingDelivery, Record, Summary,
};
use crate::core::store::{sort_pending, Page, PageFrom, Store, StoreError};

/// The schema version in `meta`. Format 2 (before the `deliveries` table) is migrated by
/// creating it: its files had no pending deliveries stored.
const VERSION: &str = "3";
/// The formats this version opens (and writes as [`VERSION`]).
const OPENS: [&str; 2] = ["2", VERSION];

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

/// A connection to the data file: the writer, or a reader (reads do not wait for writes).
pub struct SqliteStore {
    conn: Connection,
}

/// The lock held on the data file while the simulator runs.
pub struct FileLock(#[allow(dead_code)] File);

/// Opens (creating or migrating) the data file: `(writer, reader, lock)`, after checking that it
/// can be written. `max_bytes` caps its size (past it, writes fail as on a full disk).
///
/// # Errors
///
/// One line saying what is wrong: another simulator holds the file, it cannot be written, it is
/// not a paysg-sim file.
pub fn open(
    path: &Path,
    max_bytes: Option<u64>,
) -> Result<(SqliteStore, SqliteStore, FileLock, Option<String>), String> {
    let shown = path.display();
    let note = crate::legacy::migrate(path, |fresh, old| {
        let (writer, reader, lock, _) = open(fresh, None)?;
        drop(reader);
        let mut writer = writer;
        writer
            .commit(&old.into_change())
            .map_err(|e| format!("cannot write {}: {e}", fresh.display()))?;
        writer.close(fresh)?;
        drop(lock);
        Ok(())
    })?;
    let conn = Connection::open(path).map_err(|e| format!("cannot open {shown}: {e}"))?;
    let lock = File::open(path).map_err(|e| format!("cannot open {shown}: {e}"))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(format!(
                "{shown} is in use by another paysg-sim; stop it or pass another --data"
            ))
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(format!("cannot lock {shown}: {e}")),
    }
    let setup = || -> rusqlite::Result<()> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(rusqlite::Error::InvalidQuery);
        }
        conn.execute_batch(
            "PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, service TEXT NOT NULL,
               created_ms INTEGER NOT NULL, reference_id TEXT NOT NULL, record TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS payments_list ON payments (service, created_ms, id);
             CREATE INDEX IF NOT EXISTS payments_recent ON payments (created_ms, id);
             CREATE TABLE IF NOT EXISTS idempotency (scope TEXT PRIMARY KEY,
               fingerprint TEXT NOT NULL, created_ms INTEGER NOT NULL, status INTEGER NOT NULL,
               body TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS idempotency_age ON idempotency (created_ms);
             CREATE TABLE IF NOT EXISTS emails (seq INTEGER PRIMARY KEY AUTOINCREMENT,
               record TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS attempts (seq INTEGER PRIMARY KEY AUTOINCREMENT,
               record TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS faults (kind TEXT PRIMARY KEY, count INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS deliveries (event_id TEXT NOT NULL, url TEXT NOT NULL,
               body TEXT NOT NULL, due_ms INTEGER NOT NULL, max_attempts INTEGER NOT NULL,
               attempts INTEGER NOT NULL DEFAULT 0, last_ms INTEGER,
               PRIMARY KEY (event_id, url));",
        )
    };
    setup().map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => damaged(path, &e.to_string()),
        _ => format!("cannot use {shown} as a data file: {e}"),
    })?;
    check_integrity(&conn, path)?;
    let format: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    match format.as_deref() {
        None => {}
        Some(v) if OPENS.contains(&v) => {}
        Some(v) => {
            return Err(format!(
                "{shown} is a paysg-sim data file of format {v}, not {VERSION}; move it away or pass another --data"
            ))
        }
    }
    // A write at start: a file that cannot be written stops the simulator here, not later.
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('format', ?1)",
        [VERSION],
    )
    .map_err(|e| format!("cannot write {shown}: {e}"))?;
    if let Some(max) = max_bytes {
        let page: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        let pages = i64::try_from(max).unwrap_or(i64::MAX) / page.max(1);
        conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
            .map_err(|e| format!("cannot cap {shown}: {e}"))?;
    }
    let writer = SqliteStore { conn };
    crate::legacy::remove_stale_temporaries(path);
    let reader = Connection::open(path).map_err(|e| format!("cannot open {shown}: {e}"))?;
    reader
        .execute_batch("PRAGMA query_only = ON;")
        .map_err(|e| format!("cannot open {shown}: {e}"))?;
    let _ = reader.busy_timeout(std::time::Duration::from_secs(5));
    Ok((writer, SqliteStore { conn: reader }, FileLock(lock), note))
}

/// Checks every page of the file (`PRAGMA quick_check`: the b-trees, their cells and their
/// order; not that indexes match their tables, which a torn page cannot break unnoticed): a
/// damaged file is refused at start, not answered 503 for what lies on its damaged pages.
fn check_integrity(conn: &Connection, path: &Path) -> Result<(), String> {
    let found = conn.prepare("PRAGMA quick_check(5)").and_then(|mut s| {
        s.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<String>>>()
    });
    match found {
        Ok(lines) if lines.iter().all(|l| l == "ok") => Ok(()),
        Ok(lines) => Err(damaged(path, &lines.join("; "))),
        Err(e) => Err(damaged(path, &e.to_string())),
    }
}

/// The refusal of a damaged data file: what SQLite found and what to do.
fn damaged(path: &Path, found: &str) -> String {
    let shown = path.display();
    format!(
        "{shown} is damaged (SQLite found: {found}), so paysg-sim will not use it: restore it from \
         a backup, or move it away (or pass another --data) to start with an empty store; \
         `sqlite3 {shown} .recover` may save what is left"
    )
}

fn record(text: &str) -> Result<Record, StoreError> {
    serde_json::from_str(text).map_err(err)
}

impl SqliteStore {
    /// Writes everything in the WAL into the file and closes it (a migration's fresh store,
    /// renamed next: its WAL must be empty).
    fn close(self, path: &Path) -> Result<(), String> {
        let fail = |e: rusqlite::Error| format!("cannot finish writing {}: {e}", path.display());
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(fail)?;
        self.conn.close().map_err(|(_, e)| fail(e))
    }

    fn records(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<Record>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(err)?;
        let rows = stmt.query_map(p, |r| r.get::<_, String>(0)).map_err(err)?;
        rows.map(|t| record(&t.map_err(err)?)).collect()
    }

    fn exists(&self, sql: &str, p: impl rusqlite::Params) -> Result<bool, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(err)?;
        stmt.query_row(p, |r| r.get(0)).map_err(err)
    }

    fn count(&self, table: &str) -> Result<u64, StoreError> {
        self.conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n.max(0) as u64)
            .map_err(err)
    }

    fn json_rows<T: serde::de::DeserializeOwned>(&self, table: &str) -> Result<Vec<T>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT record FROM {table} ORDER BY seq"))
            .map_err(err)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(err)?;
        rows.map(|t| serde_json::from_str(&t.map_err(err)?).map_err(err))
            .collect()
    }
}

impl Store for SqliteStore {
    fn payment(&self, id: &str) -> Result<Option<Record>, StoreError> {
        Ok(self
            .records("SELECT record FROM payments WHERE id = ?1", [id])?
            .pop())
    }

    fn page(&self, service: &str, from: &PageFrom, limit: usize) -> Result<Page, StoreError> {
        let n = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let (mut items, ascending, other) = match from {
            PageFrom::Start => (
                self.records(
                    "SELECT record FROM payments WHERE service = ?1
                     ORDER BY created_ms DESC, id DESC LIMIT ?2",
                    params![service, n],
                )?,
                false,
                false,
            ),
            PageFrom::After((ms, id)) => (
                self.records(
                    "SELECT record FROM payments WHERE service = ?1 AND (created_ms, id) < (?2, ?3)
                     ORDER BY created_ms DESC, id DESC LIMIT ?4",
                    params![service, ms, id, n],
                )?,
                false,
                self.exists(
                    "SELECT EXISTS (SELECT 1 FROM payments
                     WHERE service = ?1 AND (created_ms, id) >= (?2, ?3))",
                    params![service, ms, id],
                )?,
            ),
            PageFrom::Before((ms, id)) => (
                self.records(
                    "SELECT record FROM payments WHERE service = ?1 AND (created_ms, id) > (?2, ?3)
                     ORDER BY created_ms ASC, id ASC LIMIT ?4",
                    params![service, ms, id, n],
                )?,
                true,
                self.exists(
                    "SELECT EXISTS (SELECT 1 FROM payments
                     WHERE service = ?1 AND (created_ms, id) <= (?2, ?3))",
                    params![service, ms, id],
                )?,
            ),
        };
        let overflow = items.len() > limit;
        items.truncate(limit);
        if ascending {
            items.reverse();
        }
        Ok(Page {
            items,
            has_next: if ascending { other } else { overflow },
            has_previous: if ascending { overflow } else { other },
        })
    }

    fn idempotency(&self, scope: &str) -> Result<Option<IdemRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT fingerprint, created_ms, status, body FROM idempotency WHERE scope = ?1",
            )
            .map_err(err)?;
        stmt.query_row([scope], |r| {
            Ok(IdemRecord {
                fingerprint: r.get(0)?,
                created_ms: r.get(1)?,
                status: r.get(2)?,
                body: r.get(3)?,
            })
        })
        .optional()
        .map_err(err)
    }

    fn commit(&mut self, change: &Change) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(err)?;
        if change.reset {
            tx.execute_batch(
                "DELETE FROM payments; DELETE FROM idempotency; DELETE FROM emails;
                 DELETE FROM attempts; DELETE FROM faults; DELETE FROM deliveries;",
            )
            .map_err(err)?;
        }
        {
            let json = |v: &dyn erased::Json| v.text();
            for r in &change.payments {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO payments (id, service, created_ms, reference_id, record)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        r.payment.id,
                        r.payment.payment_service_id,
                        r.created_ms,
                        r.payment.reference_id,
                        json(r)
                    ])
                })
                .map_err(err)?;
            }
            for (scope, r) in &change.idempotency {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO idempotency (scope, fingerprint, created_ms, status, body)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .and_then(|mut s| {
                    s.execute(params![scope, r.fingerprint, r.created_ms, r.status, r.body])
                })
                .map_err(err)?;
            }
            for e in &change.emails {
                tx.execute("INSERT INTO emails (record) VALUES (?1)", [json(e)])
                    .map_err(err)?;
            }
            for d in &change.deliveries {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO deliveries (event_id, url, body, due_ms, max_attempts)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .and_then(|mut s| {
                    s.execute(params![d.event_id, d.url, d.body, d.due_ms, d.max_attempts])
                })
                .map_err(err)?;
            }
            for a in &change.attempts {
                tx.execute("INSERT INTO attempts (record) VALUES (?1)", [json(a)])
                    .map_err(err)?;
                // Its delivery's progress; the delivery ends when it delivered or was the last.
                tx.prepare_cached(
                    "UPDATE deliveries SET attempts = MAX(attempts, ?3), last_ms = ?4
                     WHERE event_id = ?1 AND url = ?2",
                )
                .and_then(|mut s| s.execute(params![a.event_id, a.url, a.attempt, a.at_ms]))
                .map_err(err)?;
                tx.prepare_cached(
                    "DELETE FROM deliveries WHERE event_id = ?1 AND url = ?2
                     AND (?3 OR attempts >= max_attempts)",
                )
                .and_then(|mut s| s.execute(params![a.event_id, a.url, a.delivered]))
                .map_err(err)?;
            }
            for kind in &change.faults {
                tx.execute(
                    "INSERT INTO faults (kind, count) VALUES (?1, 1)
                     ON CONFLICT (kind) DO UPDATE SET count = count + 1",
                    [kind],
                )
                .map_err(err)?;
            }
            if let Some(before) = change.prune_before_ms {
                tx.prepare_cached("DELETE FROM idempotency WHERE created_ms < ?1")
                    .and_then(|mut s| s.execute([before]))
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    fn summary(&self) -> Result<Summary, StoreError> {
        let pairs = |sql: &str| -> Result<std::collections::BTreeMap<String, u64>, StoreError> {
            let mut stmt = self.conn.prepare(sql).map_err(err)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(err)?;
            rows.map(|r| r.map(|(k, n)| (k, n.max(0) as u64)).map_err(err))
                .collect()
        };
        Ok(Summary {
            payments: self.count("payments")?,
            payments_by_reference: pairs(
                "SELECT reference_id, COUNT(*) FROM payments GROUP BY reference_id",
            )?,
            idempotency_keys: self.count("idempotency")?,
            emails: self.count("emails")?,
            webhook_attempts: self.count("attempts")?,
            faults: pairs("SELECT kind, count FROM faults")?,
        })
    }

    fn recent_payments(&self, n: usize) -> Result<Vec<Record>, StoreError> {
        self.records(
            "SELECT record FROM payments ORDER BY created_ms DESC, id DESC LIMIT ?1",
            [i64::try_from(n).unwrap_or(i64::MAX)],
        )
    }

    fn emails(&self) -> Result<Vec<Email>, StoreError> {
        self.json_rows("emails")
    }

    fn attempts(&self) -> Result<Vec<Attempt>, StoreError> {
        self.json_rows("attempts")
    }

    fn pending_deliveries(&self) -> Result<Vec<PendingDelivery>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT event_id, url, body, due_ms, max_attempts, attempts, last_ms
                 FROM deliveries",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PendingDelivery {
                    delivery: Delivery {
                        event_id: r.get(0)?,
                        url: r.get(1)?,
                        body: r.get(2)?,
                        due_ms: r.get(3)?,
                        max_attempts: r.get(4)?,
                    },
                    attempts: r.get(5)?,
                    last_ms: r.get(6)?,
                })
            })
            .map_err(err)?;
        let mut all = rows.collect::<rusqlite::Result<Vec<_>>>().map_err(err)?;
        sort_pending(&mut all);
        Ok(all)
    }
}

/// JSON text of the stored rows (serialising these types cannot fail: plain structs).
mod erased {
    /// A value stored as JSON text.
    pub trait Json {
        /// Its JSON.
        fn text(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn text(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}
