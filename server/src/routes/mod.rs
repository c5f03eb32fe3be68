//! Plain HTTP routes that are not pages or server functions.

pub mod admin;
pub mod auth;
pub mod cases;
pub mod client;
pub mod console_page;
pub mod health;
pub mod html;
pub mod manifest;
pub mod ws;
