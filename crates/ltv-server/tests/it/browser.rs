//! Browser tests: headless Chromium renders the report file and the server's upload
//! page; the charts must be in the DOM, the console must stay silent, and a screenshot
//! of each is saved in `target/browser-artifacts/`. They run when `LTV_BROWSER_TESTS=1`
//! (`.ci/run` installs Debian's chromium and sets it), so `cargo test` passes on a
//! machine without a browser.

use std::path::{Path, PathBuf};
use std::process::Command;

use ltv_report::{sample, Lang};
use ltv_server::{router, AppState};
use tokio::net::TcpListener;

fn enabled() -> bool {
    let on = std::env::var("LTV_BROWSER_TESTS").as_deref() == Ok("1");
    if !on {
        eprintln!("browser test skipped: set LTV_BROWSER_TESTS=1 (and install chromium)");
    }
    on
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/browser-artifacts");
    dir
}

struct Page {
    dom: String,
    console: Vec<String>,
}

/// Loads `url` in headless Chromium: the DOM after load, the console messages, and a
/// full-width screenshot written to `screenshot`.
fn chromium(url: &str, screenshot: &Path) -> Page {
    let profile = tempdir("chromium-profile");
    let base = |cmd: &mut Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    };
    let mut dump = Command::new(browser());
    base(&mut dump);
    let out = dump
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    let mut shot = Command::new(browser());
    base(&mut shot);
    let status = shot
        .arg("--window-size=1280,2400")
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(url)
        .output()
        .expect("run chromium")
        .status;
    assert!(status.success());
    let size = std::fs::metadata(screenshot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "screenshot {} is {size} bytes",
        screenshot.display()
    );
    Page {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console,
    }
}

fn browser() -> String {
    std::env::var("LTV_CHROMIUM").unwrap_or_else(|_| "chromium".into())
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ltv-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn assert_quiet(what: &str, page: &Page) {
    assert!(
        page.console.is_empty(),
        "{what}: console messages: {:#?}",
        page.console
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_and_upload_page_render_in_chromium() {
    if !enabled() {
        return;
    }
    let dir = artifacts();
    // 1. the report file, as `ltv report --sample -o report.html` writes it
    let html = sample::report(Lang::En).unwrap().to_html().unwrap();
    let file = dir.join("report.html");
    std::fs::write(&file, html).unwrap();
    let url = format!("file://{}", file.canonicalize().unwrap().display());
    let shot = dir.join("report.png");
    let page = tokio::task::spawn_blocking(move || chromium(&url, &shot))
        .await
        .unwrap();
    assert_eq!(
        page.dom.matches("<svg").count(),
        10,
        "charts in the rendered report"
    );
    assert!(page.dom.contains("Customer lifetime value report"));
    assert_quiet("report.html", &page);

    // 2. the server's upload page and the sample report it serves
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, router(AppState::default()))
            .await
            .unwrap();
    });
    let (index, index_shot) = (format!("http://{addr}/"), dir.join("upload-page.png"));
    let page = tokio::task::spawn_blocking(move || chromium(&index, &index_shot))
        .await
        .unwrap();
    assert!(page.dom.contains(r#"action="/v1/report""#), "{}", page.dom);
    assert!(page.dom.contains(r#"name="transactions""#));
    assert_quiet("GET /", &page);
    let (sample_url, sample_shot) = (
        format!("http://{addr}/sample?lang=ja"),
        dir.join("sample-ja.png"),
    );
    let page = tokio::task::spawn_blocking(move || chromium(&sample_url, &sample_shot))
        .await
        .unwrap();
    assert_eq!(page.dom.matches("<svg").count(), 10);
    assert_quiet("GET /sample", &page);
    server.abort();
    eprintln!("screenshots in {}", dir.display());
}
