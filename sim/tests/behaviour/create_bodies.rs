//! Section 3, create (continued): malformed and oversized bodies.

use crate::common::*;
use reqwest::Method;
use std::time::Duration;

#[tokio::test]
async fn malformed_bodies_are_refused_without_crashing() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let raw = |content_type: &str, body: Vec<u8>| {
        api.v1(Method::POST, "")
            .header("content-type", content_type)
            .body(body)
    };

    for body in ["{\"reference_id\": ", "not json", "", "{\"a\":1}}"] {
        let reply = send(raw("application/json", body.into())).await;
        assert_error(&reply, 400, "invalid_json");
    }
    let valid = minimal("ct", 100).to_string();
    let reply = send(raw("text/plain", valid.clone().into())).await;
    assert_error(&reply, 415, "unsupported_media_type");
    let reply = send(raw("application/x-www-form-urlencoded", b"a=b".to_vec())).await;
    assert_error(&reply, 415, "unsupported_media_type");
    send(raw("application/json; charset=utf-8", valid.clone().into()))
        .await
        .expect(201);

    // Exactly 1 MiB (valid JSON padded with spaces) passes; one byte more is too large.
    const MIB: usize = 1024 * 1024;
    let padded = |len: usize| {
        let mut body = valid.clone().into_bytes();
        body.resize(len, b' ');
        body
    };
    send(raw("application/json", padded(MIB))).await.expect(201);
    let reply = send(raw("application/json", padded(MIB + 1))).await;
    assert_error(&reply, 413, "body_too_large");
    // The simulator may close the connection after refusing a body it did not read: send this
    // one on a pool of its own (a_too_large_body_leaves_no_dead_connection covers the closing).
    let big = api
        .fresh()
        .v1(Method::POST, "")
        .header("content-type", "application/json")
        .body(padded(3 * MIB));
    assert_error(&send(big).await, 413, "body_too_large");

    // Odd paths and methods do not bring it down either.
    let odd = send(api.v1(Method::DELETE, "/whatever")).await;
    assert!(
        odd.status >= 400 && odd.status < 500,
        "DELETE: {}",
        odd.status
    );
    let odd = send(api.v1(Method::GET, "/%ff%fe")).await;
    assert!(
        odd.status >= 400 && odd.status < 500,
        "bad id: {}",
        odd.status
    );

    // Still answering, and only the valid creates were stored.
    assert_eq!(api.all_ids().await.len(), 2);
    api.create_ok(&minimal("after", 100)).await;
}

/// The body of a chunked message once all of it is in `data` (`None` before that).
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = data.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&data[..line]).ok()?.split(';').next()?;
        let size = usize::from_str_radix(size.trim(), 16).ok()?;
        data = &data[line + 2..];
        if size == 0 {
            return data.starts_with(b"\r\n").then_some(body);
        }
        body.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// Reads one HTTP/1.1 response (head, and a `content-length` or chunked body) from a raw
/// stream.
fn read_response(stream: &mut std::net::TcpStream) -> std::io::Result<(String, String)> {
    use std::io::Read;
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            if head
                .lines()
                .any(|l| l.trim() == "transfer-encoding: chunked")
            {
                if let Some(body) = dechunk(&data[end + 4..]) {
                    return Ok((head, String::from_utf8_lossy(&body).into_owned()));
                }
            } else {
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap_or(0));
                if data.len() >= end + 4 + length {
                    let body =
                        String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned();
                    return Ok((head, body));
                }
            }
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn a_too_large_body_leaves_no_dead_connection() {
    if skip_unless_any(
        SERVERS,
        "what is left of a connection is a server's; the in-process simulator has none (its \
         adapter reads every body whole)",
    ) {
        return;
    }
    use std::io::Write;
    let sim = Sim::start(&[]);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", sim.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut body = minimal("big", 100).to_string();
    body.push_str(&" ".repeat(3 * 1024 * 1024 - body.len()));
    let request = format!(
        "POST /v1/payment-services/{SERVICE}/payments HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         x-api-key: {KEY}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    // The server may stop reading before the end: a failed write is fine, the answer is not.
    let _ = stream.write_all(request.as_bytes());
    let (head, answer) = read_response(&mut stream).expect("an answer to a too-large body");
    assert!(head.starts_with("http/1.1 413"), "{head}");
    assert!(answer.contains("body_too_large"), "{answer}");
    if head.lines().any(|l| l.trim() == "connection: close") {
        return; // Clients know not to reuse the connection.
    }
    // Kept alive: then the connection must still work.
    let next = format!(
        "GET /v1/payment-services/{SERVICE}/payments HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: {KEY}\r\n\r\n"
    );
    let reused = stream
        .write_all(next.as_bytes())
        .and_then(|()| read_response(&mut stream));
    match reused {
        Ok((head, _)) => assert!(head.starts_with("http/1.1 200"), "{head}"),
        Err(e) => panic!(
            "the 413 answer did not say `connection: close`, yet the connection was closed: \
             the next request on it failed ({e}); a keep-alive client would see a broken request"
        ),
    }
}
