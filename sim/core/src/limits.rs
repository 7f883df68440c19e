//! The HTTP limits every shell keeps, and the answers for the requests that break them: one
//! definition for the native server (sim/src) and `npx paysg-sim` (sim/pkg/src/server.js, through
//! the wasm exports), so that both answer alike.

pub use super::api_request::MAX_BODY;
use super::api_response::ApiResponse;
use super::reply::Reply;

/// How long a connection may take to send a request's headers, and stay idle between requests
/// (ms). Past it the connection is closed unanswered.
pub const HEADER_TIMEOUT_MS: u64 = 5_000;
/// How long a request's body may take to arrive, from the end of its headers (ms): past it,
/// [`body_timed_out`].
pub const BODY_TIMEOUT_MS: u64 = 10_000;
/// Connections served at once; more wait, unread, to be served.
pub const MAX_CONNECTIONS: usize = 512;

/// 413 `body_too_large`: the body is over [`MAX_BODY`]. The rest of it is not read, so the
/// connection is closed (`connection: close`).
pub fn body_too_large() -> Reply {
    ApiResponse::error(
        413,
        "invalid_request_error",
        "body_too_large",
        format!("the request body is over {MAX_BODY} bytes"),
    )
    .into()
}

/// 408 `request_timeout`: the body did not arrive within [`BODY_TIMEOUT_MS`]; the connection
/// is closed.
pub fn body_timed_out() -> Reply {
    Reply::from(ApiResponse::error(
        408,
        "invalid_request_error",
        "request_timeout",
        format!(
            "the request body did not arrive within {} s",
            BODY_TIMEOUT_MS / 1000
        ),
    ))
    .with("connection", "close")
}

/// 400 `malformed_body`: HTTP/1.1's framing of the body is broken (a malformed chunk, or the
/// body ends before its length). The rest of the connection cannot be read, so it is closed.
/// The message names the rule, not the parser's words (each shell's parser words it
/// differently; the shell logs them).
pub fn malformed_body() -> Reply {
    Reply::from(ApiResponse::invalid(
        "malformed_body",
        "the request body is not valid HTTP/1.1: a chunk is malformed (RFC 9112 section 7.1: a hex size \
         line, that many bytes, then CRLF) or the body ended before its length",
    ))
    .with("connection", "close")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(r: &'a Reply, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn each_answer_names_its_code_and_closes_the_connection() {
        for (reply, status, code, names) in [
            (body_too_large(), 413, "body_too_large", "1048576"),
            (body_timed_out(), 408, "request_timeout", "10 s"),
            (malformed_body(), 400, "malformed_body", "RFC 9112"),
        ] {
            assert_eq!(reply.status, status);
            let body = String::from_utf8_lossy(&reply.body);
            assert!(body.contains(code), "{body}");
            assert!(body.contains(names), "{body}");
            assert_eq!(header(&reply, "connection"), Some("close"), "{body}");
            assert_eq!(
                reply
                    .headers
                    .iter()
                    .filter(|(n, _)| n == "connection")
                    .count(),
                1
            );
        }
    }
}
