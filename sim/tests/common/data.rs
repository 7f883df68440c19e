//! A data file for a test, removed with its companions when dropped.

use super::scratch_file;

/// The data file and SQLite's companions, removed when dropped.
pub struct DataFile(pub std::path::PathBuf);

impl DataFile {
    pub fn new(name: &str) -> DataFile {
        let d = DataFile(scratch_file(name));
        d.clean();
        d
    }
    pub fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
    pub fn clean(&self) {
        for suffix in ["", "-wal", "-shm", ".v1.json"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.arg()));
        }
    }
}

impl Drop for DataFile {
    fn drop(&mut self) {
        self.clean();
    }
}
