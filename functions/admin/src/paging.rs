//! A page of a staff queue, optionally narrowed to learners of a name: in a
//! rush before a batch day a queue holds hundreds, and staff answer one
//! learner on the phone at a time. Without a name only the page's learners
//! are read.

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ticedu_api::{ApiError, ApiResult};
use ticedu_store::LearnerStore;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::Learner;
use utoipa::{IntoParams, ToSchema};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;

/// Which page of a queue, and whose.
#[derive(Deserialize, IntoParams)]
pub(crate) struct QueueQuery {
    /// Items to skip, oldest first (default 0).
    offset: Option<usize>,
    /// Items per page, 1–100 (default 50).
    limit: Option<usize>,
    /// Only learners (or invoice buyers) whose name contains this.
    name: Option<String>,
}

/// A parsed [`QueueQuery`].
#[derive(Debug, Clone)]
pub(crate) struct QueuePage {
    offset: usize,
    limit: usize,
    name: Option<String>,
}

/// Where a page stands in its queue.
#[derive(Serialize, ToSchema)]
pub(crate) struct PageInfo {
    /// Items in the queue (matching the name, if one was given).
    total: usize,
    offset: usize,
    limit: usize,
}

impl QueueQuery {
    pub fn parse(self) -> Result<QueuePage, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "queue.limit",
                "每页 1–100 项。",
                "A page holds 1 to 100 items.",
            ));
        }
        let name = self
            .name
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty());
        if name.as_ref().is_some_and(|name| name.chars().count() > 60) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "queue.name",
                "姓名过长。",
                "The name is too long.",
            ));
        }
        Ok(QueuePage {
            offset: self.offset.unwrap_or(0),
            limit,
            name,
        })
    }
}

impl QueuePage {
    /// Whether `name` is asked for.
    pub fn matches(&self, name: &str) -> bool {
        self.name
            .as_deref()
            .is_none_or(|wanted| name.contains(wanted))
    }

    /// This page of `items` (already narrowed), and where it stands.
    pub fn window<T>(&self, items: Vec<T>) -> (Vec<T>, PageInfo) {
        let info = self.info(items.len());
        let page = items
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .collect();
        (page, info)
    }

    fn info(&self, total: usize) -> PageInfo {
        PageInfo {
            total,
            offset: self.offset,
            limit: self.limit,
        }
    }

    /// The learners of this page of a queue's `entries`, each with its entry.
    pub async fn learners<S: LearnerStore, E>(
        &self,
        store: &S,
        entries: Vec<(LearnerId, E)>,
    ) -> ApiResult<(Vec<(Learner, E)>, PageInfo)> {
        let mut found = Vec::new();
        if self.name.is_none() {
            let total = entries.len();
            for (id, entry) in entries.into_iter().skip(self.offset).take(self.limit) {
                // Gone meanwhile (never in practice): the page is one shorter.
                if let Some(learner) = store.learner(&id).await? {
                    found.push((learner, entry));
                }
            }
            return Ok((found, self.info(total)));
        }
        for (id, entry) in entries {
            if let Some(learner) = store.learner(&id).await? {
                if self.matches(learner.registration.name.as_str()) {
                    found.push((learner, entry));
                }
            }
        }
        Ok(self.window(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(
        offset: Option<usize>,
        limit: Option<usize>,
        name: Option<&str>,
    ) -> Result<QueuePage, ApiError> {
        QueueQuery {
            offset,
            limit,
            name: name.map(str::to_owned),
        }
        .parse()
    }

    #[test]
    fn a_page_is_a_window_of_at_most_a_hundred() {
        let (items, info) = page(Some(2), Some(2), None)
            .unwrap()
            .window(vec![1, 2, 3, 4, 5]);
        assert_eq!(
            (items, info.total, info.offset, info.limit),
            (vec![3, 4], 5, 2, 2)
        );
        let (items, _) = page(Some(9), None, None).unwrap().window(vec![1]);
        assert!(items.is_empty());
        assert_eq!(
            page(None, Some(0), None).err().unwrap().code(),
            "queue.limit"
        );
        assert_eq!(
            page(None, Some(101), None).err().unwrap().code(),
            "queue.limit"
        );
        assert_eq!(
            page(None, None, Some(&"名".repeat(61)))
                .err()
                .unwrap()
                .code(),
            "queue.name"
        );
        let named = page(None, None, Some(" 钟 ")).unwrap();
        assert!(named.matches("钟检") && !named.matches("王检"));
        assert!(page(None, None, Some("")).unwrap().matches("王检"));
    }
}
