//! Recording an activity event outside the chat (booked talks, group
//! courses, treatment cases, reply times), by the chat's own rules: no
//! content, no alias, no code, no person's id; the time rounded down to the
//! hour; written in the same transaction as the change it describes, so
//! the statistics never count a change that was rolled back.

/// One event. Every field is a vocabulary word or a number.
#[derive(Clone, Debug, Default)]
pub struct Event<'a> {
    /// What happened (`booked`, `attended`, `group_session`, …).
    pub kind: &'a str,
    /// When (Unix ms); rounded down to the hour when stored.
    pub at: i64,
    /// `booking`, `group`, `treatment`, `chat`, …
    pub channel: &'a str,
    /// The front door's role word (`young_person`, `parent_or_relative`,
    /// `professional`).
    pub role: Option<&'a str>,
    /// An age band or a treatment case's age group.
    pub age_band: Option<&'a str>,
    /// A duration in ms.
    pub wait_ms: Option<i64>,
    /// A vocabulary word saying more (a booking's conversation type, an
    /// evaluation's question, whether a closed case had been active).
    pub outcome: Option<&'a str>,
    /// A token that groups events without naming anyone (`group:<id>` for
    /// a group course, which is the coordinators' own and names nobody).
    pub course: Option<&'a str>,
    /// A number the event measures (participants, a score, replies).
    pub amount: Option<i64>,
}

/// Rounds `ms` down to the hour: the statistics need no finer time, and a
/// coarse time cannot be matched to one person's visit.
pub fn hour_bucket(ms: i64) -> i64 {
    ms - ms.rem_euclid(3_600_000)
}

/// Appends `event` in `tx`.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event: &Event<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO activity_events (kind, at, channel, role, age_band, wait_ms, outcome, \
         course, returned, amount) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)",
    )
    .bind(event.kind)
    .bind(hour_bucket(event.at))
    .bind(event.channel)
    .bind(event.role)
    .bind(event.age_band)
    .bind(event.wait_ms)
    .bind(event.outcome)
    .bind(event.course)
    .bind(event.amount)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The front door's role word for a booking's role (`parent` there is a
/// parent or other relative).
pub fn booking_role(role: &str) -> &str {
    match role {
        "parent" => "parent_or_relative",
        other => other,
    }
}

/// The role word for a group course's audience.
pub fn audience_role(audience: &str) -> &'static str {
    if audience == "young_people" {
        "young_person"
    } else {
        "parent_or_relative"
    }
}

/// Counsellors' reply times in one talk: for every run of the person's
/// messages, the time from its first message to the counsellor's next one
/// (ms). Messages are `(from_counsellor, at)` in order; a counsellor's
/// message with nothing to answer, and the person's last unanswered
/// messages, measure nothing.
pub fn reply_gaps(messages: &[(bool, i64)]) -> Vec<i64> {
    let mut gaps = Vec::new();
    let mut waiting_since = None;
    for &(from_counsellor, at) in messages {
        match (from_counsellor, waiting_since) {
            (false, None) => waiting_since = Some(at),
            (true, Some(since)) => {
                gaps.push((at - since).max(0));
                waiting_since = None;
            }
            _ => {}
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_answers_the_first_unanswered_message() {
        // Person at 0 and 5, counsellor at 20, counsellor at 30 (nothing to
        // answer), person at 40, counsellor at 100, person at 200 (left
        // unanswered).
        let talk = [
            (false, 0),
            (false, 5),
            (true, 20),
            (true, 30),
            (false, 40),
            (true, 100),
            (false, 200),
        ];
        assert_eq!(reply_gaps(&talk), vec![20, 60]);
        assert!(reply_gaps(&[(true, 1), (true, 2)]).is_empty());
    }

    #[test]
    fn times_are_rounded_down_to_the_hour() {
        assert_eq!(hour_bucket(3_600_000 * 7 + 59_999), 3_600_000 * 7);
        assert_eq!(hour_bucket(-1), -3_600_000);
    }

    #[test]
    fn booking_and_group_roles_use_the_front_doors_words() {
        assert_eq!(booking_role("parent"), "parent_or_relative");
        assert_eq!(booking_role("professional"), "professional");
        assert_eq!(audience_role("parents"), "parent_or_relative");
        assert_eq!(audience_role("young_people"), "young_person");
    }
}
