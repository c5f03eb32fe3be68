//! One routed page per file.

mod chat;
mod landing;
mod not_found;
mod what_we_store;

pub use chat::ChatPage;
pub use landing::Landing;
pub use not_found::NotFound;
pub use what_we_store::{WHAT_WE_STORE_PATH, what_we_store_document};
