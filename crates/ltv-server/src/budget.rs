//! The in-flight body budget: how many bytes of request bodies the service holds in
//! memory at once, all requests together.
//!
//! Every body read into memory (a JSON body, an initiatives document, a CSV upload, a
//! multipart form) takes its bytes from one [`BodyBudget`] as they arrive — all of a
//! declared `Content-Length` before the first byte is read — and gives them back when
//! the request is done with them. A body that does not fit is refused at once with
//! 503 and `Retry-After`, so twenty concurrent 100 MB uploads cannot take 2 GB.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

/// Bytes of request bodies that may be held at once (a semaphore of bytes).
#[derive(Debug, Clone)]
pub struct BodyBudget {
    bytes: Arc<Semaphore>,
    total: usize,
}

impl BodyBudget {
    /// A budget of `total` bytes (at least 1).
    pub fn new(total: usize) -> Self {
        let total = total.clamp(1, Semaphore::MAX_PERMITS);
        BodyBudget {
            bytes: Arc::new(Semaphore::new(total)),
            total,
        }
    }

    /// The budget in bytes.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Bytes not held by any request now.
    pub fn available(&self) -> usize {
        self.bytes.available_permits()
    }

    /// An empty hold, to [`BodyPermit::grow`] as bytes arrive.
    pub fn empty(&self) -> BodyPermit {
        BodyPermit {
            budget: self.clone(),
            held: None,
        }
    }

    /// A hold of `n` bytes.
    ///
    /// # Errors
    /// [`ApiError::Overloaded`] when fewer than `n` bytes are free.
    pub fn reserve(&self, n: usize) -> Result<BodyPermit, ApiError> {
        let mut permit = self.empty();
        permit.grow(n)?;
        Ok(permit)
    }
}

/// Bytes held from a [`BodyBudget`] until dropped.
#[derive(Debug)]
pub struct BodyPermit {
    budget: BodyBudget,
    held: Option<OwnedSemaphorePermit>,
}

impl BodyPermit {
    /// Holds `n` more bytes.
    ///
    /// # Errors
    /// [`ApiError::Overloaded`] when fewer than `n` bytes are free.
    pub fn grow(&mut self, n: usize) -> Result<(), ApiError> {
        if n == 0 {
            return Ok(());
        }
        let more = u32::try_from(n)
            .ok()
            .and_then(|n| {
                Arc::clone(&self.budget.bytes)
                    .try_acquire_many_owned(n)
                    .ok()
            })
            .ok_or(ApiError::Overloaded {
                retry_after_s: crate::pool::RETRY_AFTER_S,
            })?;
        match &mut self.held {
            Some(held) => held.merge(more),
            None => self.held = Some(more),
        }
        Ok(())
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.held
            .as_ref()
            .map_or(0, OwnedSemaphorePermit::num_permits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_until_dropped() {
        let budget = BodyBudget::new(100);
        let mut a = budget.reserve(60).unwrap();
        assert_eq!(budget.available(), 40);
        assert!(budget.reserve(41).is_err());
        a.grow(40).unwrap();
        assert_eq!(a.bytes(), 100);
        assert!(a.grow(1).is_err());
        drop(a);
        assert_eq!(budget.available(), 100);
    }
}
