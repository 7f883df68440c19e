//! Writes the contract the npm package is built against (see the `paysg_contract` library):
//!
//! * `paysg-contract <folder>`: `contract.js`, `surface.js` and `types.d.ts` into the folder;
//!   `npm run build` runs it as `cargo run -p paysg-contract -- pkg/gen`;
//! * `paysg-contract --readme <README.md>`: rewrites the README's generated tables in place.

use std::path::PathBuf;
use std::process::ExitCode;

fn write(path: &std::path::Path, text: &str) -> ExitCode {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    match std::fs::create_dir_all(dir).and_then(|()| std::fs::write(path, text)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paysg-contract: cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let first = args.next();
    if first.as_deref() == Some(std::ffi::OsStr::new("--readme")) {
        let Some(path) = args.next().map(PathBuf::from) else {
            eprintln!("usage: paysg-contract --readme <README.md>");
            return ExitCode::FAILURE;
        };
        let readme = match std::fs::read_to_string(&path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("paysg-contract: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        };
        return write(&path, &paysg_contract::update_readme(&readme));
    }
    let Some(dir) = first.map(PathBuf::from) else {
        eprintln!("usage: paysg-contract <folder> | --readme <README.md>");
        return ExitCode::FAILURE;
    };
    let files = [
        ("contract.js", paysg_contract::javascript()),
        ("surface.js", paysg_contract::surface_javascript()),
        ("types.d.ts", paysg_contract::typescript()),
    ];
    for (name, text) in files {
        if write(&dir.join(name), &text) != ExitCode::SUCCESS {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
