// `--data` for the npm package: a journal. Each change the core makes is one JSON line,
// appended and fsync'd before the change applies (and so before it is answered); a failed write
// is undone (the file cut back) and the core answers 503 with nothing applied. At start the
// journal is locked, then read as bytes and replayed (a torn last line — a crash mid-write — is
// cut off at its byte offset: it was never answered) and compacted into one snapshot line. Node
// 20 has no node:sqlite, and a native SQLite module would need a build step: an append-only file
// with fsync keeps the same promise (every answered change is on disk) at a constant cost per
// change.
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { connect, createServer } from "node:net";
import { basename, dirname, join } from "node:path";

const HEADER = '{"paysg-sim-journal":1}';
const HEADER_LINE = Buffer.from(`${HEADER}\n`);

/**
 * Takes the right to write the journal at `path`; resolves to its `release()`.
 *
 * The lock is a listening socket, not a pid file: the OS closes a socket when its process dies,
 * however it dies, so a lock is never left stale; binding is atomic, so of simulators started
 * together exactly one binds and the others get EADDRINUSE (a live holder); and no pid is read,
 * since pids prove nothing (in a container the killed holder and its restart are both pid 1).
 * Linux: an abstract unix socket (no file at all) named from a hash of the journal's real path —
 * abstract names are per network namespace, so two containers sharing the file's volume but not
 * their network do not see each other's lock. Windows: a named pipe, likewise. Elsewhere: a
 * socket file next to the journal; one whose process died refuses connections, and is replaced.
 */
async function lock(path) {
  let real;
  try {
    real = realpathSync(path);
  } catch {
    try {
      real = join(realpathSync(dirname(path)), basename(path));
    } catch (e) {
      throw new Error(`cannot write ${path}: ${e.message}`);
    }
  }
  const id = createHash("sha256").update(real).digest("hex").slice(0, 32);
  const file = process.platform !== "linux" && process.platform !== "win32";
  const name = process.platform === "linux" ? `\0paysg-sim-${id}` : file ? `${real}.lock` : `\\\\.\\pipe\\paysg-sim-${id}`;
  for (let tries = 0; ; tries++) {
    const server = createServer((socket) => socket.destroy());
    const failed = await new Promise((resolve) => {
      server.once("error", resolve);
      server.listen(name, () => resolve(null));
    });
    if (!failed) {
      server.unref(); // the lock alone does not keep the process alive
      return () => new Promise((done) => server.close(() => done()));
    }
    if (failed.code !== "EADDRINUSE") throw new Error(`cannot lock ${path}: ${failed.message}`);
    if (!file || tries > 0 || !(await stale(name))) {
      throw new Error(`${path} is in use by another paysg-sim; stop it or pass another --data`);
    }
    try {
      unlinkSync(name); // left by a simulator that died
    } catch {
      // another start removed it first: binding again decides
    }
  }
}

/** Whether the socket file `name` is left by a process that died (nothing accepts on it). */
function stale(name) {
  return new Promise((resolve) => {
    const socket = connect(name);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (e) => resolve(["ECONNREFUSED", "ENOTSOCK", "ENOENT"].includes(e.code)));
  });
}

/** The file's bytes, or none when it does not exist. */
function readBytes(path) {
  try {
    return readFileSync(path);
  } catch (e) {
    if (e.code === "ENOENT") return Buffer.alloc(0);
    throw new Error(`cannot read ${path}: ${e.message}`);
  }
}

/**
 * The whole lines of a journal's `bytes` after its header, each `{ line, text }` (`line`
 * counting the header as 1), and the byte offset where the whole lines end. A line that is not
 * UTF-8 is refused: the simulator writes only UTF-8, so it is a damaged file.
 */
function wholeLines(path, bytes) {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const lines = [];
  let at = HEADER_LINE.length;
  for (let line = 2; ; line++) {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) return { lines, end: at };
    try {
      lines.push({ line, text: utf8.decode(bytes.subarray(at, end)) });
    } catch {
      throw new Error(`${path} line ${line} is not UTF-8 text: the journal is damaged; move it away or pass another --data`);
    }
    at = end + 1;
  }
}

/**
 * Opens the journal at `path`, holding its lock: `{ count, replay(restore), persist(line),
 * compact(snapshot), close() }`. Rejects with one line when the file cannot be used, holding
 * nothing.
 */
export async function openJournal(path, maxBytes) {
  const release = await lock(path);
  let fd;
  try {
    const bytes = readBytes(path);
    if (bytes.subarray(0, 16).toString("latin1") === "SQLite format 3\0") {
      throw new Error(`${path} is a data file of the native paysg-sim (SQLite); the npm paysg-sim keeps a journal: pass another --data`);
    }
    // A file that is a beginning of the header was cut while being created: it is empty.
    const fresh = HEADER_LINE.subarray(0, bytes.length).equals(bytes);
    if (!fresh && !bytes.subarray(0, HEADER_LINE.length).equals(HEADER_LINE)) {
      throw new Error(`${path} is not a paysg-sim journal; move it away or pass another --data`);
    }
    const { lines, end } = fresh ? { lines: [], end: 0 } : wholeLines(path, bytes);
    try {
      fd = openSync(path, "a+");
      if (end < bytes.length) ftruncateSync(fd, end); // a torn last line, or a torn header
      if (fresh) writeSync(fd, HEADER_LINE);
      fsyncSync(fd);
    } catch (e) {
      throw new Error(`cannot write ${path}: ${e.message}`);
    }
    return journal(path, maxBytes, { fd, lines, size: fresh ? HEADER_LINE.length : end, release });
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    await release();
    throw e;
  }
}

/** The open journal (its lock held): what openJournal resolves to. */
function journal(path, maxBytes, { fd, lines, size, release }) {
  return {
    /** How many lines replay restores. */
    count: lines.length,
    /** Calls `restore(text)` for each line; an error names the file and the line. */
    replay(restore) {
      for (const { line, text } of lines) {
        try {
          restore(text);
        } catch (e) {
          throw new Error(`${path} line ${line}: ${e?.message ?? e}; move the file away or pass another --data`);
        }
      }
    },
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
      const text = Buffer.from(`${HEADER}\n${snapshot}\n`);
      const tmp = `${path}.compact-${process.pid}`;
      const out = openSync(tmp, "w");
      writeSync(out, text);
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
      size = text.length;
    },
    /** Closes the file, then lets another simulator have it. */
    async close() {
      try {
        closeSync(fd);
      } finally {
        await release();
      }
    },
  };
}
