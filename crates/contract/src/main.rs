//! Writes the contract the npm package is built against (see the `paysg_contract` library) into a folder:
//! `contract.js` and `types.d.ts`. `npm run build` runs it as
//! `cargo run -p paysg-contract -- pkg/gen`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: paysg-contract <folder>");
        return ExitCode::FAILURE;
    };
    let files = [
        ("contract.js", paysg_contract::javascript()),
        ("types.d.ts", paysg_contract::typescript()),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text)) {
            eprintln!("paysg-contract: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
