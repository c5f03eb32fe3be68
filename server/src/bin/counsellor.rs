//! Counsellor accounts from the command line, on the database the server
//! uses (same configuration: `DATABASE_URL`, `FRONT_DOOR_CONFIG`, …). This is
//! how the first coordinator is made: there is no default account and no
//! default password anywhere.
//!
//! ```text
//! counsellor add --login anna --first-name Anna [--coordinator | --role coordinator] [--max-chats 3]   # password: one line on stdin
//! counsellor list
//! ```
//!
//! The password is read from standard input, never from the arguments
//! (which other users of the machine can see in the process list).

use server::auth::accounts::{self, MaxChats};
use server::auth::counsellors::{self, FirstName, Login, NewCounsellor, Role};
use server::auth::password::{NewPassword, Password};
use server::config::Settings;
use server::db::Db;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  counsellor add --login <login> --first-name <first name> [--coordinator | --role <role>] [--max-chats <n>]
      creates an account (role: counsellor or coordinator; default counsellor)
      that takes at most <n> chats at once (1 to 10; default 3);
      the password is read as one line from stdin and works at once
  counsellor list
      lists every account

The database is the server's own (DATABASE_URL, FRONT_DOOR_CONFIG, ...).";

/// One command, parsed from the arguments.
enum Command {
    Add {
        login: Login,
        first_name: FirstName,
        role: Role,
        max_chats: Option<MaxChats>,
    },
    List,
    Help,
}

/// A failure, with the exit code it ends the process with.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: format!("{}\n\n{USAGE}", message.into()),
            code: 2,
        }
    }

    fn error(message: impl std::fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            code: 1,
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("counsellor: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn run(args: Vec<String>) -> Result<(), Failure> {
    match parse(&args)? {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Add {
            login,
            first_name,
            role,
            max_chats,
        } => {
            // Read the password before touching the database, so a bad
            // password fails fast and nothing is created.
            let password = read_password(&login)?;
            let db = connect().await?;
            let result = add(&db, login, first_name, role, max_chats, password).await;
            db.close().await;
            result
        }
        Command::List => {
            let db = connect().await?;
            let result = list(&db).await;
            db.close().await;
            result
        }
    }
}

/// The server's database, migrated to the current schema.
async fn connect() -> Result<Db, Failure> {
    let settings = Settings::load().map_err(Failure::error)?;
    Db::connect(&settings.database_url(), 2)
        .await
        .map_err(Failure::error)
}

fn parse(args: &[String]) -> Result<Command, Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::usage("no command given"));
    };
    match command.as_str() {
        "add" => {
            let mut login = None;
            let mut first_name = None;
            let mut role = Role::Counsellor;
            let mut max_chats = None;
            let mut rest = rest.iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--login" => login = rest.next(),
                    "--first-name" => first_name = rest.next(),
                    "--coordinator" => role = Role::Coordinator,
                    "--role" => {
                        role = match rest.next().map(String::as_str) {
                            Some("coordinator") => Role::Coordinator,
                            Some("counsellor") => Role::Counsellor,
                            _ => {
                                return Err(Failure::usage(
                                    "--role takes counsellor or coordinator",
                                ));
                            }
                        }
                    }
                    "--max-chats" => {
                        let n = rest.next().ok_or_else(|| {
                            Failure::usage("--max-chats takes a number from 1 to 10")
                        })?;
                        max_chats = Some(MaxChats::parse(n).map_err(Failure::usage)?);
                    }
                    other if other.starts_with("--password") => {
                        return Err(Failure::usage(
                            "passwords are never given as arguments: pipe one line into stdin",
                        ));
                    }
                    other => return Err(Failure::usage(format!("unknown argument {other:?}"))),
                }
            }
            let login = login.ok_or_else(|| Failure::usage("--login is required"))?;
            let first_name =
                first_name.ok_or_else(|| Failure::usage("--first-name is required"))?;
            Ok(Command::Add {
                login: Login::parse(login).map_err(Failure::error)?,
                first_name: FirstName::parse(first_name).map_err(Failure::error)?,
                role,
                max_chats,
            })
        }
        "list" if rest.is_empty() => Ok(Command::List),
        "help" | "--help" | "-h" => Ok(Command::Help),
        other => Err(Failure::usage(format!("unknown command {other:?}"))),
    }
}

/// One line from stdin, without its line ending, checked against the
/// password rules.
fn read_password(login: &Login) -> Result<NewPassword, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        // The line is echoed: say so, and how to avoid it.
        eprint!("password for {login} (shown as you type; pipe it in to hide it): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::error(format!("cannot read the password from stdin: {e}")))?;
    let text = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line)
        .to_owned();
    if text.is_empty() {
        return Err(Failure::error(
            "no password on stdin: pipe one line into the command",
        ));
    }
    NewPassword::parse(Password::new(text)).map_err(Failure::error)
}

async fn add(
    db: &Db,
    login: Login,
    first_name: FirstName,
    role: Role,
    max_chats: Option<MaxChats>,
    password: NewPassword,
) -> Result<(), Failure> {
    let new = NewCounsellor {
        login,
        first_name,
        role,
    };
    let created = counsellors::create(db, new, password)
        .await
        .map_err(Failure::error)?;
    if let Some(max_chats) = max_chats {
        accounts::set_max_chats(db, created.id, max_chats)
            .await
            .map_err(Failure::error)?;
    }
    println!("created counsellor {} ({})", created.login, created.role);
    Ok(())
}

async fn list(db: &Db) -> Result<(), Failure> {
    let all = counsellors::list(db).await.map_err(Failure::error)?;
    if all.is_empty() {
        println!("no counsellors yet: add one with `counsellor add`");
        return Ok(());
    }
    for c in all {
        let state = if c.active { "active" } else { "inactive" };
        println!(
            "{}\t{}\t{}\t{}\t{state}",
            c.id, c.login, c.first_name, c.role
        );
    }
    Ok(())
}
