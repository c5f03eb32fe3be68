//! The console's state for working with chats: the team and this
//! counsellor's status, course notes and their live screening, handover
//! notes, concerns, alerts for chats that went back to the queue, and the
//! coordinator's overview of every live chat.
//!
//! Pure like [`super::model`] (which hands these frames over in
//! [`super::model::ConsoleModel::apply`]), so every rule is unit-tested on
//! the host.

use crate::protocol::console::{
    ActiveChat, Colleague, ConsoleServerMsg, CounsellorStatus, CourseNote, ReturnReason,
};
use crate::protocol::screening::{self, NoteWarning, Screening};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};

/// What the service told the console once connected.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    /// Names the note screening warns about.
    pub names: Vec<String>,
    /// The service's emergency procedure (`None`: the built-in text).
    pub emergency_procedure: Option<String>,
    /// The duty-to-notify guidance (`None`: the built-in text).
    pub duty_to_notify: Option<String>,
    /// A coordinator may watch and reassign.
    pub coordinator: bool,
    /// This counsellor's own id.
    pub me: i64,
}

/// A chat that left this console by itself or by someone else's hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// The chat's name as the console called it.
    pub name: String,
    /// Why it left; `None`: it was given to a colleague.
    pub reason: Option<ReturnReason>,
}

/// A note or concern waiting for the counsellor to confirm its warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unconfirmed {
    /// What the service found.
    pub warnings: Vec<NoteWarning>,
}

/// The recorded concern whose procedure is on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConcernShown {
    /// Which chat.
    pub conversation: i64,
    /// Show the duty to notify too.
    pub under_18: bool,
}

/// The working-with-chats state. Cheap to copy.
#[derive(Clone, Copy, Debug)]
pub struct WorkModel {
    /// From the service's `rules` frame.
    pub rules: RwSignal<Rules>,
    /// Counsellors on duty.
    pub team: RwSignal<Vec<Colleague>>,
    /// Course notes by chat.
    pub notes: RwSignal<HashMap<i64, Vec<CourseNote>>>,
    /// Handover notes by chat: (from, note).
    pub handovers: RwSignal<HashMap<i64, (String, String)>>,
    /// The service's warnings about the last note sent, by chat.
    pub unconfirmed: RwSignal<HashMap<i64, Unconfirmed>>,
    /// The concern procedure on screen.
    pub concern: RwSignal<Option<ConcernShown>>,
    /// Chats that left this console, newest last, until dismissed.
    pub alerts: RwSignal<Vec<Alert>>,
    /// Coordinators: every live chat, as last listed.
    pub all_chats: RwSignal<Vec<ActiveChat>>,
    /// Chats this console follows read-only.
    pub watching: RwSignal<HashSet<i64>>,
}

impl Default for WorkModel {
    fn default() -> Self {
        WorkModel::new()
    }
}

impl WorkModel {
    /// Nothing known yet.
    pub fn new() -> Self {
        WorkModel {
            rules: RwSignal::new(Rules::default()),
            team: RwSignal::new(Vec::new()),
            notes: RwSignal::new(HashMap::new()),
            handovers: RwSignal::new(HashMap::new()),
            unconfirmed: RwSignal::new(HashMap::new()),
            concern: RwSignal::new(None),
            alerts: RwSignal::new(Vec::new()),
            all_chats: RwSignal::new(Vec::new()),
            watching: RwSignal::new(HashSet::new()),
        }
    }

    /// Forgets everything (logging out).
    pub fn clear(&self) {
        self.rules.set(Rules::default());
        self.team.set(Vec::new());
        self.notes.set(HashMap::new());
        self.handovers.set(HashMap::new());
        self.unconfirmed.set(HashMap::new());
        self.concern.set(None);
        self.alerts.set(Vec::new());
        self.all_chats.set(Vec::new());
        self.watching.set(HashSet::new());
    }

    /// This counsellor's status as the team frame says.
    pub fn my_status(&self) -> CounsellorStatus {
        let me = self.rules.with(|r| r.me);
        self.team.with(|team| {
            team.iter()
                .find(|c| c.id == me)
                .map_or(CounsellorStatus::Available, |c| c.status)
        })
    }

    /// Colleagues a chat can be given to: on duty, not away, below their
    /// maximum, not this counsellor.
    pub fn transfer_targets(&self) -> Vec<Colleague> {
        let me = self.rules.with_untracked(|r| r.me);
        self.team.with(|team| {
            team.iter()
                .filter(|c| {
                    c.id != me && c.status != CounsellorStatus::Away && c.chats < c.max_chats
                })
                .cloned()
                .collect()
        })
    }

    /// Screens a draft note as the service will (live, while typing).
    pub fn screen(&self, text: &str) -> Screening {
        self.rules
            .with_untracked(|r| screening::screen(text, &r.names))
    }

    /// Whether this console only watches the chat.
    pub fn is_watching(&self, id: i64) -> bool {
        self.watching.with(|w| w.contains(&id))
    }

    /// Drops what belongs to a chat that left this console.
    pub fn forget(&self, id: i64) {
        self.notes.update(|n| {
            n.remove(&id);
        });
        self.handovers.update(|h| {
            h.remove(&id);
        });
        self.unconfirmed.update(|u| {
            u.remove(&id);
        });
        self.watching.update(|w| {
            w.remove(&id);
        });
        if self
            .concern
            .get_untracked()
            .is_some_and(|c| c.conversation == id)
        {
            self.concern.set(None);
        }
    }

    /// Adds an alert about a chat that left (`name` as the console called it).
    pub fn alert(&self, name: String, reason: Option<ReturnReason>) {
        self.alerts.update(|a| a.push(Alert { name, reason }));
    }

    /// Applies the frames of this module; others are left alone (`false`).
    pub fn apply(&self, msg: &ConsoleServerMsg) -> bool {
        match msg {
            ConsoleServerMsg::Rules {
                names,
                emergency_procedure,
                duty_to_notify,
                coordinator,
                me,
            } => self.rules.set(Rules {
                names: names.clone(),
                emergency_procedure: emergency_procedure.clone(),
                duty_to_notify: duty_to_notify.clone(),
                coordinator: *coordinator,
                me: *me,
            }),
            ConsoleServerMsg::Team { counsellors } => self.team.set(counsellors.clone()),
            ConsoleServerMsg::Notes {
                conversation,
                notes,
            } => {
                self.notes.update(|n| {
                    n.insert(*conversation, notes.clone());
                });
                // A note was saved: its warnings are done with.
                self.unconfirmed.update(|u| {
                    u.remove(conversation);
                });
            }
            ConsoleServerMsg::NoteWarnings {
                conversation,
                warnings,
            } => self.unconfirmed.update(|u| {
                u.insert(
                    *conversation,
                    Unconfirmed {
                        warnings: warnings.clone(),
                    },
                );
            }),
            ConsoleServerMsg::Handover {
                conversation,
                note,
                from,
            } => self.handovers.update(|h| {
                h.insert(*conversation, (from.clone(), note.clone()));
            }),
            ConsoleServerMsg::ConcernRecorded {
                conversation,
                under_18,
            } => {
                self.unconfirmed.update(|u| {
                    u.remove(conversation);
                });
                self.concern.set(Some(ConcernShown {
                    conversation: *conversation,
                    under_18: *under_18,
                }));
            }
            ConsoleServerMsg::AllChats { chats } => self.all_chats.set(chats.clone()),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::console::{QueueEntry, ReturnReason};
    use crate::protocol::{Role, screening::NoteWarning};

    fn colleague(id: i64, status: CounsellorStatus, chats: u32) -> Colleague {
        Colleague {
            id,
            first_name: format!("C{id}"),
            status,
            chats,
            max_chats: 3,
        }
    }

    fn rules(me: i64) -> ConsoleServerMsg {
        ConsoleServerMsg::Rules {
            names: vec!["Mads".into()],
            emergency_procedure: None,
            duty_to_notify: None,
            coordinator: false,
            me,
        }
    }

    #[test]
    fn a_chat_can_be_given_only_to_colleagues_on_duty_with_room() {
        Owner::new().with(|| {
            let work = WorkModel::new();
            work.apply(&rules(1));
            work.apply(&ConsoleServerMsg::Team {
                counsellors: vec![
                    colleague(1, CounsellorStatus::Available, 0),
                    colleague(2, CounsellorStatus::Busy, 1),
                    colleague(3, CounsellorStatus::Away, 0),
                    colleague(4, CounsellorStatus::Available, 3),
                    colleague(5, CounsellorStatus::Available, 2),
                ],
            });
            let ids: Vec<i64> = work.transfer_targets().iter().map(|c| c.id).collect();
            assert_eq!(ids, vec![2, 5], "not me, not away, not full");
        });
    }

    #[test]
    fn my_status_comes_from_the_team_frame() {
        Owner::new().with(|| {
            let work = WorkModel::new();
            work.apply(&rules(2));
            assert_eq!(work.my_status(), CounsellorStatus::Available);
            work.apply(&ConsoleServerMsg::Team {
                counsellors: vec![colleague(2, CounsellorStatus::Busy, 0)],
            });
            assert_eq!(work.my_status(), CounsellorStatus::Busy);
        });
    }

    #[test]
    fn drafts_are_screened_with_the_services_names() {
        Owner::new().with(|| {
            let work = WorkModel::new();
            work.apply(&rules(1));
            let found = work.screen("Mads ringer på 12345678");
            assert_eq!(
                found.warnings,
                vec![
                    NoteWarning::Phone,
                    NoteWarning::Name {
                        name: "Mads".into()
                    }
                ]
            );
            assert!(work.screen("010203-1234").cpr);
        });
    }

    #[test]
    fn warnings_stay_until_the_note_is_saved() {
        Owner::new().with(|| {
            let work = WorkModel::new();
            work.apply(&ConsoleServerMsg::NoteWarnings {
                conversation: 7,
                warnings: vec![NoteWarning::Email],
            });
            assert!(work.unconfirmed.get_untracked().contains_key(&7));
            work.apply(&ConsoleServerMsg::Notes {
                conversation: 7,
                notes: vec![CourseNote {
                    id: 1,
                    author: "Mia".into(),
                    text: "ok".into(),
                    at: 0,
                }],
            });
            assert!(!work.unconfirmed.get_untracked().contains_key(&7));
            assert_eq!(work.notes.get_untracked()[&7].len(), 1);
        });
    }

    #[test]
    fn a_recorded_concern_shows_its_procedure_until_the_chat_leaves() {
        Owner::new().with(|| {
            let work = WorkModel::new();
            work.apply(&ConsoleServerMsg::ConcernRecorded {
                conversation: 3,
                under_18: true,
            });
            assert_eq!(
                work.concern.get_untracked(),
                Some(ConcernShown {
                    conversation: 3,
                    under_18: true
                })
            );
            work.alert("Bo".into(), Some(ReturnReason::Unanswered));
            work.forget(3);
            assert_eq!(work.concern.get_untracked(), None);
            assert_eq!(work.alerts.get_untracked().len(), 1);
        });
    }

    #[test]
    fn other_frames_are_left_to_the_console_model() {
        Owner::new().with(|| {
            let work = WorkModel::new();
            let entry = QueueEntry {
                conversation: 1,
                role: Role::YoungPerson,
                age_band: None,
                topic: None,
                waiting_since: 0,
                priority: 0,
                nickname: None,
                talk: 1,
                previous_counsellor: None,
                risk_words: Vec::new(),
            };
            assert!(!work.apply(&ConsoleServerMsg::Claimed { entry }));
            assert!(!work.apply(&ConsoleServerMsg::Pong));
        });
    }
}
