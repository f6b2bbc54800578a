//! Flags of `ltv backlog`: the shared initiative backlog in a database.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use ltv_core::Decimal;

use super::{dec, FormatArg, LangArg, MeasureArgs, ModeArg, TableFormatArg, TransactionArgs};

/// `ltv backlog`: the database flags and the subcommand.
#[derive(Debug, Args)]
pub struct BacklogArgs {
    /// Database: `sqlite://FILE` (or a file path) or `postgres://USER@HOST/DB`
    /// [default: $LTV_DATABASE_URL, else sqlite://ltv.db].
    #[arg(long, global = true, value_name = "URL")]
    pub db: Option<String>,
    /// Who makes the change, for the audit log [default: $USER].
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub actor: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: BacklogCommand,
}

/// The backlog's subcommands.
#[derive(Debug, Subcommand)]
pub enum BacklogCommand {
    /// Create the database (a SQLite file) and apply the schema migrations.
    #[command(
        after_help = "Examples:\n  ltv backlog init\n  ltv backlog --db postgres://ltv@db.internal/ltv init"
    )]
    Init,
    /// Import an `ltv plan` file (TOML, JSON or CSV): new initiatives are added as
    /// ideas, changed ones updated, each rater's scores recorded; re-importing changes
    /// nothing.
    #[command(
        after_help = "Examples:\n  ltv backlog import examples/initiatives.toml\n  ltv backlog import initiatives.csv --baseline examples/initiatives.toml"
    )]
    Import(ImportArgs),
    /// Add an initiative (status idea).
    #[command(
        after_help = "Example:\n  ltv backlog add --name \"Onboarding calls\" --team cs --driver churn --change -1pt \\\n      --yearly-cost 1200000 --ramp-months 2 --target channel:search \\\n      --hypothesis \"a call in week 1 keeps customers\""
    )]
    Add(AddArgs),
    /// Rate an initiative: ICE (--impact, --confidence, --ease) or RICE (--reach,
    /// --rice-impact, --rice-confidence, --effort). Every rating is kept; each rater's
    /// latest counts.
    #[command(
        after_help = "Examples:\n  ltv backlog rate \"Onboarding calls\" --rater ken --impact 8 --confidence 6 --ease 7\n  ltv backlog rate \"Onboarding calls\" --rater mio --impact 6/8/9 --confidence 5 --ease 7\n  ltv backlog rate \"Onboarding calls\" --rater ken --reach 300 --rice-impact 2 --rice-confidence 0.8 --effort 4"
    )]
    Rate(RateArgs),
    /// Move an initiative along idea → approved → running → done | dropped.
    #[command(
        after_help = "Examples:\n  ltv backlog move \"Onboarding calls\" --to approved\n  ltv backlog move \"Onboarding calls\" --to running --date 2024-04-01"
    )]
    Move(MoveArgs),
    /// The backlog ranked exactly as `ltv plan` ranks, with model impact and ROI on the
    /// latest snapshot.
    #[command(
        after_help = "Examples:\n  ltv backlog list\n  ltv backlog list --status all --team marketing --format csv"
    )]
    List(ListArgs),
    /// Measure a data file's drivers, LTV and LTV/CAC (overall and per channel) as of a
    /// date and store them as a snapshot.
    #[command(
        after_help = "Examples:\n  ltv backlog snapshot orders.csv --margin 0.4 --cac spend.csv\n  ltv backlog snapshot orders.csv --as-of 2024-03-31 --margin 0.4"
    )]
    Snapshot(SnapshotArgs),
    /// Measure a running or done initiative: planned vs actual change of its driver,
    /// difference in differences for a target channel, LTV and ROI so far.
    #[command(after_help = "Example:\n  ltv backlog measure \"Onboarding calls\" --lang ja")]
    Measure(BacklogMeasureArgs),
    /// Each rater's Confidence against what their done initiatives delivered.
    #[command(after_help = "Example:\n  ltv backlog calibration --format json")]
    Calibration(CalibrationArgs),
    /// The board by status and team, the KPI trend and the measured initiatives.
    #[command(after_help = "Example:\n  ltv backlog board --format json")]
    Board(BoardArgs),
    /// Every rating and change of an initiative: who, when, what, before → after.
    #[command(after_help = "Example:\n  ltv backlog history \"Onboarding calls\"")]
    History(HistoryArgs),
    /// Everything in the database as one JSON document.
    #[command(after_help = "Example:\n  ltv backlog export --format json > backlog.json")]
    Export(ExportArgs),
}

/// `ltv backlog import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Initiatives file: .toml, .json or .csv.
    pub file: PathBuf,
    /// For a CSV of initiatives: the TOML/JSON file with the baseline(s).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv backlog add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Unique name.
    #[arg(long)]
    pub name: String,
    /// Owning team: marketing, sales, cs, product, finance, or any name.
    #[arg(long)]
    pub team: String,
    /// The driver it moves: churn, arpu, aov, price, frequency, lifespan, margin, cac,
    /// new_customers.
    #[arg(long)]
    pub driver: String,
    /// How much: -1pt, +5%, -0.01, =0.04, or a range low/likely/high such as
    /// -0.3pt/-0.5pt/-1pt.
    #[arg(long, allow_hyphen_values = true)]
    pub change: String,
    /// Why it should work.
    #[arg(long, default_value = "")]
    pub hypothesis: String,
    /// The customers it acts on: channel:NAME or segment:NAME [default: all].
    #[arg(long, value_name = "channel:NAME|segment:NAME")]
    pub target: Option<String>,
    /// One-off cost (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub one_off_cost: Decimal,
    /// Running cost per year (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub yearly_cost: Decimal,
    /// Months until the full effect.
    #[arg(long, default_value_t = 0)]
    pub ramp_months: u32,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv backlog rate`.
#[derive(Debug, Args)]
pub struct RateArgs {
    /// The initiative's name.
    pub name: String,
    /// Whose judgement this is.
    #[arg(long)]
    pub rater: String,
    /// ICE Impact, 1–10 (or low/likely/high).
    #[arg(long, requires_all = ["confidence", "ease"], conflicts_with_all = ["reach", "rice_impact", "rice_confidence", "effort"])]
    pub impact: Option<String>,
    /// ICE Confidence, 1–10.
    #[arg(long, requires_all = ["impact", "ease"])]
    pub confidence: Option<String>,
    /// ICE Ease, 1–10.
    #[arg(long, requires_all = ["impact", "confidence"])]
    pub ease: Option<String>,
    /// RICE: customers reached per quarter (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, requires_all = ["rice_impact", "rice_confidence", "effort"])]
    pub reach: Option<Decimal>,
    /// RICE impact: 3, 2, 1, 0.5 or 0.25.
    #[arg(long, allow_negative_numbers = true, value_parser = dec, requires = "reach")]
    pub rice_impact: Option<Decimal>,
    /// RICE confidence in (0, 1].
    #[arg(long, allow_negative_numbers = true, value_parser = dec, requires = "reach")]
    pub rice_confidence: Option<Decimal>,
    /// RICE effort in person-months (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, requires = "reach")]
    pub effort: Option<Decimal>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// A status on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// Proposed.
    Idea,
    /// Approved to run.
    Approved,
    /// Running (sets the start date).
    Running,
    /// Finished (sets the end date).
    Done,
    /// Stopped or rejected (sets the end date).
    Dropped,
}

/// `ltv backlog move`.
#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The initiative's name.
    pub name: String,
    /// The new status.
    #[arg(long, value_enum)]
    pub to: StatusArg,
    /// The start (running) or end (done, dropped) date, YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Which statuses `list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilterArg {
    /// Idea, approved and running.
    Open,
    /// Every status.
    All,
    /// Proposed.
    Idea,
    /// Approved.
    Approved,
    /// Running.
    Running,
    /// Done.
    Done,
    /// Dropped.
    Dropped,
}

/// `ltv backlog list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Statuses to show (repeat or comma-separate).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "open")]
    pub status: Vec<StatusFilterArg>,
    /// Only this team.
    #[arg(long)]
    pub team: Option<String>,
    /// Scoring mode.
    #[arg(long, value_enum, default_value_t = ModeArg::Ice)]
    pub mode: ModeArg,
    /// Months of the ROI cases (1–600).
    #[arg(long, default_value_t = 36)]
    pub horizon_months: u32,
    /// Annual discount rate for the NPV (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0.10")]
    pub discount_rate: Decimal,
    #[command(flatten)]
    pub format: TableFormatArg,
}

/// `ltv backlog snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    #[command(flatten)]
    pub measure: MeasureArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv backlog measure`.
#[derive(Debug, Args)]
pub struct BacklogMeasureArgs {
    /// The initiative's name.
    pub name: String,
    /// Language of the statements.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv backlog calibration`.
#[derive(Debug, Args)]
pub struct CalibrationArgs {
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv backlog board`.
#[derive(Debug, Args)]
pub struct BoardArgs {
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv backlog history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The initiative's name.
    pub name: String,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON document, decimals as strings.
    Json,
}

/// `ltv backlog export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}
