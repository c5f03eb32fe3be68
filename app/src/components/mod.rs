//! Presentational pieces shared by pages. They take props and read the
//! language and service texts from context; they never call the server.

mod emergency;
mod language_switch;
mod layout;
mod opening_hours;
mod quick_exit;

pub use emergency::EmergencyBox;
pub use language_switch::LanguageSwitch;
pub use layout::Layout;
pub use opening_hours::ChatOpenStatus;
pub use quick_exit::QuickExit;
