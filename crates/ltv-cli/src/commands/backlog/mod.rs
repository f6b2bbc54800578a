//! `ltv backlog`: each subcommand maps its flags to one `ltv_store` call and renders
//! the result; the store owns every rule (lifecycle, ranges, ranking, measurement).

mod render;

use std::io::Write;

use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use ltv_planner::{PlanOptions, ScoreMode, Team};
use ltv_store::{
    Filter, InitiativeKey, MeasureOptions, NewInitiative, Scores, SnapshotKpis, Status, Store,
    StoreError, Target,
};

use crate::args::{
    BacklogArgs, BacklogCommand, ExportFormat, Format, LangArg, ModeArg, StatusArg, StatusFilterArg,
};
use crate::commands::{baseline, load, plan_file};
use crate::output;

/// The environment variable naming the database when `--db` is not given.
pub const DATABASE_ENV: &str = "LTV_DATABASE_URL";

/// Runs `ltv backlog …`.
pub fn run(args: BacklogArgs, out: &mut dyn Write) -> Result<()> {
    let url = args
        .db
        .clone()
        .or_else(|| {
            std::env::var(DATABASE_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| ltv_store::DEFAULT_URL.to_owned());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let result = dispatch(&url, args, out).await;
        result.map_err(|e| match e.downcast::<StoreError>() {
            Ok(store) => store_error(store),
            Err(other) => other,
        })
    })
}

/// The board of the backlog at `url` (for `ltv report --db`).
pub fn board(url: &str, lang: ltv_core::Lang) -> Result<ltv_store::Board> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let result = async {
            let store = Store::open(url).await?;
            let board = store
                .board(&ltv_planner::PlanOptions {
                    lang,
                    ..ltv_planner::PlanOptions::default()
                })
                .await;
            store.close().await;
            board
        }
        .await;
        result.map_err(store_error)
    })
}

/// The store's error with the command that fixes it, where there is one.
fn store_error(err: StoreError) -> anyhow::Error {
    match err {
        StoreError::Missing { .. }
        | StoreError::NotInitialised { .. }
        | StoreError::SchemaTooOld { .. } => anyhow!("{err} (`ltv backlog init`)"),
        StoreError::Connect { ref reason, .. } if reason.contains("without TLS support") => {
            anyhow!("{err} (this ltv was built without the `tls` feature: see docs/backlog.md)")
        }
        other => anyhow::Error::new(other),
    }
}

/// `--as`, else `$USER` / `$USERNAME`.
fn actor(args: &BacklogArgs) -> Result<String> {
    args.actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| anyhow!("no name for the audit log: pass --as NAME (or set USER)"))
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn date(raw: Option<&str>) -> Result<NaiveDate> {
    match raw {
        None => Ok(today()),
        Some(r) => r
            .trim()
            .parse::<NaiveDate>()
            .map_err(|_| anyhow!("invalid value for --date: must be a date YYYY-MM-DD, got {r}")),
    }
}

fn status(s: StatusArg) -> Status {
    match s {
        StatusArg::Idea => Status::Idea,
        StatusArg::Approved => Status::Approved,
        StatusArg::Running => Status::Running,
        StatusArg::Done => Status::Done,
        StatusArg::Dropped => Status::Dropped,
    }
}

fn mode(m: ModeArg) -> ScoreMode {
    match m {
        ModeArg::Ice => ScoreMode::Ice,
        ModeArg::IceMean => ScoreMode::IceMean,
        ModeArg::Rice => ScoreMode::Rice,
    }
}

fn statuses(filters: &[StatusFilterArg]) -> Vec<Status> {
    let mut out = Vec::new();
    for f in filters {
        let add: &[Status] = match f {
            StatusFilterArg::All => &Status::ALL,
            StatusFilterArg::Open => &[Status::Idea, Status::Approved, Status::Running],
            StatusFilterArg::Idea => &[Status::Idea],
            StatusFilterArg::Approved => &[Status::Approved],
            StatusFilterArg::Running => &[Status::Running],
            StatusFilterArg::Done => &[Status::Done],
            StatusFilterArg::Dropped => &[Status::Dropped],
        };
        for s in add {
            if !out.contains(s) {
                out.push(*s);
            }
        }
    }
    out
}

async fn dispatch(url: &str, args: BacklogArgs, out: &mut dyn Write) -> Result<()> {
    let command = &args.command;
    if let BacklogCommand::Init = command {
        let who = actor(&args)?;
        let (store, m) = Store::init(url, &who).await?;
        let text = if m.from == m.to {
            format!(
                "{} is up to date (schema version {})\n",
                store.shown_url(),
                m.to
            )
        } else {
            format!(
                "{}: schema version {} → {}\n",
                store.shown_url(),
                m.from,
                m.to
            )
        };
        store.close().await;
        return output::write(out, &text);
    }
    let store = Store::open(url).await?;
    let result = command_on(&store, &args, out).await;
    store.close().await;
    result
}

async fn command_on(store: &Store, args: &BacklogArgs, out: &mut dyn Write) -> Result<()> {
    let text = match &args.command {
        BacklogCommand::Init => String::new(),
        BacklogCommand::Import(a) => {
            let who = actor(args)?;
            let file = plan_file::load(&a.file, a.baseline.as_deref())?;
            let report = store
                .import(&file, &who)
                .await
                .map_err(|e| anyhow!("{}: {e}", a.file.display()))?;
            match a.format.format {
                Format::Json => output::json(&report)?,
                Format::Text => render::import(&report),
            }
        }
        BacklogCommand::Add(a) => {
            let who = actor(args)?;
            let mut new = NewInitiative::new(&a.name, &a.team, &a.driver, &a.change)?;
            new.hypothesis.clone_from(&a.hypothesis);
            new.target = a.target.as_deref().map(Target::parse).transpose()?;
            new.one_off_cost = a.one_off_cost;
            new.yearly_cost = a.yearly_cost;
            new.ramp_months = a.ramp_months;
            let added = store.add(new, &who).await?;
            match a.format.format {
                Format::Json => output::json(&added)?,
                Format::Text => format!(
                    "added #{} \"{}\" ({}, {} {}, version {})\n",
                    added.id,
                    added.name(),
                    added.status,
                    added.fields.driver,
                    added.fields.change,
                    added.version
                ),
            }
        }
        BacklogCommand::Rate(a) => {
            let who = actor(args)?;
            let scores = match (&a.impact, &a.confidence, &a.ease, a.reach) {
                (Some(i), Some(c), Some(e), None) => Scores::ice(&a.name, i, c, e)?,
                (None, None, None, Some(reach)) => Scores::Rice {
                    reach,
                    impact: a.rice_impact.unwrap_or_default(),
                    confidence: a.rice_confidence.unwrap_or_default(),
                    effort: a.effort.unwrap_or_default(),
                },
                _ => {
                    return Err(anyhow!(
                        "give ICE scores (--impact, --confidence, --ease) or RICE inputs (--reach, --rice-impact, --rice-confidence, --effort)"
                    ))
                }
            };
            let key = InitiativeKey::name(a.name.clone());
            let rated = store.rate(&key, &a.rater, &scores, None, &who).await?;
            match a.format.format {
                Format::Json => output::json(&rated)?,
                Format::Text => format!(
                    "rated \"{}\" by {} ({}); {} rater(s), version {}\n",
                    rated.name(),
                    a.rater.trim(),
                    render::scores(&scores),
                    rated.ratings.len(),
                    rated.version
                ),
            }
        }
        BacklogCommand::Move(a) => {
            let who = actor(args)?;
            let when = date(a.date.as_deref())?;
            let key = InitiativeKey::name(a.name.clone());
            let moved = store.move_to(&key, status(a.to), when, None, &who).await?;
            match a.format.format {
                Format::Json => output::json(&moved)?,
                Format::Text => format!(
                    "moved \"{}\" to {} on {when} (version {})\n",
                    moved.name(),
                    moved.status,
                    moved.version
                ),
            }
        }
        BacklogCommand::List(a) => {
            let filter = Filter {
                statuses: statuses(&a.status),
                team: a.team.as_deref().map(Team::parse),
            };
            let options = PlanOptions {
                mode: mode(a.mode),
                horizon_months: a.horizon_months,
                discount_rate: a.discount_rate,
                lang: ltv_planner::Lang::En,
            };
            let backlog = store.backlog(&filter, &options).await?;
            render::list(&backlog, a.format.format)?
        }
        BacklogCommand::Snapshot(a) => {
            let who = actor(args)?;
            let tx = load::transactions(&a.input)?;
            let options = a
                .measure
                .basis
                .options(a.measure.margin, a.measure.currency.as_deref());
            let measured = baseline::measured(&tx, a.measure.cac.as_deref(), &options, true)?;
            let kpis = SnapshotKpis::from(&measured);
            let snapshot = store.add_snapshot(&kpis, &who).await?;
            match a.format.format {
                Format::Json => output::json(&snapshot)?,
                Format::Text => render::snapshot(&snapshot),
            }
        }
        BacklogCommand::Measure(a) => {
            let m = store
                .measure(
                    &InitiativeKey::name(a.name.clone()),
                    &MeasureOptions::default(),
                )
                .await?;
            match a.format.format {
                Format::Json => output::json(&m)?,
                Format::Text => render::measurement(&m, a.lang == LangArg::Ja),
            }
        }
        BacklogCommand::Calibration(a) => {
            let c = store.calibration(&MeasureOptions::default()).await?;
            match a.format.format {
                Format::Json => output::json(&c)?,
                Format::Text => render::calibration(&c),
            }
        }
        BacklogCommand::Board(a) => {
            let board = store.board(&PlanOptions::default()).await?;
            match a.format.format {
                Format::Json => output::json(&board)?,
                Format::Text => render::board(&board),
            }
        }
        BacklogCommand::History(a) => {
            let h = store.history(&InitiativeKey::name(a.name.clone())).await?;
            match a.format.format {
                Format::Json => output::json(&h)?,
                Format::Text => render::history(&h),
            }
        }
        BacklogCommand::Export(a) => match a.format {
            ExportFormat::Json => output::json(&store.export().await?)?,
        },
    };
    output::write(out, &text)
}
