//! The figures as export cells: the CSV (RFC 4180) and the printable
//! report, both with small numbers suppressed so that nobody can be picked
//! out in a small municipality.
//!
//! Suppression, in order:
//! 1. **Counts** from 1 to 2 are written `<3` (0 stays 0: it names nobody).
//! 2. **Derived figures** (medians, 90th percentiles, means) computed from
//!    fewer than 3 measurements are written `<3` too; with none they are
//!    empty. A duration is written in whole seconds, a mean with one
//!    decimal.
//! 3. **Complementary suppression**: in a breakdown whose cells add up to a
//!    total shown elsewhere (contacts by channel, role, age band, topic; new
//!    and returning; consultant tasks by channel; course lengths), one
//!    suppressed cell could be worked out as the total less the others. So
//!    when exactly one cell of a breakdown is suppressed, the smallest other
//!    non-zero cell is hidden as well, written `..`.
//!
//! The yearly minimums and their due share are norms, not counts of
//! people, and are never suppressed; the progress made is a count.

use app::console::stats_texts::{period_name, word};
use app::console::texts::Lang;
use app::protocol::statistics::{Count, Report, Spread};

/// What a cell holds before suppression.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Shown as it is (the period, a norm).
    Text(String),
    /// A count of events or people.
    Count(u64),
    /// A duration in ms derived from `n` measurements.
    Duration {
        /// The duration, when measured.
        ms: Option<i64>,
        /// How many measurements.
        n: u64,
    },
    /// A mean of `n` scores.
    Mean {
        /// The mean, when any.
        mean: Option<f64>,
        /// How many scores.
        n: u64,
    },
}

/// One exported figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// `period`, `contacts`, `treatment`, `consultant`, `groups`,
    /// `quality`, `progress`.
    pub section: &'static str,
    /// The figure's key (`by_channel`, `queue_wait_median`, …).
    pub figure: &'static str,
    /// The breakdown key (`chat`, `15_17`, …), empty for a single figure.
    pub key: String,
    /// The value.
    pub value: Value,
    /// Cells of one breakdown share this, for complementary suppression.
    pub breakdown: bool,
}

/// The smallest count shown as it is.
pub const THRESHOLD: u64 = 3;
/// A suppressed small number.
pub const SMALL: &str = "<3";
/// A number hidden so that a small one cannot be worked out.
pub const HIDDEN: &str = "..";

/// Every figure of `report`, in report order.
pub fn cells(report: &Report) -> Vec<Cell> {
    let mut out = Vec::new();
    let mut single = |section, figure, value| {
        out.push(Cell {
            section,
            figure,
            key: String::new(),
            value,
            breakdown: false,
        });
    };
    single("period", "period", Value::Text(report.period.clone()));
    single("period", "from", Value::Text(report.from.clone()));
    single("period", "to", Value::Text(report.to.clone()));
    single(
        "period",
        "counsellors",
        Value::Text(report.counsellors.to_string()),
    );
    single("contacts", "contacts", Value::Count(report.contacts));
    single(
        "contacts",
        "unique_persons",
        Value::Count(report.unique_persons),
    );
    single("treatment", "conversions", Value::Count(report.conversions));
    single("treatment", "activated", Value::Count(report.activated));
    single("treatment", "closed", Value::Count(report.closed));
    single(
        "treatment",
        "active_cases",
        Value::Count(report.active_cases),
    );
    single(
        "treatment",
        "cases_in_treatment",
        Value::Count(report.cases_in_treatment),
    );
    single(
        "consultant",
        "consultant_tasks",
        Value::Count(report.consultant_tasks),
    );
    single(
        "groups",
        "parent_groups",
        Value::Count(report.parent_groups),
    );
    single(
        "groups",
        "parent_participants",
        Value::Count(report.parent_participants),
    );
    single("groups", "youth_groups", Value::Count(report.youth_groups));
    single(
        "groups",
        "youth_participants",
        Value::Count(report.youth_participants),
    );
    single(
        "groups",
        "group_sessions",
        Value::Count(report.group_sessions),
    );
    single("groups", "evaluations", Value::Count(report.evaluations));
    let spread = |single: &mut dyn FnMut(&'static str, &'static str, Value),
                  count: &'static str,
                  median: &'static str,
                  p90: &'static str,
                  spread: &Spread| {
        single("quality", count, Value::Count(spread.n));
        single(
            "quality",
            median,
            Value::Duration {
                ms: spread.median_ms,
                n: spread.n,
            },
        );
        single(
            "quality",
            p90,
            Value::Duration {
                ms: spread.p90_ms,
                n: spread.n,
            },
        );
    };
    spread(
        &mut single,
        "queue_taken",
        "queue_wait_median",
        "queue_wait_p90",
        &report.queue_wait,
    );
    single("quality", "left_waiting", Value::Count(report.left_waiting));
    spread(
        &mut single,
        "reply_talks",
        "reply_median",
        "reply_p90",
        &report.reply_time,
    );
    spread(
        &mut single,
        "letters_answered",
        "letter_wait_median",
        "letter_wait_p90",
        &report.letter_wait,
    );
    single("quality", "booked", Value::Count(report.booked));
    single("quality", "attended", Value::Count(report.attended));
    single("quality", "no_show", Value::Count(report.no_show));
    single("quality", "cancelled", Value::Count(report.cancelled));

    let mut breakdown = |section: &'static str, figure: &'static str, counts: &[Count]| {
        for count in counts {
            out.push(Cell {
                section,
                figure,
                key: count.key.clone(),
                value: Value::Count(count.n),
                breakdown: true,
            });
        }
    };
    breakdown("contacts", "by_channel", &report.by_channel);
    breakdown("contacts", "by_role", &report.by_role);
    breakdown("contacts", "by_age_band", &report.by_age_band);
    breakdown("contacts", "by_topic", &report.by_topic);
    breakdown(
        "contacts",
        "new_returning",
        &[
            Count {
                key: "new".to_owned(),
                n: report.new_contacts,
            },
            Count {
                key: "returning".to_owned(),
                n: report.returning_contacts,
            },
        ],
    );
    breakdown("contacts", "course_lengths", &report.course_lengths);
    breakdown(
        "consultant",
        "consultant_by_channel",
        &report.consultant_by_channel,
    );
    for mean in &report.evaluation_means {
        out.push(Cell {
            section: "groups",
            figure: "evaluation_mean",
            key: mean.key.clone(),
            value: Value::Mean {
                mean: mean.mean,
                n: mean.n,
            },
            breakdown: false,
        });
    }
    for progress in &report.progress {
        for (figure, value) in [
            ("target", Value::Text(progress.target.to_string())),
            ("due", Value::Text(progress.due.to_string())),
            ("done", Value::Count(progress.done)),
        ] {
            out.push(Cell {
                section: "progress",
                figure,
                key: progress.key.clone(),
                value,
                breakdown: false,
            });
        }
    }
    // Report order: each section together.
    let order = [
        "period",
        "contacts",
        "treatment",
        "consultant",
        "groups",
        "quality",
        "progress",
    ];
    out.sort_by_key(|c| order.iter().position(|s| *s == c.section));
    out
}

fn small(n: u64) -> bool {
    n > 0 && n < THRESHOLD
}

/// The text of every cell, suppressed (see the module's rules).
pub fn suppressed(cells: &[Cell]) -> Vec<String> {
    let mut texts: Vec<String> = cells
        .iter()
        .map(|cell| match &cell.value {
            Value::Text(text) => text.clone(),
            Value::Count(n) if small(*n) => SMALL.to_owned(),
            Value::Count(n) => n.to_string(),
            Value::Duration { n: 0, .. } | Value::Mean { n: 0, .. } => String::new(),
            Value::Duration { n, .. } | Value::Mean { n, .. } if *n < THRESHOLD => SMALL.to_owned(),
            Value::Duration { ms, .. } => ms
                .map(|ms| ((ms.max(0) + 500) / 1000).to_string())
                .unwrap_or_default(),
            Value::Mean { mean, .. } => mean.map(|m| format!("{m:.1}")).unwrap_or_default(),
        })
        .collect();
    // Complementary suppression, breakdown by breakdown.
    let mut start = 0;
    while start < cells.len() {
        let figure = cells[start].figure;
        let end = cells[start..]
            .iter()
            .position(|c| c.figure != figure)
            .map_or(cells.len(), |p| start + p);
        if cells[start].breakdown {
            let count = |i: usize| match cells[i].value {
                Value::Count(n) => n,
                _ => 0,
            };
            let primary = (start..end).filter(|&i| small(count(i))).count();
            if primary == 1
                && let Some(other) = (start..end)
                    .filter(|&i| count(i) >= THRESHOLD)
                    .min_by_key(|&i| count(i))
            {
                texts[other] = HIDDEN.to_owned();
            }
        }
        start = end;
    }
    texts
}

/// The figure's label in `lang`: the figure, and the key's name after a
/// colon for a breakdown.
pub fn label(lang: Lang, cell: &Cell) -> String {
    if cell.key.is_empty() {
        word(lang, cell.figure)
    } else if cell.section == "progress" {
        format!("{}: {}", word(lang, &cell.key), word(lang, cell.figure))
    } else {
        format!("{}: {}", word(lang, cell.figure), word(lang, &cell.key))
    }
}

/// One CSV field, quoted when it must be (RFC 4180: a comma, a double
/// quote or a line break), inner quotes doubled.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The CSV header.
pub const HEADER: &str = "section,figure,key,label,value";

/// The report as CSV (RFC 4180): CRLF line ends, a header line, one line
/// per figure; UTF-8 with a byte-order mark so spreadsheets read æøå.
pub fn csv(report: &Report, lang: Lang) -> String {
    let cells = cells(report);
    let texts = suppressed(&cells);
    let mut out = String::from("\u{feff}");
    out.push_str(HEADER);
    out.push_str("\r\n");
    for (cell, text) in cells.iter().zip(texts) {
        let line = [
            cell.section.to_owned(),
            cell.figure.to_owned(),
            cell.key.clone(),
            label(lang, cell),
            text,
        ]
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The printable monthly (or yearly) report: plain HTML with the console's
/// styles, the same suppressed figures as the CSV, one table per section.
pub fn printable(report: &Report, lang: Lang, service: &str) -> String {
    let t = lang.stats();
    let cells = cells(report);
    let texts = suppressed(&cells);
    let title = t
        .report_title
        .replace("{period}", &period_name(lang, &report.period));
    let span = t
        .span
        .replace("{from}", &report.from)
        .replace("{to}", &report.to);
    let mut body = String::new();
    let mut section = "";
    for (cell, text) in cells.iter().zip(&texts) {
        if cell.section == "period" {
            continue;
        }
        if cell.section != section {
            if !section.is_empty() {
                body.push_str("</tbody></table></section>\n");
            }
            section = cell.section;
            let heading = escape(&word(lang, &format!("section_{section}")));
            body.push_str(&format!(
                "<section><h2>{heading}</h2><table class=\"table\"><thead><tr>\
                 <th scope=\"col\">{}</th><th scope=\"col\" class=\"number\">{}</th>\
                 </tr></thead><tbody>\n",
                escape(t.column_what),
                escape(t.column_count)
            ));
        }
        let shown = if text.is_empty() { t.none } else { text };
        let unit = match (&cell.value, shown.parse::<i64>()) {
            (Value::Duration { .. }, Ok(_)) => format!(" {}", t.seconds),
            _ => String::new(),
        };
        body.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td class=\"number\">{}{}</td></tr>\n",
            escape(&label(lang, cell)),
            escape(shown),
            escape(&unit)
        ));
    }
    if !section.is_empty() {
        body.push_str("</tbody></table></section>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex, nofollow\">\n\
         <title>{title} · {service}</title>\n\
         <link rel=\"stylesheet\" href=\"/pkg/console.css\">\n</head>\n\
         <body class=\"stats-report\">\n<main>\n<h1>{title}</h1>\n<p>{service} · {span} · {counsellors}: {n}</p>\n\
         {body}<p class=\"note\">{note}</p>\n</main>\n</body>\n</html>\n",
        lang = lang.code(),
        title = escape(&title),
        service = escape(service),
        span = escape(&span),
        counsellors = escape(&word(lang, "counsellors")),
        n = report.counsellors,
        note = escape(t.suppression_note),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(figure: &'static str, key: &str, n: u64) -> Cell {
        Cell {
            section: "contacts",
            figure,
            key: key.to_owned(),
            value: Value::Count(n),
            breakdown: true,
        }
    }

    #[test]
    fn small_counts_and_derived_figures_from_few_measurements_are_suppressed() {
        let cells = vec![
            Cell {
                section: "quality",
                figure: "queue_wait_median",
                key: String::new(),
                value: Value::Duration {
                    ms: Some(61_400),
                    n: 2,
                },
                breakdown: false,
            },
            Cell {
                section: "quality",
                figure: "queue_wait_p90",
                key: String::new(),
                value: Value::Duration {
                    ms: Some(61_400),
                    n: 3,
                },
                breakdown: false,
            },
            Cell {
                section: "groups",
                figure: "evaluation_mean",
                key: "helpful".to_owned(),
                value: Value::Mean {
                    mean: Some(4.26),
                    n: 4,
                },
                breakdown: false,
            },
        ];
        assert_eq!(suppressed(&cells), vec!["<3", "61", "4.3"]);
    }

    #[test]
    fn one_suppressed_cell_in_a_breakdown_hides_the_next_smallest() {
        // 10 contacts: 7 chat, 2 letters, 1 booked: two small cells, safe.
        let two = vec![
            cell("by_channel", "chat", 7),
            cell("by_channel", "letter", 2),
            cell("by_channel", "booking", 1),
        ];
        assert_eq!(suppressed(&two), vec!["7", "<3", "<3"]);
        // 12 contacts: 8, 2, 0 — the 2 would be 12 − 8 − 0: the 8 is hidden.
        let one = vec![
            cell("by_role", "young_person", 8),
            cell("by_role", "parent_or_relative", 2),
            cell("by_role", "professional", 0),
            cell("by_topic", "cannabis", 5),
            cell("by_topic", "alcohol", 4),
            cell("by_topic", "other", 3),
        ];
        assert_eq!(suppressed(&one), vec!["..", "<3", "0", "5", "4", "3"]);
    }

    #[test]
    fn csv_fields_are_quoted_only_when_they_must_be() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\r\nlines"), "\"two\r\nlines\"");
    }
}
