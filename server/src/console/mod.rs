//! The counsellor's live console socket: the queue, claiming, answering and
//! closing chats. (The console's pages come with the console issue; this is
//! the server side that any console client speaks to.)

pub mod session;
