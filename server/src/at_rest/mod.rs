//! Content at rest: what keeps stored content unreadable without the master
//! key, and gone when its time is up.
//!
//! - [`retention`]: the background job that deletes conversations some
//!   days after their last activity, data key first (crypto-shredding).
//! - [`rotation`]: re-wraps every stored data key under a new master key,
//!   in small batches while the service runs (the `keys rotate` command).
//! - [`legacy`]: seals, at start-up, plaintext written before content was
//!   encrypted at rest.
//!
//! The sealing itself happens where content is written and read:
//! [`crate::chat::store`] and [`crate::console::notes`], with the envelope
//! encryption of [`crate::crypto`].

pub mod legacy;
pub mod retention;
pub mod rotation;
