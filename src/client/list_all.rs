//! `listAllPayments`: its parameters checked ([`Lister::start`]) and, page after page, what to
//! do ([`Lister::page`]): yield so many of the page's payments, then stop, fail, or ask for the
//! page after a cursor. The caller (the JS loop) only fetches the pages through `listPayments`.
//!
//! Three bounds keep a server that never ends its list (fresh cursors on empty pages, say) from
//! holding the caller forever: `maxItems` payments, `maxPages` pages (both `list_cap_reached`),
//! and [`EMPTY_RUN_MAX`] empty pages in a row that each claim a next page, or a cursor seen
//! before (`invalid_response`).

use super::options::whole_number;
use super::plan::LIST_LIMIT_MAX;
use super::ClientError;
use crate::scalar::Scalar;
use crate::validate::{Code, FieldError};

/// The page size when `limit` is not given.
pub const DEFAULT_LIMIT: u64 = LIST_LIMIT_MAX;
/// The most payments yielded when `maxItems` is not given.
pub const DEFAULT_MAX_ITEMS: u64 = 10_000;
/// The largest `maxItems` (and `maxPages`) accepted.
pub const MAX_ITEMS_LIMIT: u64 = 10_000_000;
/// Empty pages in a row, each claiming a next page, after which the list is refused.
pub const EMPTY_RUN_MAX: u32 = 3;

/// `listAllPayments`' parameters as the caller gave them, every field loose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    /// Page size.
    pub limit: Scalar,
    /// Start after this cursor.
    pub after: Scalar,
    /// Not supported: the list follows `after` cursors.
    pub before: Scalar,
    /// The most payments to yield.
    pub max_items: Scalar,
    /// The most pages to request.
    pub max_pages: Scalar,
    /// When the parameters were not an object at all: their JS type (the JS layer's note).
    pub given_as: Scalar,
}

impl Params {
    /// Sets the field whose JS name is `name` (one of [`crate::surface::LIST_ALL_PARAMS`]);
    /// false for another name.
    pub fn set(&mut self, name: &str, value: Scalar) -> bool {
        let field = match name {
            "limit" => &mut self.limit,
            "after" => &mut self.after,
            "before" => &mut self.before,
            "maxItems" => &mut self.max_items,
            "maxPages" => &mut self.max_pages,
            _ => return false,
        };
        *field = value;
        true
    }
}

/// The default `maxPages` for a page size and `maxItems`: room for every page to come back half
/// full, and 10 more.
pub fn default_max_pages(limit: u64, max_items: u64) -> u64 {
    max_items.div_ceil(limit.max(1)).saturating_mul(2) + 10
}

/// The first page's query: `limit`, and `after` when given.
#[derive(Debug, Clone, PartialEq)]
pub struct First {
    /// Page size.
    pub limit: u64,
    /// The cursor to start after.
    pub after: Option<String>,
}

/// What to do with a page: yield its first `take` payments, then what `next` says.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// How many of the page's payments to yield (in order).
    pub take: u64,
    /// Then: request the page after this cursor (`None`: stop, or fail when `error` is set).
    pub after: Option<String>,
    /// Then: fail with this error.
    pub error: Option<ClientError>,
}

/// A `listAllPayments` in progress: its bounds and what it has seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Lister {
    max_items: u64,
    max_pages: u64,
    items: u64,
    pages: u64,
    empty_run: u32,
    /// Every cursor seen, sorted (a `BTreeSet` cost ≈ 3 KB of wasm).
    cursors: Vec<String>,
}

impl Lister {
    /// Checks the parameters: the lister and the first page's query, or every problem.
    ///
    /// # Errors
    ///
    /// The problems, each naming its parameter, the rule and what was given.
    pub fn start(params: &Params) -> Result<(Lister, First), Vec<FieldError>> {
        let mut p = Vec::new();
        if let Scalar::Str(t) = &params.given_as {
            p.push(FieldError::new(
                "",
                Code::InvalidType,
                format!("listAllPayments params must be an object, got {t}"),
            ));
            return Err(p);
        }
        let limit = whole_number(&mut p, "limit", params.limit.given(), 1, LIST_LIMIT_MAX);
        let max_items = whole_number(
            &mut p,
            "maxItems",
            params.max_items.given(),
            1,
            MAX_ITEMS_LIMIT,
        );
        let max_pages = whole_number(
            &mut p,
            "maxPages",
            params.max_pages.given(),
            1,
            MAX_ITEMS_LIMIT,
        );
        let after = match &params.after {
            Scalar::Absent => None,
            Scalar::Str(s) if !s.is_empty() => Some(s.clone()),
            other => {
                p.push(FieldError::new(
                    "after",
                    Code::InvalidType,
                    format!(
                        "after must be a cursor string from page_info.end_cursor, got {}",
                        match other.given() {
                            crate::validate::Given::Str(_) => "an empty string",
                            g => g.type_name(),
                        }
                    ),
                ));
                None
            }
        };
        if params.before != Scalar::Absent {
            p.push(FieldError::new(
                "before",
                Code::UnknownField,
                "listAllPayments follows after cursors to older payments; before is not \
                 supported (use listPayments({ before }) to page back)",
            ));
        }
        if !p.is_empty() {
            return Err(p);
        }
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        let max_items = max_items.unwrap_or(DEFAULT_MAX_ITEMS);
        let lister = Lister {
            max_items,
            max_pages: max_pages.unwrap_or_else(|| default_max_pages(limit, max_items)),
            items: 0,
            pages: 0,
            empty_run: 0,
            cursors: after.iter().cloned().collect(),
        };
        Ok((lister, First { limit, after }))
    }

    /// What to do with the page that came back: `items` the length of its `data` (`None` when
    /// it is not an array), `has_next` its `page_info.has_next_page`, `end_cursor` its
    /// `page_info.end_cursor`.
    pub fn page(&mut self, items: Option<u64>, has_next: bool, end_cursor: Option<&str>) -> Page {
        let stop = |take, error| Page {
            take,
            after: None,
            error,
        };
        let Some(items) = items else {
            return stop(
                0,
                Some(invalid("a page's data is not an array of payments")),
            );
        };
        self.pages += 1;
        let left = self.max_items - self.items;
        let take = items.min(left);
        self.items += take;
        if items > left {
            return stop(
                take,
                Some(ClientError::ListCapReached {
                    message: format!(
                        "listAllPayments stopped after maxItems = {} payments; pass a larger \
                         maxItems (at most {MAX_ITEMS_LIMIT}) to read more",
                        self.max_items
                    ),
                }),
            );
        }
        let next = match end_cursor {
            Some(c) if has_next && !c.is_empty() => c,
            _ => return stop(take, None),
        };
        let seen = self.cursors.binary_search_by(|c| c.as_str().cmp(next));
        if let Err(at) = seen {
            self.cursors.insert(at, next.to_owned());
        } else {
            return stop(
                take,
                Some(invalid(
                    "PaySG returned a cursor it had returned before; stopping rather than read \
                     the same pages again",
                )),
            );
        }
        self.empty_run = if items == 0 { self.empty_run + 1 } else { 0 };
        if self.empty_run >= EMPTY_RUN_MAX {
            return stop(
                take,
                Some(invalid(&format!(
                    "PaySG returned {EMPTY_RUN_MAX} empty pages in a row, each claiming a next \
                     page; stopping"
                ))),
            );
        }
        if self.pages >= self.max_pages {
            return stop(
                take,
                Some(ClientError::ListCapReached {
                    message: format!(
                        "listAllPayments stopped after maxPages = {} pages ({} payments); pass \
                         a larger maxPages (at most {MAX_ITEMS_LIMIT}) to read more",
                        self.max_pages, self.items
                    ),
                }),
            );
        }
        Page {
            take,
            after: Some(next.to_owned()),
            error: None,
        }
    }
}

/// An `invalid_response` error about the pages.
fn invalid(message: &str) -> ClientError {
    ClientError::InvalidPages {
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(
        limit: Scalar,
        max_items: Scalar,
        max_pages: Scalar,
    ) -> Result<Lister, Vec<FieldError>> {
        Lister::start(&Params {
            limit,
            max_items,
            max_pages,
            ..Params::default()
        })
        .map(|(l, _)| l)
    }

    fn kind(page: &Page) -> Option<&'static str> {
        page.error.as_ref().map(ClientError::kind)
    }

    #[test]
    fn defaults_and_the_first_query() {
        let (l, first) = Lister::start(&Params::default()).unwrap_or_else(|_| unreachable!());
        assert_eq!(
            first,
            First {
                limit: DEFAULT_LIMIT,
                after: None
            }
        );
        assert_eq!(l.max_items, DEFAULT_MAX_ITEMS);
        assert_eq!(
            l.max_pages,
            default_max_pages(DEFAULT_LIMIT, DEFAULT_MAX_ITEMS)
        );
        assert_eq!(default_max_pages(100, 10_000), 210);
        let (_, first) = Lister::start(&Params {
            after: Scalar::Str("c1".into()),
            limit: Scalar::Num(5.0),
            ..Params::default()
        })
        .unwrap_or_else(|_| unreachable!());
        assert_eq!(
            first,
            First {
                limit: 5,
                after: Some("c1".into())
            }
        );
    }

    #[test]
    fn every_parameter_is_checked_on_both_sides_of_its_limits() {
        let n = Scalar::Num;
        for ok in [1.0, MAX_ITEMS_LIMIT as f64] {
            assert!(start(Scalar::Absent, n(ok), n(ok)).is_ok(), "{ok}");
        }
        for (bad, code) in [
            (n(1.5), Code::OutOfRange),
            (n(-1.0), Code::OutOfRange),
            (n(0.0), Code::OutOfRange),
            (n(MAX_ITEMS_LIMIT as f64 + 1.0), Code::OutOfRange),
            (n(f64::INFINITY), Code::OutOfRange),
            (n(f64::NAN), Code::InvalidType),
            (Scalar::Str("5".into()), Code::InvalidType),
        ] {
            for (field, e) in [
                (
                    "maxItems",
                    start(Scalar::Absent, bad.clone(), Scalar::Absent),
                ),
                (
                    "maxPages",
                    start(Scalar::Absent, Scalar::Absent, bad.clone()),
                ),
                ("limit", start(bad.clone(), Scalar::Absent, Scalar::Absent)),
            ] {
                let e = e.err().unwrap_or_default();
                assert_eq!(e.len(), 1, "{field} {bad:?}");
                assert_eq!((e[0].field.as_str(), e[0].code), (field, code), "{bad:?}");
                assert!(
                    e[0].message.contains("whole number from 1 to"),
                    "{}",
                    e[0].message
                );
            }
        }
        assert!(start(n(100.0), Scalar::Absent, Scalar::Absent).is_ok());
        assert!(start(n(101.0), Scalar::Absent, Scalar::Absent).is_err());
        let e = Lister::start(&Params {
            before: Scalar::Str("c".into()),
            after: Scalar::Str(String::new()),
            given_as: Scalar::Absent,
            ..Params::default()
        })
        .err()
        .unwrap_or_default();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["after", "before"]);
        let e = Lister::start(&Params {
            given_as: Scalar::Str("number".into()),
            ..Params::default()
        });
        assert!(e.is_err());
    }

    #[test]
    fn items_are_capped_at_max_items_and_no_further() {
        let mut l = start(Scalar::Absent, Scalar::Num(5.0), Scalar::Absent)
            .unwrap_or_else(|_| unreachable!());
        let p = l.page(Some(3), true, Some("a"));
        assert_eq!((p.take, p.after.as_deref(), kind(&p)), (3, Some("a"), None));
        // Exactly maxItems, and a next page: it is read, to see whether it has more.
        let p = l.page(Some(2), true, Some("b"));
        assert_eq!((p.take, p.after.as_deref(), kind(&p)), (2, Some("b"), None));
        let p = l.page(Some(0), false, None);
        assert_eq!(
            (p.take, p.after.as_deref(), kind(&p)),
            (0, None, None),
            "exactly maxItems is fine"
        );
        let mut l = start(Scalar::Absent, Scalar::Num(5.0), Scalar::Absent)
            .unwrap_or_else(|_| unreachable!());
        let p = l.page(Some(6), true, Some("a"));
        assert_eq!(
            (p.take, p.after.as_deref(), kind(&p)),
            (5, None, Some("list_cap_reached"))
        );
    }

    #[test]
    fn pages_are_capped_at_max_pages() {
        let mut l = start(Scalar::Absent, Scalar::Absent, Scalar::Num(3.0))
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(l.page(Some(1), true, Some("a")).after.as_deref(), Some("a"));
        assert_eq!(l.page(Some(1), true, Some("b")).after.as_deref(), Some("b"));
        let p = l.page(Some(1), true, Some("c"));
        assert_eq!((p.take, kind(&p)), (1, Some("list_cap_reached")));
        // The last page allowed, when it is the last page: no error.
        let mut l = start(Scalar::Absent, Scalar::Absent, Scalar::Num(1.0))
            .unwrap_or_else(|_| unreachable!());
        let p = l.page(Some(1), false, Some("a"));
        assert_eq!((p.take, p.after.as_deref(), kind(&p)), (1, None, None));
    }

    #[test]
    fn empty_runs_and_repeated_cursors_are_refused() {
        let mut l = Lister::start(&Params::default())
            .map(|(l, _)| l)
            .unwrap_or_else(|_| unreachable!());
        for i in 1..EMPTY_RUN_MAX {
            let p = l.page(Some(0), true, Some(&format!("c{i}")));
            assert_eq!(kind(&p), None, "{i} empty pages");
        }
        // A page with payments ends a run.
        assert_eq!(kind(&l.page(Some(1), true, Some("d"))), None);
        for i in 1..EMPTY_RUN_MAX {
            assert_eq!(kind(&l.page(Some(0), true, Some(&format!("e{i}")))), None);
        }
        let p = l.page(Some(0), true, Some("f"));
        assert_eq!(kind(&p), Some("invalid_response"));
        let mut l = Lister::start(&Params {
            after: Scalar::Str("start".into()),
            ..Params::default()
        })
        .map(|(l, _)| l)
        .unwrap_or_else(|_| unreachable!());
        assert_eq!(kind(&l.page(Some(1), true, Some("a"))), None);
        assert_eq!(
            kind(&l.page(Some(1), true, Some("a"))),
            Some("invalid_response")
        );
        assert_eq!(
            kind(&l.page(Some(1), true, Some("start"))),
            Some("invalid_response")
        );
        assert_eq!(
            kind(&l.page(None, true, Some("z"))),
            Some("invalid_response")
        );
        // No next page, or no cursor: done.
        assert_eq!(l.page(Some(1), false, Some("y")).after, None);
        assert_eq!(kind(&l.page(Some(1), true, None)), None);
    }
}
