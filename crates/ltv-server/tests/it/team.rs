//! What the team-service tests share: a backlog database of each back end (a SQLite
//! file and a real PostgreSQL database), tokens of every role, requests with a bearer
//! token and `If-Match`, and a small HTTP/1.1 client for tests on a real socket.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use ltv_server::{router, AppState, AuthOptions};
use ltv_store::{Role, Store, StoreOptions};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A fresh database of each back end: `(name, url)`. PostgreSQL is CI's (or a
/// throw-away cluster); outside CI without PostgreSQL only SQLite runs, with a note.
pub fn databases(test: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![("sqlite", sqlite_url(test))];
    match ltv_store::testing::postgres() {
        Some(pg) => out.push(("postgres", pg.new_database())),
        None => eprintln!("{test}: PostgreSQL part skipped"),
    }
    out
}

/// A new SQLite file in a fresh directory.
pub fn sqlite_url(test: &str) -> String {
    format!("sqlite://{}", temp_dir(test).join("team.db").display())
}

/// A fresh directory under the target dir's tmp.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("server-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A backlog database with a token of every role and a revoked one.
pub struct Team {
    pub store: Store,
    pub admin: String,
    pub editor: String,
    pub viewer: String,
    pub revoked: String,
}

impl Team {
    /// Initialises `url` and creates the tokens `admin`, `aiko (marketing)` (editor),
    /// `ken (finance)` (viewer) and `gone` (editor, revoked).
    pub async fn new(url: &str) -> Team {
        let (store, _) = Store::init(url, "setup").await.unwrap();
        store.close().await;
        let store = Store::open_with(
            url,
            StoreOptions {
                max_connections: 16,
                ..StoreOptions::default()
            },
        )
        .await
        .unwrap();
        let secret = |name: &'static str, role: Role| {
            let store = store.clone();
            async move {
                store
                    .create_token(name, role, "setup")
                    .await
                    .unwrap()
                    .secret
            }
        };
        let admin = secret("admin", Role::Admin).await;
        let editor = secret("aiko (marketing)", Role::Editor).await;
        let viewer = secret("ken (finance)", Role::Viewer).await;
        let revoked = secret("gone", Role::Editor).await;
        store.revoke_token("gone", "setup").await.unwrap();
        Team {
            store,
            admin,
            editor,
            viewer,
            revoked,
        }
    }

    /// The service on this database with open reads.
    pub fn app(&self) -> Router {
        self.app_with(AuthOptions::default())
    }

    /// The service on this database with `auth`.
    pub fn app_with(&self, auth: AuthOptions) -> Router {
        router(self.state(auth))
    }

    /// The state of the service on this database.
    pub fn state(&self, auth: AuthOptions) -> AppState {
        AppState::default()
            .with_store(self.store.clone())
            .with_auth(auth)
    }
}

/// A request: `method path` with an optional bearer token, `If-Match` and JSON body.
pub fn request(
    method: &str,
    path: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    json: Option<&str>,
) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    if let Some(m) = if_match {
        r = r.header("if-match", m);
    }
    match json {
        Some(body) => r
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap(),
        None => r.body(Body::empty()).unwrap(),
    }
}

/// `value` with its volatile fields (times) replaced, for snapshots.
pub fn redact(mut value: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if (k.ends_with("_at") || k == "changed_at") && x.is_string() {
                        *x = Value::from("[time]");
                    } else {
                        walk(x);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

/// One response of [`http`]: status, headers (lower-case names) and body.
#[derive(Debug, Clone)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.1 request on a new connection (`Connection: close`); `Err` when the
/// connection fails or closes without an answer (a server that is down or was
/// killed mid-request).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> std::io::Result<HttpReply> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || method != "GET" {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    head.push_str(body);
    stream.write_all(head.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse(&raw).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("no complete answer: {:?}", String::from_utf8_lossy(&raw)),
        )
    })
}

fn parse(raw: &[u8]) -> Option<HttpReply> {
    let text = String::from_utf8_lossy(raw);
    let (head, rest) = text.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        let mut out = String::new();
        let mut rest = rest;
        loop {
            let (size, after) = rest.split_once("\r\n")?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            if size == 0 {
                break;
            }
            out.push_str(after.get(..size)?);
            rest = after.get(size + 2..)?;
        }
        out
    } else {
        let len: Option<usize> = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok());
        match len {
            Some(n) => rest.get(..n)?.to_owned(),
            None => rest.to_owned(),
        }
    };
    Some(HttpReply {
        status,
        headers,
        body,
    })
}

/// A keep-alive HTTP/1.1 connection, for load: one request at a time.
pub struct Conn {
    addr: SocketAddr,
    stream: Option<tokio::io::BufReader<TcpStream>>,
}

impl Conn {
    pub fn new(addr: SocketAddr) -> Conn {
        Conn { addr, stream: None }
    }

    /// Sends one request (connecting first when needed); `Err` when the connection
    /// fails or closes before a whole answer (the connection is then dropped).
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> std::io::Result<HttpReply> {
        let result = self.try_send(method, path, headers, body).await;
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    async fn try_send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> std::io::Result<HttpReply> {
        use tokio::io::AsyncBufReadExt;
        if self.stream.is_none() {
            let s = TcpStream::connect(self.addr).await?;
            s.set_nodelay(true)?;
            self.stream = Some(tokio::io::BufReader::new(s));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(std::io::ErrorKind::NotConnected.into());
        };
        let body = body.unwrap_or("");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n",
            self.addr,
            body.len()
        );
        for (n, v) in headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(body);
        stream.get_mut().write_all(head.as_bytes()).await?;
        let eof = || std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        let mut line = String::new();
        if stream.read_line(&mut line).await? == 0 {
            return Err(eof());
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(eof)?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Err(eof());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((n, v)) = l.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut bytes = vec![0u8; len];
        stream.read_exact(&mut bytes).await?;
        if headers
            .iter()
            .any(|(n, v)| n == "connection" && v.eq_ignore_ascii_case("close"))
        {
            self.stream = None;
        }
        Ok(HttpReply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}
