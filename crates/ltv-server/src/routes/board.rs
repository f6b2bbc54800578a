//! The web board of the backlog: `GET /backlog` (the page, English or `?lang=ja`),
//! `GET /backlog/board` (its board as an HTML fragment, which the page's script fetches
//! with the signed-in token after every change), and the page's script and style
//! (`/assets/board.js`, `/assets/board.css`), served by this server: no CDN, no inline
//! script, so the page's policy allows scripts from this origin only.
//!
//! The board is rendered here, from [`ltv_store::Board`] (the numbers of `ltv backlog
//! board`), with minijinja (HTML auto-escaping on: names and hypotheses are user
//! text). Numbers are rounded once, by `ltv_core::present`.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use ltv_core::present::{group, percent};
use ltv_core::{Decimal, Lang};
use ltv_planner::{Driver, PlanOptions};
use ltv_store::{BaselineSource, Board, Measurement, Status, Verdict};
use minijinja::{context, Environment, Value};
use serde::{Deserialize, Serialize};

use crate::auth::{store, Reader};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// `?lang=en|ja`.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

const PAGE: &str = include_str!("../../templates/board.html");
const CARDS: &str = include_str!("../../templates/board_cards.html");
/// The page's script (served at `/assets/board.js`).
pub const SCRIPT: &str = include_str!("../../assets/board.js");
/// The page's style (served at `/assets/board.css`).
pub const STYLE: &str = include_str!("../../assets/board.css");

/// The policy of the board page: its own script, style and API calls, nothing else
/// (no inline script, no other origin, no frames).
pub const BOARD_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; \
    frame-ancestors 'none'";

fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

fn lang_of(q: &LangQuery) -> Result<Lang, ApiError> {
    match q.lang.as_deref() {
        None | Some("en") | Some("") => Ok(Lang::En),
        Some("ja") => Ok(Lang::Ja),
        Some(other) => Err(ApiError::BadValue {
            code: "out_of_range",
            message: format!("lang must be en or ja, got {}", crate::error::clip(other)),
            field: Some("lang".into()),
        }),
    }
}

fn status_label(lang: Lang, s: Status) -> &'static str {
    match lang {
        Lang::Ja => s.label_ja(),
        Lang::En => match s {
            Status::Idea => "Idea",
            Status::Approved => "Approved",
            Status::Running => "Running",
            Status::Done => "Done",
            Status::Dropped => "Dropped",
        },
    }
}

fn verdict_label(lang: Lang, v: Verdict) -> &'static str {
    match v {
        Verdict::Measured => t(lang, "effect measured", "効果を確認"),
        Verdict::WithinNoise => t(lang, "within the usual variation", "通常の変動の範囲内"),
        Verdict::CannotTellYet => t(lang, "cannot tell yet", "まだ判断できない"),
    }
}

fn verdict_key(v: Verdict) -> &'static str {
    match v {
        Verdict::Measured => "measured",
        Verdict::WithinNoise => "within-noise",
        Verdict::CannotTellYet => "cannot-tell-yet",
    }
}

fn dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "–".to_owned())
}

/// A score: whole numbers without decimals, else two places.
fn score(v: Decimal) -> String {
    if v.fract().is_zero() {
        group(v, 0)
    } else {
        group(v, 2)
    }
}

/// A signed percentage that is already in percent (`12.5` → `+12.5%`).
fn signed_pct(v: Decimal) -> String {
    let shown = group(v, 1);
    if v > Decimal::ZERO && !shown.starts_with('-') {
        format!("+{shown}%")
    } else {
        format!("{shown}%")
    }
}

#[derive(Debug, Serialize)]
struct Move {
    status: &'static str,
    label: &'static str,
}

#[derive(Debug, Serialize)]
struct CardView {
    id: i64,
    name: String,
    team: String,
    driver: String,
    change: String,
    etag: String,
    score: String,
    impact: String,
    roi: String,
    payback: String,
    start: Option<String>,
    end: Option<String>,
    verdict: Option<&'static str>,
    verdict_key: Option<&'static str>,
    note: Option<String>,
    next: Vec<Move>,
    next_list: String,
}

#[derive(Debug, Serialize)]
struct TeamView {
    name: String,
    cards: Vec<CardView>,
}

#[derive(Debug, Serialize)]
struct ColumnView {
    status: &'static str,
    label: &'static str,
    count: u32,
    teams: Vec<TeamView>,
}

#[derive(Debug, Serialize)]
struct MeasuredView {
    name: String,
    team: String,
    status: &'static str,
    kpi: &'static str,
    planned: String,
    actual: String,
    effect: String,
    verdict: &'static str,
    verdict_key: &'static str,
    statements: Vec<String>,
}

#[derive(Debug, Serialize)]
struct TrendView {
    as_of: String,
    customers: String,
    ltv: String,
    ratio: String,
    churn: String,
}

fn change_of(kpi: ltv_store::Kpi, v: Decimal) -> String {
    ltv_store::show_change(kpi, v)
}

fn measured_view(lang: Lang, m: &Measurement) -> MeasuredView {
    MeasuredView {
        name: m.initiative.clone(),
        team: m.team.to_string(),
        status: status_label(lang, m.status),
        kpi: m.kpi.as_str(),
        planned: dash(m.planned_change.map(|v| change_of(m.kpi, v))),
        actual: dash(m.actual_change.map(|v| change_of(m.kpi, v))),
        effect: dash(m.effect.map(|v| change_of(m.kpi, v))),
        verdict: verdict_label(lang, m.verdict),
        verdict_key: verdict_key(m.verdict),
        statements: match lang {
            Lang::Ja => m.statements_ja.clone(),
            Lang::En => m.statements.clone(),
        },
    }
}

fn baseline_note(lang: Lang, b: &BaselineSource) -> String {
    match b {
        BaselineSource::Snapshot { as_of, source, .. } => match lang {
            Lang::Ja => format!(
                "モデルの数値（LTV 変化・ROI）は {source} の {as_of} 時点のスナップショットに基づきます。"
            ),
            Lang::En => format!(
                "Model numbers (LTV change, ROI) are on the snapshot of {source} as of {as_of}."
            ),
        },
        BaselineSource::Imported => t(
            lang,
            "Model numbers (LTV change, ROI) are on the baseline of the imported plan file; take a snapshot of your data to measure it.",
            "モデルの数値（LTV 変化・ROI）はインポートした施策ファイルのベースラインに基づきます。データのスナップショットを取ると実測値になります。",
        )
        .to_owned(),
        BaselineSource::None => t(
            lang,
            "No snapshot yet: model impact and ROI appear once an orders file is measured (the snapshot form below, POST /v1/snapshots or `ltv backlog snapshot`).",
            "スナップショットがまだありません。注文データを測定すると（下のスナップショット、POST /v1/snapshots、`ltv backlog snapshot`）、モデルの LTV 変化と ROI が表示されます。",
        )
        .to_owned(),
    }
}

/// The board's view: every number formatted, every label in `lang`.
fn view(lang: Lang, board: &Board) -> Value {
    let columns: Vec<ColumnView> = board
        .columns
        .iter()
        .map(|col| ColumnView {
            status: col.status.as_str(),
            label: status_label(lang, col.status),
            count: col.count,
            teams: col
                .teams
                .iter()
                .map(|team| TeamView {
                    name: team.team.to_string(),
                    cards: team
                        .cards
                        .iter()
                        .map(|c| {
                            let next: Vec<Move> = col
                                .status
                                .next()
                                .iter()
                                .map(|s| Move {
                                    status: s.as_str(),
                                    label: status_label(lang, *s),
                                })
                                .collect();
                            CardView {
                                id: c.id,
                                name: c.name.clone(),
                                team: c.team.to_string(),
                                driver: c
                                    .driver
                                    .parse::<Driver>()
                                    .map(|d| match lang {
                                        Lang::Ja => d.label_ja().to_owned(),
                                        Lang::En => d.label().to_owned(),
                                    })
                                    .unwrap_or_else(|_| c.driver.clone()),
                                change: c.change.clone(),
                                etag: format!("\"{}-{}\"", c.id, c.version),
                                score: dash(c.score.map(score)),
                                impact: dash(c.model_ltv_change_pct.map(signed_pct)),
                                roi: dash(c.roi.map(percent)),
                                payback: dash(c.payback_month.map(|m| match lang {
                                    Lang::Ja => format!("{m} か月"),
                                    Lang::En => format!("month {m}"),
                                })),
                                start: c.start_date.map(|d| d.to_string()),
                                end: c.end_date.map(|d| d.to_string()),
                                verdict: c.verdict.map(|v| verdict_label(lang, v)),
                                verdict_key: c.verdict.map(verdict_key),
                                note: c.note.clone(),
                                next_list: next
                                    .iter()
                                    .map(|m| m.status)
                                    .collect::<Vec<_>>()
                                    .join(","),
                                next,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let measured: Vec<MeasuredView> = board
        .measured
        .iter()
        .map(|m| measured_view(lang, m))
        .collect();
    let trend: Vec<TrendView> = board
        .trend
        .iter()
        .map(|p| TrendView {
            as_of: p.as_of.to_string(),
            customers: group(Decimal::from(p.customers), 0),
            ltv: group(p.ltv, 2),
            ratio: dash(p.ltv_cac_ratio.map(|r| group(r, 2))),
            churn: percent(p.monthly_churn),
        })
        .collect();
    context! {
        columns => columns,
        measured => measured,
        trend => trend,
        baseline_note => baseline_note(lang, &board.baseline_source),
        t => labels(lang),
    }
}

fn labels(lang: Lang) -> Value {
    context! {
        title => t(lang, "Initiative backlog", "施策バックログ"),
        lead => t(lang, "One backlog for marketing, sales, CS, product and finance: rate ideas, approve and run them, and see whether they worked. Ranked exactly as `ltv plan` ranks, on the latest measured snapshot.", "マーケティング・営業・CS・プロダクト・財務で共有する施策バックログ。アイデアを評価し、承認・実行し、効果を測定します。順位は最新スナップショットに基づき `ltv plan` と同じ方法で付けます。"),
        token => t(lang, "Access token", "アクセストークン"),
        token_hint => t(lang, "Kept in this browser tab only (sessionStorage) and sent as a bearer header; never in the URL.", "このタブ内（sessionStorage）にのみ保存し、Bearer ヘッダーで送信します。URL には含めません。"),
        sign_in => t(lang, "Sign in", "サインイン"),
        sign_out => t(lang, "Sign out", "サインアウト"),
        signed_in_as => t(lang, "Signed in as", "サインイン中:"),
        read_only => t(lang, "Sign in with an editor token to add, rate and move initiatives.", "施策の追加・評価・移動には editor 以上のトークンでサインインしてください。"),
        needs_token => t(lang, "This server requires a token to read the backlog: sign in above.", "このサーバーではバックログの閲覧にトークンが必要です。上でサインインしてください。"),
        add => t(lang, "Add an initiative", "施策を追加"),
        name => t(lang, "Name", "施策名"),
        team => t(lang, "Team", "チーム"),
        driver => t(lang, "Driver", "ドライバー"),
        change => t(lang, "Change (-1pt, +5%, =0.04, or low/likely/high)", "変化量（-1pt、+5%、=0.04、または 低/中/高）"),
        hypothesis => t(lang, "Hypothesis", "仮説"),
        one_off_cost => t(lang, "One-off cost", "初期費用"),
        yearly_cost => t(lang, "Yearly cost", "年間費用"),
        ramp_months => t(lang, "Ramp-up months", "立ち上がり月数"),
        add_button => t(lang, "Add", "追加"),
        rate => t(lang, "Rate", "評価する"),
        rater => t(lang, "Rater", "評価者"),
        impact => t(lang, "Impact (1–10)", "インパクト（1〜10）"),
        confidence => t(lang, "Confidence (1–10)", "確信度（1〜10）"),
        ease => t(lang, "Ease (1–10)", "容易さ（1〜10）"),
        save => t(lang, "Save rating", "評価を保存"),
        move_to => t(lang, "Move to", "移動:"),
        drag_hint => t(lang, "Drag a card to another column, or use its buttons.", "カードを別の列へドラッグするか、ボタンで移動します。"),
        score => t(lang, "ICE score", "ICE スコア"),
        ltv => t(lang, "LTV change (model)", "LTV 変化（モデル）"),
        roi => t(lang, "ROI", "ROI"),
        payback => t(lang, "Payback", "回収"),
        started => t(lang, "started", "開始"),
        ended => t(lang, "ended", "終了"),
        empty => t(lang, "No initiatives.", "施策はありません。"),
        measured => t(lang, "Measured after launch", "実行後の効果測定"),
        measured_empty => t(lang, "No running or done initiative can be measured yet.", "測定できる実行中・完了の施策はまだありません。"),
        initiative => t(lang, "Initiative", "施策"),
        status => t(lang, "Status", "ステータス"),
        kpi => t(lang, "KPI", "KPI"),
        planned => t(lang, "Planned", "計画"),
        actual => t(lang, "Actual", "実績"),
        effect => t(lang, "Effect", "効果"),
        verdict => t(lang, "Verdict", "判定"),
        trend => t(lang, "KPI trend (snapshots)", "KPI の推移（スナップショット）"),
        as_of => t(lang, "As of", "基準日"),
        customers => t(lang, "Customers", "顧客数"),
        ltv_short => t(lang, "LTV", "LTV"),
        ratio => t(lang, "LTV/CAC", "LTV/CAC"),
        churn => t(lang, "Monthly churn", "月次解約率"),
        snapshot => t(lang, "Take a snapshot", "スナップショットを取る"),
        snapshot_hint => t(lang, "Measure an orders CSV (customer_id, order_date, amount, optional channel): the KPIs the backlog ranks and measures on.", "注文 CSV（customer_id, order_date, amount, 任意で channel）を測定します。バックログの順位付けと効果測定の基準になります。"),
        orders => t(lang, "Orders CSV", "注文 CSV"),
        cac_file => t(lang, "Acquisition spend CSV (optional)", "獲得費用 CSV（任意）"),
        margin => t(lang, "Gross margin (0 to 1)", "粗利率（0〜1）"),
        snapshot_button => t(lang, "Measure and store", "測定して保存"),
        not_enabled => t(lang, "The backlog is not enabled on this server: start it with --db URL.", "このサーバーではバックログが有効ではありません。--db URL を付けて起動してください。"),
        msg_saved => t(lang, "Saved.", "保存しました。"),
        msg_stale => t(lang, "Someone changed this initiative meanwhile: the board is refreshed, try again.", "他の人がこの施策を更新しました。ボードを更新したので、もう一度操作してください。"),
        msg_illegal => t(lang, "This move is not allowed from its status.", "この移動は現在のステータスからはできません。"),
        msg_signin_failed => t(lang, "This token is unknown or revoked.", "このトークンは無効か、失効しています。"),
        msg_error => t(lang, "Error:", "エラー:"),
    }
}

fn env() -> Result<Environment<'static>, ApiError> {
    let mut env = Environment::new();
    for (name, source) in [("board.html", PAGE), ("board_cards.html", CARDS)] {
        env.add_template(name, source).map_err(|e| {
            tracing::error!(error = %e, "board template");
            ApiError::Internal
        })?;
    }
    Ok(env)
}

fn render(name: &str, ctx: Value) -> Result<String, ApiError> {
    env()?
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| {
            tracing::error!(error = %e, "rendering the board");
            ApiError::Internal
        })
}

fn drivers(lang: Lang) -> Vec<(&'static str, &'static str)> {
    Driver::ALL
        .iter()
        .map(|d| {
            (
                d.as_str(),
                match lang {
                    Lang::Ja => d.label_ja(),
                    Lang::En => d.label(),
                },
            )
        })
        .collect()
}

/// `GET /backlog`: the page. With open reads it shows the board at once; under
/// `--require-auth` it asks for a token and then fetches the board with it.
pub async fn page(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Response, ApiError> {
    let lang = lang_of(&q)?;
    let code = match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    let enabled = state.store().is_some();
    let open = enabled && !state.auth().require_auth;
    let board = match (open, state.store()) {
        (true, Some(store)) => Some(render(
            "board_cards.html",
            view(lang, &store.board(&PlanOptions::default()).await?),
        )?),
        _ => None,
    };
    let html = render(
        "board.html",
        context! {
            lang => code,
            t => labels(lang),
            enabled => enabled,
            board => board,
            drivers => drivers(lang),
            teams => ["marketing", "sales", "cs", "product", "finance", "executive"],
        },
    )?;
    let status = if enabled {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(BOARD_POLICY),
    );
    Ok(response)
}

/// `GET /backlog/board`: the board alone, for the page's script (with the token under
/// `--require-auth`).
pub async fn cards(
    State(state): State<AppState>,
    _: Reader,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Response, ApiError> {
    let lang = lang_of(&q)?;
    let board = store(&state)?.board(&PlanOptions::default()).await?;
    let mut response = Html(render("board_cards.html", view(lang, &board))?).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(BOARD_POLICY),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// `GET /assets/board.js`.
pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /assets/board.css`.
pub async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}
