//! Data keys from the command line, on the database and master keys the
//! server uses (same configuration: `DATABASE_URL`, `FRONT_DOOR_CONFIG`,
//! `FRONT_DOOR_MASTER_KEY`, `FRONT_DOOR_MASTER_KEY_PREVIOUS`, …).
//!
//! ```text
//! keys rotate [--batch 100]
//! ```
//!
//! A rotation without downtime: give every node the new key as
//! `FRONT_DOOR_MASTER_KEY` and the old one as
//! `FRONT_DOOR_MASTER_KEY_PREVIOUS`, restart them one by one, run
//! `keys rotate` with the same two settings, then drop the previous key.
//! Running it again is harmless.

use server::at_rest::rotation::{KEY_TABLES, rewrap_all};
use server::config::Settings;
use server::crypto::Vault;
use server::db::Db;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  keys rotate [--batch <n>]
      re-wraps every stored data key under the current master key
      (FRONT_DOOR_MASTER_KEY), reading keys wrapped under a previous one
      (FRONT_DOOR_MASTER_KEY_PREVIOUS); <n> keys at a time (default 100),
      while the service runs. Idempotent.

The database and keys are the server's own (DATABASE_URL, FRONT_DOOR_CONFIG, ...).";

/// Keys per batch unless told otherwise.
const DEFAULT_BATCH: u32 = 100;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let batch = match parse(&args) {
        Ok(Some(batch)) => batch,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("keys: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match rotate(batch).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("keys: {message}");
            ExitCode::from(1)
        }
    }
}

/// `Some(batch)` for `rotate`, `None` for help.
fn parse(args: &[String]) -> Result<Option<u32>, String> {
    match args {
        [] => Ok(None),
        [help] if help == "help" || help == "--help" || help == "-h" => Ok(None),
        [rotate] if rotate == "rotate" => Ok(Some(DEFAULT_BATCH)),
        [rotate, flag, n] if rotate == "rotate" && flag == "--batch" => match n.parse::<u32>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(format!("--batch takes a positive number, not {n:?}")),
        },
        _ => Err("unknown command".to_owned()),
    }
}

/// Rotates; `Ok(false)` when some keys could not be opened.
async fn rotate(batch: u32) -> Result<bool, String> {
    let settings = Settings::load().map_err(|e| e.to_string())?;
    let vault = Vault::from_settings(&settings).map_err(|e| e.to_string())?;
    let db = Db::connect(&settings.database_url(), 2)
        .await
        .map_err(|e| e.to_string())?;
    println!("re-wrapping under master key {}", vault.fingerprint());
    let report = rewrap_all(&db, &vault, KEY_TABLES, batch)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    let mut complete = true;
    for table in report {
        println!(
            "{}: {} re-wrapped, {} already current, {} could not be opened",
            table.table, table.rewrapped, table.current, table.failed
        );
        complete &= table.failed == 0;
    }
    if !complete {
        eprintln!(
            "keys: some keys are under a master key not given (FRONT_DOOR_MASTER_KEY_PREVIOUS?) \
             or damaged; keep the previous key until they are re-wrapped"
        );
    }
    Ok(complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn rotate_takes_an_optional_batch_size() {
        assert_eq!(parse(&args("rotate")), Ok(Some(DEFAULT_BATCH)));
        assert_eq!(parse(&args("rotate --batch 7")), Ok(Some(7)));
        assert_eq!(parse(&args("")), Ok(None));
        assert!(parse(&args("rotate --batch 0")).is_err());
        assert!(parse(&args("rotate --batch many")).is_err());
        assert!(parse(&args("rotat")).is_err());
    }
}
