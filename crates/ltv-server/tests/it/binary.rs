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
