//! `list_all`: every payment, newest first, page by page. The core checks the parameters and says
//! what to do with each page ([`paysg::client::list_all::Lister`]: how many of its payments to
//! keep, the cursor of the next page, or the error that ends the list); this only requests the
//! pages.

use crate::client::PaySg;
use crate::config::CallOptions;
use paysg::client::list_all::{Lister, Params};
use paysg::client::ClientError;
use paysg::model::Payment;
use paysg::scalar::Scalar;

/// `list_all`'s parameters (`listAllPayments(params)`); each is checked by the core.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListAll {
    /// The page size (1 to 100; default 100).
    pub limit: Option<u32>,
    /// Start after this cursor (a `page_info.end_cursor`).
    pub after: Option<String>,
    /// The most payments to read (1 to 100,000; default 10,000); more to read is an error.
    pub max_items: Option<u64>,
    /// The most pages to request (1 to 100,000; default: room for every page to come back half
    /// full); more to read is an error.
    pub max_pages: Option<u64>,
}

impl ListAll {
    fn params(&self) -> Params {
        let num = |v: Option<u64>| v.map_or(Scalar::Absent, |n| Scalar::Num(n as f64));
        Params {
            limit: num(self.limit.map(u64::from)),
            after: self.after.clone().map_or(Scalar::Absent, Scalar::Str),
            max_items: num(self.max_items),
            max_pages: num(self.max_pages),
            ..Params::default()
        }
    }
}

/// A `list_all` in progress: ask [`Pages::next_page`] until it gives `None`.
#[derive(Debug)]
pub struct Pages<'c> {
    client: &'c PaySg,
    opts: CallOptions,
    lister: Lister,
    limit: u32,
    /// The cursor of the page to request next; `None` once the list is over.
    after: Option<Option<String>>,
    /// The error that ends the list, given after the page's payments.
    error: Option<ClientError>,
}

impl Pages<'_> {
    /// The next page's payments (those the core keeps), `None` when the list is over.
    ///
    /// # Errors
    ///
    /// A page's [`ClientError`]; or, after the payments before it, `ListCapReached` past
    /// `max_items` or `max_pages`, or `InvalidPages` (a cursor seen before, a run of empty pages
    /// each claiming a next one). The list is over after an error.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Payment>>, ClientError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let Some(after) = self.after.take() else {
            return Ok(None);
        };
        let page = self
            .client
            .list_payments(Some(self.limit), after.as_deref(), self.opts.clone())
            .await?;
        let step = self.lister.page(
            Some(page.data.len() as u64),
            page.page_info.has_next_page,
            page.page_info.end_cursor.as_deref(),
        );
        let take = usize::try_from(step.take).unwrap_or(usize::MAX);
        let kept: Vec<Payment> = page.data.into_iter().take(take).collect();
        match step.error {
            // A page with nothing to keep (the one read to learn there is more) ends at once.
            Some(e) if kept.is_empty() => return Err(e),
            Some(e) => self.error = Some(e),
            None => self.after = step.after.map(Some),
        }
        Ok(Some(kept))
    }
}

impl PaySg {
    /// `listAllPayments`: the pages of every payment, newest first, following `after` cursors;
    /// the parameters checked before anything is sent.
    ///
    /// # Errors
    ///
    /// [`ClientError::Validation`] naming each parameter that is wrong.
    pub fn list_all_pages(
        &self,
        params: &ListAll,
        opts: CallOptions,
    ) -> Result<Pages<'_>, ClientError> {
        let (lister, first) =
            Lister::start(&params.params()).map_err(|errors| ClientError::Validation { errors })?;
        Ok(Pages {
            client: self,
            opts,
            lister,
            limit: u32::try_from(first.limit).unwrap_or(u32::MAX),
            after: Some(first.after),
            error: None,
        })
    }

    /// Every payment, newest first (at most `max_items`): [`PaySg::list_all_pages`] collected.
    ///
    /// # Errors
    ///
    /// As [`PaySg::list_all_pages`] and [`Pages::next_page`]; the payments read before an error
    /// are dropped (use [`PaySg::list_all_pages`] to keep them).
    pub async fn list_all(
        &self,
        params: &ListAll,
        opts: CallOptions,
    ) -> Result<Vec<Payment>, ClientError> {
        let mut pages = self.list_all_pages(params, opts)?;
        let mut all = Vec::new();
        while let Some(page) = pages.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }
}
