// `--data` for the npm package: a journal. Each change the core makes is one JSON line,
// appended and fsync'd before the change applies (and so before it is answered); a failed write
// is undone (the file cut back) and the core answers 503 with nothing applied. At start the
// journal is replayed (a torn last line — a crash mid-write — is dropped: it was never
// answered) and compacted into one snapshot line. Node 20 has no node:sqlite, and a native
// SQLite module would need a build step: an append-only file with fsync keeps the same promise
// (every answered change is on disk) at a constant cost per change.
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";

const HEADER = '{"paysg-sim-journal":1}';

function locked(path) {
  const lock = `${path}.lock`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return lock;
    } catch (e) {
      if (e.code !== "EEXIST") throw new Error(`cannot write ${lock}: ${e.message}`);
      const pid = Number(readFileSync(lock, "utf8"));
      let alive = false;
      try {
        alive = pid > 0 && (process.kill(pid, 0), true);
      } catch (err) {
        alive = err.code === "EPERM";
      }
      if (alive) throw new Error(`${path} is in use by another paysg-sim (pid ${pid}); stop it or pass another --data`);
      unlinkSync(lock); // left by a simulator that was killed
    }
  }
  throw new Error(`cannot lock ${path}`);
}

/**
 * Opens the journal at `path`: `{ lines, persist(line), compact(snapshot), close() }`.
 * Throws one line when the file cannot be used.
 */
export function openJournal(path, maxBytes) {
  let text = "";
  if (existsSync(path)) {
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 16).toString("latin1") === "SQLite format 3\0") {
      throw new Error(`${path} is a data file of the native paysg-sim (SQLite); the npm paysg-sim keeps a journal: pass another --data`);
    }
    text = bytes.toString("utf8");
    if (text.length && !text.startsWith(HEADER)) {
      throw new Error(`${path} is not a paysg-sim journal; move it away or pass another --data`);
    }
  }
  const lock = locked(path);
  const lines = [];
  let good = 0;
  if (text) {
    let at = HEADER.length + 1;
    good = at;
    while (at < text.length) {
      const end = text.indexOf("\n", at);
      if (end < 0) break; // torn: never fsync'd as a whole line, never answered
      lines.push(text.slice(at, end));
      at = end + 1;
      good = at;
    }
  }
  let fd;
  try {
    fd = openSync(path, "a+");
    if (!text) {
      writeSync(fd, `${HEADER}\n`);
      fsyncSync(fd);
      good = Buffer.byteLength(`${HEADER}\n`);
    } else if (Buffer.byteLength(text.slice(0, good)) !== Buffer.byteLength(text)) {
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, good)));
    }
  } catch (e) {
    unlinkSync(lock);
    throw new Error(`cannot write ${path}: ${e.message}`);
  }
  let size = text ? Buffer.byteLength(text.slice(0, good)) : good;
  return {
    lines,
    persist(line) {
      const bytes = Buffer.from(`${line}\n`);
      if (maxBytes !== undefined && size + bytes.length > maxBytes) {
        throw new Error(`the data file is full (--data-max-bytes ${maxBytes})`);
      }
      try {
        writeSync(fd, bytes);
        fsyncSync(fd);
        size += bytes.length;
      } catch (e) {
        try {
          ftruncateSync(fd, size);
        } catch {
          // the next start drops a torn line anyway
        }
        throw new Error(`cannot write ${path}: ${e.message}`);
      }
    },
    /** Rewrites the journal as its header and one snapshot line (atomically). */
    compact(snapshot) {
      const tmp = `${path}.compact-${process.pid}`;
      const out = openSync(tmp, "w");
      writeSync(out, `${HEADER}\n${snapshot}\n`);
      fsyncSync(out);
      closeSync(out);
      renameSync(tmp, path);
      try {
        const dir = openSync(dirname(path), "r");
        fsyncSync(dir);
        closeSync(dir);
      } catch {
        // not every platform lets a folder be synced
      }
      closeSync(fd);
      fd = openSync(path, "a");
      size = Buffer.byteLength(`${HEADER}\n${snapshot}\n`);
    },
    close() {
      try {
        closeSync(fd);
      } finally {
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      }
    },
  };
}
