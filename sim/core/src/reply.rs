//! [`Reply`]: an HTTP reply of the simulator, an API response's included.

use super::api_response::ApiResponse;

/// An HTTP reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Status.
    pub status: u16,
    /// Headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A reply with a content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: body.into(),
        }
    }

    /// An HTML page.
    pub fn html(status: u16, body: String) -> Reply {
        Reply::new(status, "text/html; charset=utf-8", body)
    }

    /// No body.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A redirect (303) to `url`.
    pub fn see_other(url: &str) -> Reply {
        let mut r = Reply::empty(303);
        r.headers.push(("location".to_owned(), url.to_owned()));
        r
    }

    /// With one more header.
    pub fn with(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

impl From<ApiResponse> for Reply {
    fn from(a: ApiResponse) -> Reply {
        let mut r = match a.body {
            Some(body) => Reply::new(a.status, "application/json; charset=utf-8", body),
            None => Reply::empty(a.status),
        };
        if a.replayed {
            r.headers
                .push(("idempotent-replayed".to_owned(), "true".to_owned()));
        }
        if let Some(secs) = a.retry_after {
            r.headers.push(("retry-after".to_owned(), secs.to_string()));
        }
        if a.status == 413 {
            // The rest of the oversized body was never read: the connection cannot be reused.
            r.headers
                .push(("connection".to_owned(), "close".to_owned()));
        }
        r
    }
}
