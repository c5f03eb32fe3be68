//! One routed page per file.

mod chat;
mod landing;
mod not_found;

pub use chat::ChatPage;
pub use landing::Landing;
pub use not_found::NotFound;
