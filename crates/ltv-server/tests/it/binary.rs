//! The `ltv-server` binary: configuration from the environment, `--print-openapi`,
//! and a clean exit on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ltv-server");

#[test]
fn print_openapi_is_the_served_document() {
    let out = Command::new(BIN).arg("--print-openapi").output().unwrap();
    assert!(out.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let served: serde_json::Value =
        serde_json::from_str(&ltv_server::openapi_json(&ltv_server::openapi::openapi())).unwrap();
    assert_eq!(printed, served);
}

#[test]
fn bad_flag_value_is_refused() {
    let out = Command::new(BIN)
        .env("LTV_MAX_BODY_MB", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-body-mb"));
}

#[cfg(unix)]
#[test]
fn reads_env_serves_and_stops_on_sigterm() {
    let mut child = Command::new(BIN)
        .env("LTV_ADDR", "127.0.0.1:0")
        .env("LTV_LOG_LEVEL", "info")
        .env("LTV_MAX_BODY_MB", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    log.read_line(&mut line).unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("addr="))
        .unwrap_or_else(|| panic!("no addr in {line:?}"))
        .to_owned();
    assert!(line.contains("max_body_bytes=1048576"), "{line}");

    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    log.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("SIGTERM"), "{rest}");
}

/// `ltv-server token create|list|revoke` on a SQLite file: the token is printed once
/// (stdout, nothing else there), authenticates against the server's store, is listed
/// without its secret, and refused once revoked; bad input exits 2 with one line.
#[test]
fn token_commands_create_list_and_revoke() {
    let dir = crate::team::temp_dir("token-cli");
    let url = format!("sqlite://{}", dir.join("team.db").display());
    let token = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("token")
            .args(args)
            .args(["--db", &url])
            .env("USER", "lead")
            .env_remove("LTV_DATABASE_URL")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, secret, note) = token(&["create", "--name", "aiko (marketing)", "--role", "editor"]);
    assert_eq!(code, Some(0), "{note}");
    let secret = secret.trim().to_owned();
    assert!(
        secret.len() == 68
            && secret.starts_with("ltv_")
            && secret[4..].bytes().all(|b| b.is_ascii_hexdigit()),
        "{secret:?}"
    );
    assert!(note.contains("shown this once"), "{note}");

    let (code, _, err) = token(&["create", "--name", "aiko (marketing)", "--role", "viewer"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: an active token named \"aiko (marketing)\" exists already: revoke it first\n"
    );
    let (code, _, err) = token(&["create", "--name", "x", "--role", "owner"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("[possible values: viewer, editor, admin]"),
        "{err}"
    );

    // the server's store knows it; the database holds only its hash
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = ltv_store::Store::open(&url).await.unwrap();
        let t = store.authenticate(&secret).await.unwrap().unwrap();
        assert_eq!(
            (t.name.as_str(), t.role),
            ("aiko (marketing)", ltv_store::Role::Editor)
        );
        store.close().await;
    });
    let file = std::fs::read(dir.join("team.db")).unwrap();
    assert!(
        !file.windows(64).any(|w| w == &secret.as_bytes()[4..]),
        "the secret is not stored"
    );

    let (code, list, _) = token(&["list"]);
    assert_eq!(code, Some(0));
    assert!(
        list.starts_with("aiko (marketing)\teditor\tcreated "),
        "{list}"
    );
    assert!(list.trim_end().ends_with("by lead\tactive"), "{list}");
    assert!(!list.contains(&secret[4..]));

    let (code, out, _) = token(&["revoke", "aiko (marketing)"]);
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "revoked token \"aiko (marketing)\" (editor)\n")
    );
    let (code, _, err) = token(&["revoke", "aiko (marketing)"]);
    assert_eq!(
        (code, err.as_str()),
        (
            Some(2),
            "error: no active token named \"aiko (marketing)\"\n"
        )
    );
    let (_, list, _) = token(&["list"]);
    assert!(
        list.contains("\trevoked ") && list.trim_end().ends_with("by lead"),
        "{list}"
    );
    rt.block_on(async {
        let store = ltv_store::Store::open(&url).await.unwrap();
        assert!(
            store.authenticate(&secret).await.unwrap().is_none(),
            "revoked"
        );
        store.close().await;
    });

    let out = Command::new(BIN)
        .args(["token", "list"])
        .env_remove("LTV_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: token commands need the backlog database: --db URL (or LTV_DATABASE_URL)\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
