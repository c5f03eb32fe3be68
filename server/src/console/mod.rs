//! The counsellor's live console socket: the queue, claiming, answering,
//! transferring and closing chats, course notes and concerns, team status,
//! and the coordinator's read-only view. (The console's pages come with the
//! console issue; this is the server side that any console client speaks to.)

pub mod notes;
pub mod returns;
pub mod session;

use std::time::Duration;

/// How the service works with chats (from [`crate::config::Settings`]).
#[derive(Clone, Debug)]
pub struct ChatWork {
    /// New chats open only while someone on duty is available.
    pub needs_available_counsellor: bool,
    /// A claimed chat without a counsellor reply for this long goes back
    /// to the queue.
    pub unanswered_claim: Duration,
    /// A chat whose counsellor has had no console open for this long goes
    /// back to the queue (a reload or a short network loss is not enough).
    pub console_gone_grace: Duration,
    /// Names the note screening warns about.
    pub names: Vec<String>,
    /// The service's emergency procedure (`None`: the console's default).
    pub emergency_procedure: Option<String>,
    /// Guidance on the duty to notify the municipality (`None`: default).
    pub duty_to_notify: Option<String>,
}

impl Default for ChatWork {
    fn default() -> Self {
        ChatWork {
            needs_available_counsellor: false,
            unanswered_claim: Duration::from_secs(180),
            console_gone_grace: Duration::from_secs(120),
            names: Vec::new(),
            emergency_procedure: None,
            duty_to_notify: None,
        }
    }
}
