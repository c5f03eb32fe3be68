//! From anonymous to treatment: the explicit, consented conversion of an
//! anonymous course, the case's identifying data sealed under its own key,
//! who may open it, and the audit log of every access.

use crate::helpers::{TestApp, logs};
use crate::on_both_databases;
use app::protocol::case::CaseView;
use app::protocol::{AgeBand, Role as Writer, Sender};
use serde_json::{Value, json};
use server::audit::{self, AuditEntry};
use server::auth::counsellors::{self, FirstName, Login, NewCounsellor, Role};
use server::auth::password::{NewPassword, Password};
use server::chat::store::Opening;
use server::db::Backend;

on_both_databases!(
    an_under_18_case_becomes_active_only_with_the_parents_consent_and_the_case_worker,
    an_unknown_age_is_stated_by_the_counsellor,
    a_bad_cpr_number_is_refused_clearly_and_never_repeated,
    only_the_case_counsellors_and_coordinators_open_a_case,
    every_read_update_export_and_delete_is_audited_and_the_chain_verifies,
    identifying_data_is_neither_stored_in_plaintext_nor_logged,
    a_tampered_case_ciphertext_is_detected,
    the_export_holds_the_case_data,
    only_the_chosen_history_is_carried_over,
    a_closed_case_is_deleted_key_first_and_nothing_remains,
);

const PASSWORD: &str = "en lang og hemmelig sætning";
const NAME: &str = "Kim Kanariefugl";
const CPR: &str = "240307-4117";
const PHONE: &str = "+45 61 23 45 67";
const EMAIL: &str = "kim.kanariefugl@example.dk";
const ADDRESS: &str = "Kanarievej 17, 2400 København NV";
const CASE_WORKER: &str = "Sagsbehandler Rasmussen, j.nr. 27.12.04-G01-77";
const PARENTS: &str = "Mor Ulla Kanariefugl";

/// A logged-in account.
struct Staff {
    id: i64,
    cookie: String,
}

async fn staff(app: &TestApp, login: &str, first_name: &str, role: Role) -> Staff {
    let account = counsellors::create(
        &app.db,
        NewCounsellor {
            login: Login::parse(login).expect("valid login"),
            first_name: FirstName::parse(first_name).expect("valid name"),
            role,
        },
        NewPassword::parse(Password::new(PASSWORD.to_owned())).expect("valid password"),
    )
    .await
    .expect("account created");
    let response = app
        .client
        .post(format!("{}/api/session", app.address))
        .header("origin", &app.address)
        .json(&json!({ "login": login, "password": PASSWORD }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200, "{login} logs in");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned();
    Staff {
        id: account.id.0,
        cookie,
    }
}

/// An anonymous course of a young person in `band`, talked with by
/// `counsellor`: two messages from the person, one reply, one note.
async fn course(app: &TestApp, counsellor: &Staff, band: Option<AgeBand>) -> i64 {
    let store = app.chat_store();
    let token = format!("token-{}", crate::helpers::unique_name("c"));
    let conversation = store
        .create(
            token.as_bytes(),
            Opening {
                role: Writer::YoungPerson,
                age_band: band,
                topic: None,
                nickname: None,
                course_token: token.clone(),
            },
        )
        .await
        .expect("created");
    store
        .claim(conversation.id, counsellor.id)
        .await
        .expect("claimed")
        .expect("it was waiting");
    store
        .append(conversation.id, Sender::Visitor, "m1", "jeg ryger hver dag")
        .await
        .expect("stored");
    store
        .append(
            conversation.id,
            Sender::Counsellor,
            "m2",
            "hvor længe har det stået på?",
        )
        .await
        .expect("stored");
    store
        .append(
            conversation.id,
            Sender::Visitor,
            "m3",
            "et år, min mor ved det ikke",
        )
        .await
        .expect("stored");
    server::console::notes::add(
        &app.chat.store,
        conversation.id,
        counsellor.id,
        "vil gerne i forløb",
    )
    .await
    .expect("note stored");
    conversation.id
}

async fn call(
    app: &TestApp,
    who: &Staff,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .header("cookie", &who.cookie)
        .header("origin", &app.address);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("answered")
}

async fn get(app: &TestApp, who: &Staff, path: &str) -> reqwest::Response {
    call(app, who, reqwest::Method::GET, path, None).await
}

async fn post(app: &TestApp, who: &Staff, path: &str, body: Value) -> reqwest::Response {
    call(app, who, reqwest::Method::POST, path, Some(body)).await
}

fn identity() -> Value {
    json!({ "name": NAME, "cpr": CPR, "phone": PHONE, "email": EMAIL, "address": ADDRESS })
}

/// Converts the course with the young person's consent given in the chat.
async fn convert(app: &TestApp, who: &Staff, conversation: i64, extra: Value) -> CaseView {
    let mut body = json!({
        "conversation": conversation,
        "consent": "in_chat",
        "identity": identity(),
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let response = post(app, who, "/api/cases", body).await;
    assert_eq!(response.status(), 201, "the conversion is saved");
    response.json().await.expect("a case")
}

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The audit entries about a case, oldest first.
async fn audit_of(app: &TestApp, case: i64) -> Vec<AuditEntry> {
    let mut entries: Vec<AuditEntry> = audit::list(&app.db, None, 1000)
        .await
        .expect("lists")
        .into_iter()
        .filter(|e| e.subject == format!("case:{case}"))
        .collect();
    entries.reverse();
    entries
}

async fn an_under_18_case_becomes_active_only_with_the_parents_consent_and_the_case_worker(
    app: TestApp,
) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let conversation = course(&app, &anna, Some(AgeBand::From15To17)).await;
    let case = convert(&app, &anna, conversation, json!({})).await;
    assert_eq!(case.state, app::protocol::case::CaseState::Pending);
    assert!(case.minor);
    assert_eq!(
        case.missing,
        vec!["parents_consent_required", "case_worker_required"]
    );
    let activate = format!("/api/cases/{}/activate", case.id);

    let refused = post(&app, &anna, &activate, json!({})).await;
    assert_eq!(
        error_of(refused).await,
        (409, "parents_consent_required".to_owned())
    );

    let consent = format!("/api/cases/{}/consent", case.id);
    let given = json!({ "parents_consent": { "how": "by_phone", "given_by": PARENTS } });
    assert_eq!(post(&app, &anna, &consent, given).await.status(), 200);
    let refused = post(&app, &anna, &activate, json!({})).await;
    assert_eq!(
        error_of(refused).await,
        (409, "case_worker_required".to_owned())
    );

    // The database itself refuses an under-18 case made active around the
    // server's check.
    let bypass = sqlx::query("UPDATE treatment_cases SET state = 'active' WHERE id = $1")
        .bind(case.id)
        .execute(app.db.pool())
        .await;
    assert!(bypass.is_err(), "the CHECK constraint refuses activation");

    let worker = json!({ "case_worker": CASE_WORKER });
    assert_eq!(post(&app, &anna, &consent, worker).await.status(), 200);
    let active: CaseView = post(&app, &anna, &activate, json!({}))
        .await
        .json()
        .await
        .expect("the case");
    assert_eq!(active.state, app::protocol::case::CaseState::Active);
    assert!(active.missing.is_empty());
    let parents = active.parents_consent.expect("recorded");
    assert_eq!(parents.given_by, PARENTS);
    assert_eq!(parents.recorded_by, "Anna");
    assert_eq!(active.case_worker.as_deref(), Some(CASE_WORKER));
    let actions: Vec<String> = audit_of(&app, case.id)
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "case_created",
            "case_updated",
            "case_updated",
            "case_activated"
        ]
    );
}

async fn an_unknown_age_is_stated_by_the_counsellor(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let conversation = course(&app, &anna, Some(AgeBand::NotSaid)).await;
    let body =
        json!({ "conversation": conversation, "consent": "in_person", "identity": identity() });
    let refused = post(&app, &anna, "/api/cases", body).await;
    assert_eq!(
        error_of(refused).await,
        (400, "age_group_required".to_owned())
    );

    let stated = convert(&app, &anna, conversation, json!({ "age_group": "13_14" })).await;
    assert!(stated.minor, "a stated 13–14 needs the parents");

    let adult_course = course(&app, &anna, None).await;
    let adult = convert(&app, &anna, adult_course, json!({ "age_group": "18_plus" })).await;
    assert!(!adult.minor);
    let active = post(
        &app,
        &anna,
        &format!("/api/cases/{}/activate", adult.id),
        json!({}),
    )
    .await;
    assert_eq!(active.status(), 200, "an adult's consent is enough");
}

async fn a_bad_cpr_number_is_refused_clearly_and_never_repeated(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let conversation = course(&app, &anna, Some(AgeBand::From18To21)).await;
    let cases = [
        (json!("310207-4117"), "invalid_cpr_date"),
        (json!("290201-4117"), "invalid_cpr_date"),
        (json!("24030741170"), "invalid_cpr"),
        (json!("24O307-4117"), "invalid_cpr"),
        (json!(2403074117u64), "bad_request"),
    ];
    for (cpr, code) in cases {
        let mut identity = identity();
        identity["cpr"] = cpr.clone();
        let body =
            json!({ "conversation": conversation, "consent": "in_chat", "identity": identity });
        let response = post(&app, &anna, "/api/cases", body).await;
        assert_eq!(response.status(), 400, "{code}");
        let text = response.text().await.expect("text");
        assert!(text.contains(code), "{text}");
        let digits = cpr.to_string().replace(['"', '-'], "");
        assert!(
            !text.contains(&digits[..6]),
            "the number is not repeated: {text}"
        );
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM treatment_cases")
        .fetch_one(app.db.pool())
        .await
        .expect("counted");
    assert_eq!(stored, 0, "nothing was saved");
    // The old modulus-11 check is not required (numbers since 2007 fail it).
    let accepted = convert(
        &app,
        &anna,
        conversation,
        json!({ "identity": { "name": NAME, "cpr": "0101904000" } }),
    )
    .await;
    assert_eq!(accepted.identity.cpr, "010190-4000");
}

async fn only_the_case_counsellors_and_coordinators_open_a_case(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let bo = staff(&app, "bo", "Bo", Role::Counsellor).await;
    let mia = staff(&app, "mia", "Mia", Role::Coordinator).await;
    let conversation = course(&app, &anna, Some(AgeBand::From15To17)).await;

    // Bo never had this course: he can neither see its history nor convert it.
    let history = get(&app, &bo, &format!("/api/cases/history/{conversation}")).await;
    assert_eq!(
        error_of(history).await,
        (403, "not_your_conversation".to_owned())
    );
    let body =
        json!({ "conversation": conversation, "consent": "in_chat", "identity": identity() });
    let refused = post(&app, &bo, "/api/cases", body).await;
    assert_eq!(
        error_of(refused).await,
        (403, "not_your_conversation".to_owned())
    );

    let case = convert(&app, &anna, conversation, json!({})).await;
    let path = format!("/api/cases/{}", case.id);
    assert_eq!(get(&app, &anna, &path).await.status(), 200);
    let refused = get(&app, &bo, &path).await;
    assert_eq!(error_of(refused).await, (403, "forbidden".to_owned()));
    for sub in ["export"] {
        let refused = get(&app, &bo, &format!("{path}/{sub}")).await;
        assert_eq!(refused.status(), 403);
    }
    let entry = json!({ "kind": "background", "text": "bor hos mor" });
    assert_eq!(
        post(&app, &bo, &format!("{path}/entries"), entry)
            .await
            .status(),
        403
    );
    let list: Vec<Value> = get(&app, &bo, "/api/cases")
        .await
        .json()
        .await
        .expect("list");
    assert!(list.is_empty(), "Bo's list does not show Anna's case");

    // The coordinator opens every case and can assign Bo.
    assert_eq!(get(&app, &mia, &path).await.status(), 200);
    let assigned = post(
        &app,
        &mia,
        &format!("{path}/counsellors"),
        json!({ "counsellor": bo.id }),
    )
    .await;
    assert_eq!(assigned.status(), 200);
    assert_eq!(get(&app, &bo, &path).await.status(), 200, "assigned now");
    let list: Vec<Value> = get(&app, &bo, "/api/cases")
        .await
        .json()
        .await
        .expect("list");
    assert_eq!(list.len(), 1);
    assert!(
        !list[0].to_string().contains(NAME),
        "the list identifies nobody"
    );

    let refusals: Vec<AuditEntry> = audit_of(&app, case.id)
        .await
        .into_iter()
        .filter(|e| e.action == "case_access_refused")
        .collect();
    assert_eq!(refusals.len(), 3, "each refused attempt is recorded");
    assert!(refusals.iter().all(|e| e.actor == "bo"));
    // Not logged in: no case at all.
    let anonymous = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("answered");
    assert_eq!(anonymous.status(), 401);
}

async fn every_read_update_export_and_delete_is_audited_and_the_chain_verifies(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let mia = staff(&app, "mia", "Mia", Role::Coordinator).await;
    let conversation = course(&app, &anna, Some(AgeBand::From18To21)).await;
    let case = convert(&app, &anna, conversation, json!({})).await;
    let path = format!("/api/cases/{}", case.id);
    assert_eq!(get(&app, &anna, &path).await.status(), 200);
    let mut changed = identity();
    changed["phone"] = json!("+45 20 30 40 50");
    assert_eq!(
        post(&app, &anna, &format!("{path}/identity"), changed)
            .await
            .status(),
        200
    );
    let session =
        json!({ "kind": "session", "session_kind": "walk", "text": "gåtur, mindre brug" });
    assert_eq!(
        post(&app, &anna, &format!("{path}/entries"), session)
            .await
            .status(),
        201
    );
    assert_eq!(
        get(&app, &anna, &format!("{path}/export")).await.status(),
        200
    );
    assert_eq!(
        post(&app, &anna, &format!("{path}/close"), json!({}))
            .await
            .status(),
        200
    );
    let deleted = call(&app, &mia, reqwest::Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!(deleted.status(), 204);

    let entries = audit_of(&app, case.id).await;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "case_created",
            "case_read",
            "case_updated",
            "case_updated",
            "case_exported",
            "case_closed",
            "case_deleted"
        ]
    );
    assert!(
        entries[..6]
            .iter()
            .all(|e| e.actor == "anna" && e.actor_id == Some(anna.id))
    );
    assert_eq!(entries[6].actor, "mia");
    for entry in &entries {
        let row = format!("{} {}", entry.subject, entry.detail);
        for secret in [NAME, "240307", "4117", PHONE, "20 30 40 50", EMAIL, "gåtur"] {
            assert!(!row.contains(secret), "the audit log holds no data: {row}");
        }
    }
    audit::verify(&app.db)
        .await
        .expect("the chain still verifies");
}

/// Every stored byte of the case tables, as one blob per row.
async fn case_bytes(app: &TestApp) -> Vec<Vec<u8>> {
    let sealed = [
        "name_sealed",
        "cpr_sealed",
        "phone_sealed",
        "email_sealed",
        "address_sealed",
        "case_worker_sealed",
        "parents_sealed",
    ];
    let mut out = Vec::new();
    for column in sealed {
        let values: Vec<Option<Vec<u8>>> =
            sqlx::query_scalar(&format!("SELECT {column} FROM treatment_cases"))
                .fetch_all(app.db.pool())
                .await
                .expect("read");
        out.extend(values.into_iter().flatten());
    }
    let bodies: Vec<Option<Vec<u8>>> = sqlx::query_scalar("SELECT body_sealed FROM case_entries")
        .fetch_all(app.db.pool())
        .await
        .expect("read");
    out.extend(bodies.into_iter().flatten());
    let texts: Vec<(String, String, String)> =
        sqlx::query_as("SELECT age_group, consent_how, state FROM treatment_cases")
            .fetch_all(app.db.pool())
            .await
            .expect("read");
    for (a, b, c) in texts {
        out.push(format!("{a} {b} {c}").into_bytes());
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

async fn identifying_data_is_neither_stored_in_plaintext_nor_logged(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let conversation = course(&app, &anna, Some(AgeBand::From13To14)).await;
    let case = convert(
        &app,
        &anna,
        conversation,
        json!({
            "parents_consent": { "how": "in_person", "given_by": PARENTS },
            "case_worker": CASE_WORKER,
        }),
    )
    .await;
    let entry = json!({ "kind": "background", "text": "Går på Kanarieskolen i 8.b" });
    let path = format!("/api/cases/{}", case.id);
    assert_eq!(
        post(&app, &anna, &format!("{path}/entries"), entry)
            .await
            .status(),
        201
    );
    assert_eq!(get(&app, &anna, &path).await.status(), 200);
    // A refused CPR number is not logged either.
    let mut bad = identity();
    bad["cpr"] = json!("310299-8765");
    let _ = post(&app, &anna, &format!("{path}/identity"), bad).await;

    let secrets = [
        NAME,
        "Kanariefugl",
        CPR,
        "2403074117",
        "310299",
        PHONE,
        EMAIL,
        ADDRESS,
        CASE_WORKER,
        PARENTS,
        "Kanarieskolen",
    ];
    let mut stored = case_bytes(&app).await;
    if app.db.backend() == Backend::Sqlite {
        // The whole database file, and its write-ahead log.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(app.db.pool())
            .await
            .expect("checkpoint");
        for name in ["front-door.db", "front-door.db-wal"] {
            if let Ok(bytes) = std::fs::read(app.data_dir.join(name)) {
                stored.push(bytes);
            }
        }
        assert!(stored.iter().any(|b| b.len() > 4096), "the file was read");
    } else {
        // Every row of the case tables as PostgreSQL prints it.
        for table in ["treatment_cases", "case_entries", "case_counsellors"] {
            let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
                .fetch_all(app.db.pool())
                .await
                .expect("read");
            stored.extend(rows.into_iter().map(String::into_bytes));
        }
    }
    let logged = logs();
    for secret in secrets {
        for bytes in &stored {
            assert!(!contains(bytes, secret), "{secret} is stored in plaintext");
        }
        assert!(!logged.contains(secret), "{secret} is in the logs");
    }
}

async fn a_tampered_case_ciphertext_is_detected(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let conversation = course(&app, &anna, Some(AgeBand::From22To25)).await;
    let case = convert(&app, &anna, conversation, json!({})).await;
    let path = format!("/api/cases/{}", case.id);
    assert_eq!(get(&app, &anna, &path).await.status(), 200);

    // The name's ciphertext moved into the CPR column: refused.
    sqlx::query("UPDATE treatment_cases SET cpr_sealed = name_sealed WHERE id = $1")
        .bind(case.id)
        .execute(app.db.pool())
        .await
        .expect("tampered");
    let refused = get(&app, &anna, &path).await;
    assert_eq!(error_of(refused).await, (500, "case_unreadable".to_owned()));

    // Put a valid CPR back, then flip one bit of the name.
    let mut identity = identity();
    identity["name"] = json!("Kim K.");
    let second = course(&app, &anna, Some(AgeBand::From22To25)).await;
    let other = convert(&app, &anna, second, json!({ "identity": identity })).await;
    let name: Vec<u8> = sqlx::query_scalar("SELECT name_sealed FROM treatment_cases WHERE id = $1")
        .bind(other.id)
        .fetch_one(app.db.pool())
        .await
        .expect("read");
    let mut flipped = name.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    sqlx::query("UPDATE treatment_cases SET name_sealed = $2 WHERE id = $1")
        .bind(other.id)
        .bind(flipped)
        .execute(app.db.pool())
        .await
        .expect("tampered");
    let other_path = format!("/api/cases/{}", other.id);
    let refused = get(&app, &anna, &other_path).await;
    assert_eq!(error_of(refused).await, (500, "case_unreadable".to_owned()));

    // Another case's ciphertext copied in (the right field, the wrong case).
    sqlx::query(
        "UPDATE treatment_cases SET name_sealed = \
         (SELECT name_sealed FROM treatment_cases WHERE id = $2) WHERE id = $1",
    )
    .bind(other.id)
    .bind(case.id)
    .execute(app.db.pool())
    .await
    .expect("tampered");
    let refused = get(&app, &anna, &other_path).await;
    assert_eq!(refused.status(), 500);
    // And the refusal said nothing about the data in the logs.
    assert!(!logs().contains(NAME));
}

async fn the_export_holds_the_case_data(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let conversation = course(&app, &anna, Some(AgeBand::From15To17)).await;
    let case = convert(
        &app,
        &anna,
        conversation,
        json!({
            "parents_consent": { "how": "in_writing", "given_by": PARENTS },
            "case_worker": CASE_WORKER,
            "carry_over": { "messages": [1], "notes": [] },
        }),
    )
    .await;
    let path = format!("/api/cases/{}", case.id);
    for (kind, text) in [
        ("background", "bor hos mor, går i 9. klasse"),
        ("activities", "fodbold tirsdag"),
        ("change", "ryger nu kun i weekenden"),
    ] {
        let entry = json!({ "kind": kind, "text": text });
        assert_eq!(
            post(&app, &anna, &format!("{path}/entries"), entry)
                .await
                .status(),
            201
        );
    }
    let session = json!({ "kind": "session", "session_kind": "talk", "at": 1_790_000_000_000i64, "text": "første samtale" });
    assert_eq!(
        post(&app, &anna, &format!("{path}/entries"), session)
            .await
            .status(),
        201
    );

    let response = get(&app, &anna, &format!("{path}/export")).await;
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"case-{}.json\"", case.id)
    );
    let export: CaseView = response.json().await.expect("the case as JSON");
    assert_eq!(export.identity.name, NAME);
    assert_eq!(export.identity.cpr, CPR);
    assert_eq!(export.identity.phone, PHONE);
    assert_eq!(export.identity.email, EMAIL);
    assert_eq!(export.identity.address, ADDRESS);
    assert_eq!(export.case_worker.as_deref(), Some(CASE_WORKER));
    assert_eq!(export.consent.recorded_by, "Anna");
    assert_eq!(export.counsellors[0].first_name, "Anna");
    let texts: Vec<&str> = export.entries.iter().map(|e| e.text.as_str()).collect();
    for expected in [
        "jeg ryger hver dag",
        "bor hos mor, går i 9. klasse",
        "fodbold tirsdag",
        "ryger nu kun i weekenden",
        "første samtale",
    ] {
        assert!(texts.contains(&expected), "{expected} is exported");
    }
    let session = export
        .entries
        .iter()
        .find(|e| e.text == "første samtale")
        .expect("the session");
    assert_eq!(
        (session.detail.as_str(), session.at),
        ("talk", 1_790_000_000_000)
    );
}

async fn only_the_chosen_history_is_carried_over(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let conversation = course(&app, &anna, Some(AgeBand::From18To21)).await;
    let history: Value = get(&app, &anna, &format!("/api/cases/history/{conversation}"))
        .await
        .json()
        .await
        .expect("history");
    assert_eq!(history["messages"].as_array().map(Vec::len), Some(3));
    assert_eq!(history["age_group"], "18_plus");
    let note = history["notes"][0]["id"].as_i64().expect("a note");
    let case = convert(
        &app,
        &anna,
        conversation,
        json!({ "carry_over": { "messages": [1, 2], "notes": [note] } }),
    )
    .await;
    let carried: Vec<(String, String)> = case
        .entries
        .iter()
        .map(|e| (e.detail.clone(), e.text.clone()))
        .collect();
    assert_eq!(
        carried,
        [
            ("young_person".to_owned(), "jeg ryger hver dag".to_owned()),
            (
                "counsellor".to_owned(),
                "hvor længe har det stået på?".to_owned()
            ),
            ("note".to_owned(), "vil gerne i forløb".to_owned()),
        ]
    );
    // Message 3 stays anonymous, in the course only.
    assert!(!case.entries.iter().any(|e| e.text.contains("min mor")));
    let messages = app
        .chat_store()
        .messages_after(conversation, 0, 10)
        .await
        .expect("the course is untouched");
    assert_eq!(messages.len(), 3);
    // An item that is not in the course is refused.
    let body = json!({
        "conversation": conversation, "consent": "in_chat", "identity": identity(),
        "carry_over": { "messages": [99] },
    });
    let refused = post(&app, &anna, "/api/cases", body).await;
    assert_eq!(error_of(refused).await, (400, "unknown_history".to_owned()));
}

async fn a_closed_case_is_deleted_key_first_and_nothing_remains(app: TestApp) {
    let anna = staff(&app, "anna", "Anna", Role::Counsellor).await;
    let mia = staff(&app, "mia", "Mia", Role::Coordinator).await;
    let conversation = course(&app, &anna, Some(AgeBand::From18To21)).await;
    let case = convert(
        &app,
        &anna,
        conversation,
        json!({ "carry_over": { "messages": [1] } }),
    )
    .await;
    let path = format!("/api/cases/{}", case.id);

    let early = call(&app, &mia, reqwest::Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!(error_of(early).await, (409, "case_not_closed".to_owned()));
    let closed: CaseView = post(&app, &anna, &format!("{path}/close"), json!({}))
        .await
        .json()
        .await
        .expect("closed");
    let closed_at = closed.closed_at.expect("closed");
    assert_eq!(
        closed.delete_after,
        Some(closed_at + server::cases::CLOSED_CASE_RETENTION_MS)
    );
    let entry = json!({ "kind": "change", "text": "efter lukning" });
    let refused = post(&app, &anna, &format!("{path}/entries"), entry).await;
    assert_eq!(error_of(refused).await, (409, "case_closed".to_owned()));
    let not_coordinator = call(&app, &anna, reqwest::Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!(not_coordinator.status(), 403);

    let deleted = call(&app, &mia, reqwest::Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!(deleted.status(), 204);
    for table in ["treatment_cases", "case_entries", "case_counsellors"] {
        let column = if table == "treatment_cases" {
            "id"
        } else {
            "case_id"
        };
        let left: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"))
                .bind(case.id)
                .fetch_one(app.db.pool())
                .await
                .expect("counted");
        assert_eq!(left, 0, "{table} is empty");
    }
    assert_eq!(get(&app, &mia, &path).await.status(), 404);

    // The retention job deletes a closed case once its time has come.
    let second = course(&app, &anna, Some(AgeBand::From18To21)).await;
    let other = convert(&app, &anna, second, json!({})).await;
    post(
        &app,
        &anna,
        &format!("/api/cases/{}/close", other.id),
        json!({}),
    )
    .await;
    let now = server::db::now_millis();
    assert_eq!(
        server::cases::purge_expired(&app.db, now)
            .await
            .expect("purged"),
        0
    );
    let later = now + server::cases::CLOSED_CASE_RETENTION_MS + 1000;
    assert_eq!(
        server::cases::purge_expired(&app.db, later)
            .await
            .expect("purged"),
        1
    );
    let entries = audit_of(&app, other.id).await;
    let last = entries.last().expect("audited");
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("case_deleted", "system")
    );
    audit::verify(&app.db).await.expect("the chain verifies");
}
