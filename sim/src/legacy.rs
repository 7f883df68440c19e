//! The JSON state file of paysg-sim before the SQLite store, read once to migrate it. Its
//! idempotency records that were still "in progress" (a request killed mid-way) are dropped:
//! keeping them is what stranded keys.
//!
//! Only that file is migrated: a JSON object with exactly its five keys (`payments`,
//! `idempotency`, `emails`, `webhook_attempts`, `faults`), as every earlier paysg-sim wrote them.
//! Any other JSON passed as `--data` is refused and left as it is. A migration builds the SQLite
//! file beside it first; only then is the old file kept as `<file>.v1.json` (never replacing a
//! file of that name) and the new one put in its place, so that the path holds the old file or
//! the whole migrated store at every moment, and a failure leaves the old file where it was.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::core::model::{Attempt, Change, Email, IdemRecord, Record};

/// What an old idempotency record held.
#[derive(Debug, Deserialize)]
enum IdemState {
    InProgress,
    Done { status: u16, body: String },
}

/// An old idempotency record.
#[derive(Debug, Deserialize)]
struct IdemEntry {
    fingerprint: String,
    created_ms: i64,
    state: IdemState,
}

/// The old state file: every key required, no other allowed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// Payments in creation order.
    pub payments: Vec<Record>,
    idempotency: HashMap<String, IdemEntry>,
    emails: Vec<Email>,
    webhook_attempts: Vec<Attempt>,
    faults: HashMap<String, u64>,
}

impl Store {
    /// Everything it held, as one change: fault counts as repeated kinds, and only finished
    /// idempotency records (those "in progress" are dropped).
    pub fn into_change(self) -> Change {
        let mut faults: Vec<String> = Vec::new();
        for (kind, n) in self.faults {
            faults.extend(std::iter::repeat_n(kind, usize::try_from(n).unwrap_or(0)));
        }
        let idempotency = self
            .idempotency
            .into_iter()
            .filter_map(|(scope, e)| match e.state {
                IdemState::Done { status, body } => Some((
                    scope,
                    IdemRecord {
                        fingerprint: e.fingerprint,
                        created_ms: e.created_ms,
                        status,
                        body,
                    },
                )),
                IdemState::InProgress => None,
            })
            .collect();
        Change {
            payments: self.payments,
            idempotency,
            emails: self.emails,
            attempts: self.webhook_attempts,
            deliveries: Vec::new(),
            faults,
            prune_before_ms: None,
            reset: false,
        }
    }
}

/// Where a migrated file is kept: `<file>.v1.json`.
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".v1.json")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The old JSON store, when `path` holds one.
///
/// # Errors
///
/// `path` cannot be read, or holds a JSON object that is not an earlier paysg-sim's state file.
pub fn read(path: &Path) -> Result<Option<Store>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Ok(None); // SQLite's, an empty file, or something SQLite will refuse
    }
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        format!(
            "{} holds JSON, but not an earlier paysg-sim's state file ({e}; that file has exactly \
             payments, idempotency, emails, webhook_attempts and faults), so it was left as it \
             is: paysg-sim keeps its state in SQLite; pass another --data, or move the file away",
            path.display()
        )
    })
}

/// Migrates the old JSON state file at `path`, if it holds one: `build` writes a fresh SQLite
/// store at the path it is given (beside `path`) from the old state; then the old file is kept
/// as `<file>.v1.json` and the new one takes its place. Says so on stderr. `Some(note)` for the
/// log when it migrated.
///
/// # Errors
///
/// One line naming the file and what to do: it is not an earlier paysg-sim's, `<file>.v1.json`
/// exists already, or the new store could not be written (the old file is then left as it was).
pub fn migrate(
    path: &Path,
    build: impl FnOnce(&Path, Store) -> Result<(), String>,
) -> Result<Option<String>, String> {
    let Some(old) = read(path)? else {
        return Ok(None);
    };
    let (shown, backup) = (path.display(), backup_path(path));
    let exists = |b: &Path| {
        format!(
            "cannot migrate the old JSON state file {shown}: {} exists already (an earlier \
             migration's copy?), and is never replaced; move it away, then start again",
            b.display()
        )
    };
    if backup.symlink_metadata().is_ok() {
        return Err(exists(&backup));
    }
    let n = old.payments.len();
    let fresh = with_suffix(path, &format!(".migrating-{}", std::process::id()));
    let remove_fresh = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&fresh, suffix));
        }
    };
    remove_fresh();
    if let Err(e) = build(&fresh, old) {
        remove_fresh();
        return Err(format!(
            "cannot migrate the old JSON state file {shown} (left as it was): {e}"
        ));
    }
    eprintln!(
        "paysg-sim: migrating the old JSON state file {shown} into SQLite; the old file is kept as {}",
        backup.display()
    );
    // A hard link keeps the old file under both names without ever replacing a file; then the
    // rename puts the new store in its place in one step.
    let kept = match std::fs::hard_link(path, &backup) {
        Ok(()) => std::fs::rename(&fresh, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&backup);
        }),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            remove_fresh();
            return Err(exists(&backup));
        }
        // No hard links here: two renames (the first checked above not to replace anything).
        Err(_) => std::fs::rename(path, &backup).and_then(|()| {
            std::fs::rename(&fresh, path).inspect_err(|_| {
                let _ = std::fs::rename(&backup, path);
            })
        }),
    };
    if let Err(e) = kept {
        remove_fresh();
        return Err(format!(
            "cannot put the migrated store in place of {shown} (the old file is left at {shown} \
             or {}): {e}",
            backup.display()
        ));
    }
    Ok(Some(format!(
        "migrated {n} payments from the old JSON state file (kept as {})",
        backup.display()
    )))
}

/// Removes temporary files left by an earlier paysg-sim killed while it rewrote its JSON file.
pub fn remove_stale_temporaries(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!("{}.tmp-", name.to_string_lossy());
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_migration_leaves_the_old_file_where_it_was_and_nothing_beside() {
        let dir = std::env::temp_dir().join(format!("paysg-sim-legacy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let old =
            r#"{"payments":[],"idempotency":{},"emails":[],"webhook_attempts":[],"faults":{}}"#;
        std::fs::write(&path, old).unwrap();
        let failed = migrate(&path, |fresh, _| {
            std::fs::write(fresh, "half a store").unwrap();
            Err("the disk is full".to_owned())
        });
        let message = failed.unwrap_err();
        assert!(message.contains("left as it was") && message.contains("the disk is full"));
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), old);
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, ["state.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
