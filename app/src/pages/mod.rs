//! One routed page per file.

mod landing;
mod not_found;

pub use landing::Landing;
pub use not_found::NotFound;
