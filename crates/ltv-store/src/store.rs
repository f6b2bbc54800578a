//! [`Store`]: the one repository interface, over SQLite or PostgreSQL.
//!
//! Both back ends run the same SQL through sqlx's `Any` driver (placeholders `$1…`,
//! decimals as exact text, dates and times as ISO text); only the migrations and the
//! writer lock differ. Every change runs in one transaction that first takes the
//! writer lock (SQLite `BEGIN IMMEDIATE`, PostgreSQL a transaction-scoped advisory
//! lock), reads the current state, checks it, writes the change and its audit entry,
//! and commits: concurrent writers queue instead of overwriting each other, and a
//! process killed half-way leaves nothing behind.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use ltv_planner::{Baseline, PlanFile, Team};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Row, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::audit::AuditEntry;
use crate::database_url::{Backend, DatabaseUrl};
use crate::error::{db, is_unique_violation, Result, StoreError};
use crate::initiative::{Initiative, InitiativeKey, InitiativePatch, NewInitiative, Target};
use crate::rating::{Rating, Scores};
use crate::schema::{self, Migrated, SCHEMA_VERSION};
use crate::snapshot::{Snapshot, SnapshotKpis};
use crate::status::Status;

/// The advisory-lock key of the writer lock on PostgreSQL ("ltv" in ASCII).
pub(crate) const PG_WRITER_LOCK: i64 = 0x006c_7476;

/// How long a writer waits for the lock (SQLite's busy timeout).
const BUSY_TIMEOUT_MS: u32 = 60_000;

/// Connection settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// Connections in the pool (the CLI needs 1; a server more).
    pub max_connections: u32,
    /// How long to wait for a connection before giving up.
    pub connect_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 2,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// The backlog database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    url: DatabaseUrl,
    /// One writer at a time per process: writers serialise on the database's lock
    /// anyway, and one waiting here holds no pooled connection, so readers keep theirs
    /// under a burst of writes.
    writers: Arc<Semaphore>,
}

/// A write transaction holding the database's writer lock and this process's writer
/// slot until it commits or is dropped (rolled back).
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    _slot: OwnedSemaphorePermit,
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl WriteTx {
    /// Commits the change.
    pub(crate) async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Which initiatives to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these statuses (all when empty).
    pub statuses: Vec<Status>,
    /// Only this team.
    pub team: Option<Team>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Initiatives created.
    pub created: Vec<String>,
    /// Initiatives whose fields changed.
    pub updated: Vec<String>,
    /// Initiatives already as in the file.
    pub unchanged: Vec<String>,
    /// Ratings added (new or changed scores of a rater).
    pub ratings_added: u32,
    /// Baselines created or changed (`baseline` or a named one).
    pub baselines_changed: Vec<String>,
}

/// An initiative with every rating and every change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    /// The initiative now.
    pub initiative: Initiative,
    /// Every rating, oldest first.
    pub ratings: Vec<Rating>,
    /// Every change, oldest first.
    pub changes: Vec<AuditEntry>,
}

/// Everything in the database, for `export`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Export {
    /// The schema version.
    pub schema_version: i64,
    /// Every initiative (latest rating per rater), by id.
    pub initiatives: Vec<Initiative>,
    /// Every rating, oldest first.
    pub ratings: Vec<ExportedRating>,
    /// Every snapshot, by as-of date.
    pub snapshots: Vec<Snapshot>,
    /// Imported baselines by name.
    pub baselines: BTreeMap<String, Baseline>,
    /// The whole audit log, oldest first.
    pub audit_log: Vec<AuditEntry>,
}

/// A rating with its initiative's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedRating {
    /// The initiative.
    pub initiative_id: i64,
    /// The rating.
    #[serde(flatten)]
    pub rating: Rating,
}

const INITIATIVE_COLUMNS: &str = "id, name, team, hypothesis, driver, change, target_kind, \
    target_name, one_off_cost, yearly_cost, ramp_months, baseline, status, start_date, end_date, \
    created_at, updated_at, version";

const RATING_COLUMNS: &str = "id, initiative_id, rater, method, scores, rated_at, recorded_by";

const AUDIT_COLUMNS: &str = "id, changed_at, actor, entity, entity_id, initiative_id, subject, \
    operation, before_json, after_json";

/// The latest ICE and the latest RICE rating of each rater.
const LATEST_RATINGS: &str =
    "id IN (SELECT MAX(id) FROM ratings GROUP BY initiative_id, rater, method)";

pub(crate) fn now() -> DateTime<Utc> {
    // microseconds: what the text column keeps, so a value read back compares equal
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

pub(crate) fn time_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt("value", e))
}

pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| StoreError::corrupt("value", e))
}

pub(crate) struct Cols<'r>(pub(crate) &'r AnyRow);

impl Cols<'_> {
    pub(crate) fn text(&self, col: &str) -> Result<String> {
        self.0.try_get::<String, _>(col).map_err(db)
    }
    pub(crate) fn opt_text(&self, col: &str) -> Result<Option<String>> {
        self.0.try_get::<Option<String>, _>(col).map_err(db)
    }
    pub(crate) fn int(&self, col: &str) -> Result<i64> {
        self.0.try_get::<i64, _>(col).map_err(db)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        self.0.try_get::<Option<i64>, _>(col).map_err(db)
    }
    fn dec(&self, col: &str) -> Result<Decimal> {
        let t = self.text(col)?;
        t.parse().map_err(|e| StoreError::corrupt(col, e))
    }
    fn json<T: DeserializeOwned>(&self, col: &str) -> Result<T> {
        let t = self.text(col)?;
        serde_json::from_str(&t).map_err(|e| StoreError::corrupt(col, e))
    }
    fn opt_json(&self, col: &str) -> Result<Option<serde_json::Value>> {
        self.opt_text(col)?
            .map(|t| serde_json::from_str(&t).map_err(|e| StoreError::corrupt(col, e)))
            .transpose()
    }
    pub(crate) fn time(&self, col: &str) -> Result<DateTime<Utc>> {
        let t = self.text(col)?;
        DateTime::parse_from_rfc3339(&t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| StoreError::corrupt(col, e))
    }
    fn date(&self, col: &str) -> Result<Option<NaiveDate>> {
        self.opt_text(col)?
            .map(|t| t.parse().map_err(|e| StoreError::corrupt(col, e)))
            .transpose()
    }
}

fn initiative_row(row: &AnyRow) -> Result<Initiative> {
    let c = Cols(row);
    let target = match (c.opt_text("target_kind")?, c.opt_text("target_name")?) {
        (Some(kind), Some(name)) => Some(Target::parse(&format!("{kind}:{name}"))?),
        _ => None,
    };
    let status: String = c.text("status")?;
    Ok(Initiative {
        id: c.int("id")?,
        fields: NewInitiative {
            name: c.text("name")?,
            team: Team::parse(&c.text("team")?),
            hypothesis: c.text("hypothesis")?,
            driver: c.text("driver")?,
            change: c.json("change")?,
            target,
            one_off_cost: c.dec("one_off_cost")?,
            yearly_cost: c.dec("yearly_cost")?,
            ramp_months: u32::try_from(c.int("ramp_months")?)
                .map_err(|e| StoreError::corrupt("ramp_months", e))?,
            baseline: c.opt_text("baseline")?,
        },
        status: status
            .parse()
            .map_err(|e: String| StoreError::corrupt("status", e))?,
        start_date: c.date("start_date")?,
        end_date: c.date("end_date")?,
        created_at: c.time("created_at")?,
        updated_at: c.time("updated_at")?,
        version: c.int("version")?,
        ratings: Vec::new(),
    })
}

fn rating_row(row: &AnyRow) -> Result<(i64, Rating)> {
    let c = Cols(row);
    Ok((
        c.int("initiative_id")?,
        Rating {
            id: c.int("id")?,
            rater: c.text("rater")?,
            scores: c.json("scores")?,
            rated_at: c.time("rated_at")?,
            recorded_by: c.text("recorded_by")?,
        },
    ))
}

fn audit_row(row: &AnyRow) -> Result<AuditEntry> {
    let c = Cols(row);
    Ok(AuditEntry {
        id: c.int("id")?,
        changed_at: c.time("changed_at")?,
        actor: c.text("actor")?,
        entity: c.text("entity")?,
        entity_id: c.opt_int("entity_id")?,
        initiative_id: c.opt_int("initiative_id")?,
        subject: c.text("subject")?,
        operation: c.text("operation")?,
        before: c.opt_json("before_json")?,
        after: c.opt_json("after_json")?,
    })
}

fn snapshot_row(row: &AnyRow) -> Result<Snapshot> {
    let c = Cols(row);
    Ok(Snapshot {
        id: c.int("id")?,
        taken_at: c.time("taken_at")?,
        taken_by: c.text("taken_by")?,
        kpis: c.json("document")?,
    })
}

/// The initiative's state as the audit log records it (without ratings).
fn state(i: &Initiative) -> Result<serde_json::Value> {
    let mut v = to_value(i)?;
    if let serde_json::Value::Object(m) = &mut v {
        m.remove("ratings");
    }
    Ok(v)
}

/// One audit entry.
pub(crate) struct Change<'a> {
    pub(crate) actor: &'a str,
    pub(crate) entity: &'static str,
    pub(crate) entity_id: Option<i64>,
    pub(crate) initiative_id: Option<i64>,
    pub(crate) subject: &'a str,
    pub(crate) operation: &'static str,
    pub(crate) before: Option<serde_json::Value>,
    pub(crate) after: Option<serde_json::Value>,
}

pub(crate) async fn record(
    conn: &mut AnyConnection,
    at: &DateTime<Utc>,
    c: Change<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (changed_at, actor, entity, entity_id, initiative_id, subject, \
         operation, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(time_text(at))
    .bind(c.actor)
    .bind(c.entity)
    .bind(c.entity_id)
    .bind(c.initiative_id)
    .bind(c.subject)
    .bind(c.operation)
    .bind(c.before.map(|v| v.to_string()))
    .bind(c.after.map(|v| v.to_string()))
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

async fn find(conn: &mut AnyConnection, key: &InitiativeKey) -> Result<Option<Initiative>> {
    let row = match key {
        InitiativeKey::Id(id) => {
            sqlx::query(&format!(
                "SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE id = $1"
            ))
            .bind(*id)
            .fetch_optional(&mut *conn)
            .await
        }
        InitiativeKey::Name(name) => {
            sqlx::query(&format!(
                "SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE name = $1"
            ))
            .bind(name.trim())
            .fetch_optional(&mut *conn)
            .await
        }
    }
    .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let mut i = initiative_row(&row)?;
    i.ratings = latest_ratings(conn, Some(i.id))
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    Ok(Some(i))
}

async fn get(conn: &mut AnyConnection, key: &InitiativeKey) -> Result<Initiative> {
    find(conn, key)
        .await?
        .ok_or_else(|| StoreError::UnknownInitiative {
            key: key.to_string(),
        })
}

/// The latest ratings (of one initiative, or all), by initiative, rater and method.
async fn latest_ratings(
    conn: &mut AnyConnection,
    initiative: Option<i64>,
) -> Result<Vec<(i64, Rating)>> {
    let rows = match initiative {
        Some(id) => {
            // the latest of this initiative only: an import looks up every initiative
            sqlx::query(&format!(
                "SELECT {RATING_COLUMNS} FROM ratings WHERE initiative_id = $1 AND id IN \
                 (SELECT MAX(id) FROM ratings WHERE initiative_id = $1 GROUP BY rater, method) \
                 ORDER BY rater, method"
            ))
            .bind(id)
            .fetch_all(conn)
            .await
        }
        None => {
            sqlx::query(&format!(
                "SELECT {RATING_COLUMNS} FROM ratings WHERE {LATEST_RATINGS} \
                 ORDER BY initiative_id, rater, method"
            ))
            .fetch_all(conn)
            .await
        }
    }
    .map_err(db)?;
    rows.iter().map(rating_row).collect()
}

fn check_version(i: &Initiative, expected: Option<i64>) -> Result<()> {
    match expected {
        Some(v) if v != i.version => Err(StoreError::VersionMismatch {
            name: i.name().to_owned(),
            expected: v,
            actual: i.version,
        }),
        _ => Ok(()),
    }
}

async fn insert_initiative(
    conn: &mut AnyConnection,
    f: &NewInitiative,
    at: &DateTime<Utc>,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO initiatives (name, team, hypothesis, driver, change, target_kind, target_name, \
         one_off_cost, yearly_cost, ramp_months, baseline, status, start_date, end_date, \
         created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'idea', NULL, NULL, $12, $12, 1) \
         RETURNING id",
    )
    .bind(&f.name)
    .bind(f.team.as_str())
    .bind(&f.hypothesis)
    .bind(&f.driver)
    .bind(to_json(&f.change)?)
    .bind(f.target.as_ref().map(|t| target_kind(t).to_owned()))
    .bind(f.target.as_ref().map(|t| t.name.clone()))
    .bind(f.one_off_cost.to_string())
    .bind(f.yearly_cost.to_string())
    .bind(i64::from(f.ramp_months))
    .bind(f.baseline.clone())
    .bind(time_text(at))
    .fetch_one(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Duplicate {
                name: f.name.clone(),
            }
        } else {
            db(e)
        }
    })?;
    Cols(&row).int("id")
}

fn target_kind(t: &Target) -> &'static str {
    match t.kind {
        crate::initiative::TargetKind::Channel => "channel",
        crate::initiative::TargetKind::Segment => "segment",
    }
}

async fn update_fields(
    conn: &mut AnyConnection,
    id: i64,
    f: &NewInitiative,
    at: &DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE initiatives SET name = $1, team = $2, hypothesis = $3, driver = $4, change = $5, \
         target_kind = $6, target_name = $7, one_off_cost = $8, yearly_cost = $9, \
         ramp_months = $10, baseline = $11, updated_at = $12, version = version + 1 WHERE id = $13",
    )
    .bind(&f.name)
    .bind(f.team.as_str())
    .bind(&f.hypothesis)
    .bind(&f.driver)
    .bind(to_json(&f.change)?)
    .bind(f.target.as_ref().map(|t| target_kind(t).to_owned()))
    .bind(f.target.as_ref().map(|t| t.name.clone()))
    .bind(f.one_off_cost.to_string())
    .bind(f.yearly_cost.to_string())
    .bind(i64::from(f.ramp_months))
    .bind(f.baseline.clone())
    .bind(time_text(at))
    .bind(id)
    .execute(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Duplicate {
                name: f.name.clone(),
            }
        } else {
            db(e)
        }
    })?;
    Ok(())
}

async fn bump(conn: &mut AnyConnection, id: i64, at: &DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE initiatives SET updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(time_text(at))
        .bind(id)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

async fn insert_rating(
    conn: &mut AnyConnection,
    initiative_id: i64,
    rater: &str,
    scores: &Scores,
    at: &DateTime<Utc>,
    actor: &str,
) -> Result<Rating> {
    let row = sqlx::query(
        "INSERT INTO ratings (initiative_id, rater, method, scores, rated_at, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(initiative_id)
    .bind(rater)
    .bind(scores.method())
    .bind(to_json(scores)?)
    .bind(time_text(at))
    .bind(actor)
    .fetch_one(conn)
    .await
    .map_err(db)?;
    Ok(Rating {
        id: Cols(&row).int("id")?,
        rater: rater.to_owned(),
        scores: scores.clone(),
        rated_at: *at,
        recorded_by: actor.to_owned(),
    })
}

fn check_rater(initiative: &str, rater: &str) -> Result<String> {
    let r = rater.trim();
    if r.is_empty() || r.chars().count() > 100 {
        return Err(StoreError::invalid(
            Some(initiative),
            "rater",
            format!("\"{r}\""),
            "a name of 1 to 100 characters",
        ));
    }
    Ok(r.to_owned())
}

pub(crate) fn check_actor(actor: &str) -> Result<&str> {
    let a = actor.trim();
    if a.is_empty() {
        return Err(StoreError::invalid(
            None,
            "actor",
            "\"\"",
            "the name of whoever makes the change",
        ));
    }
    Ok(a)
}

/// The rater a plan file's unnamed scores are recorded under.
pub const PLAN_FILE_RATER: &str = "plan file";

/// Whether the SQLite file exists (`Ok(false)`: something else, a directory). Only a
/// `stat`: nothing in this process may open and close the database file besides
/// SQLite, because closing any descriptor of a file drops every POSIX lock this
/// process holds on it, SQLite's included; another process could then checkpoint and
/// delete the WAL under our connections (sqlite.org/howtocorrupt.html, 2.2). Whether
/// the file is a database, SQLite itself tells: "file is not a database" on the first
/// read, before anything is written.
fn sqlite_file_exists(path: &std::path::Path) -> std::io::Result<bool> {
    std::fs::metadata(path).map(|m| m.is_file())
}

impl Store {
    /// Creates the database if needed (a SQLite file) and applies the missing
    /// migrations; refuses a database migrated by a newer ltv.
    ///
    /// # Errors
    /// [`StoreError::Connect`], [`StoreError::NotADatabase`],
    /// [`StoreError::SchemaTooNew`], database errors.
    pub async fn init(url: &str, actor: &str) -> Result<(Store, Migrated)> {
        let url = DatabaseUrl::parse(url)?;
        let actor = check_actor(actor)?;
        let pool = connect(&url, true, StoreOptions::default()).await?;
        let store = Store {
            pool,
            url,
            writers: Arc::new(Semaphore::new(1)),
        };
        if store.url.backend == Backend::Sqlite {
            // WAL: readers never block the writer, and a killed writer leaves the
            // database as of its last commit. The mode is stored in the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&store.pool)
                .await
                .map_err(|e| store.connect_error(e))?;
        }
        let mut tx = store.write().await?;
        let migrated = schema::migrate(
            &mut tx,
            store.url.backend,
            &store.url.shown,
            &time_text(&now()),
            actor,
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok((store, migrated))
    }

    /// Opens an initialised database with the default options.
    ///
    /// # Errors
    /// As for [`Store::open_with`].
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, StoreOptions::default()).await
    }

    /// Opens an initialised database whose schema is this build's.
    ///
    /// # Errors
    /// [`StoreError::Missing`] for a SQLite file that does not exist,
    /// [`StoreError::NotADatabase`], [`StoreError::Connect`],
    /// [`StoreError::NotInitialised`], [`StoreError::SchemaTooOld`] /
    /// [`StoreError::SchemaTooNew`].
    pub async fn open_with(url: &str, options: StoreOptions) -> Result<Store> {
        let url = DatabaseUrl::parse(url)?;
        let pool = connect(&url, false, options).await?;
        let store = Store {
            pool,
            url,
            writers: Arc::new(Semaphore::new(1)),
        };
        let mut conn = store.pool.acquire().await.map_err(db)?;
        let version = schema::version(&mut conn, store.url.backend)
            .await
            .map_err(|e| match e {
                StoreError::Database(m) if m.contains("not a database") => {
                    StoreError::NotADatabase {
                        path: store.url.shown.clone(),
                    }
                }
                e => e,
            })?;
        match version {
            None | Some(0) => Err(StoreError::NotInitialised {
                url: store.url.shown.clone(),
            }),
            Some(v) if v < SCHEMA_VERSION => Err(StoreError::SchemaTooOld {
                url: store.url.shown.clone(),
                found: v,
                expected: SCHEMA_VERSION,
            }),
            Some(v) if v > SCHEMA_VERSION => Err(StoreError::SchemaTooNew {
                url: store.url.shown.clone(),
                found: v,
                expected: SCHEMA_VERSION,
            }),
            Some(_) => {
                drop(conn);
                Ok(store)
            }
        }
    }

    /// The back end.
    pub fn backend(&self) -> Backend {
        self.url.backend
    }

    /// The URL for messages (password removed; SQLite: the file).
    pub fn shown_url(&self) -> &str {
        &self.url.shown
    }

    /// The connection pool.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn connect_error(&self, e: sqlx::Error) -> StoreError {
        classify_connect_error(&self.url, e)
    }

    /// A transaction holding the writer lock.
    pub(crate) async fn write(&self) -> Result<WriteTx> {
        let slot = Arc::clone(&self.writers)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Lost("the store is closed".to_owned()))?;
        let tx = match self.url.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await.map_err(db)?;
                sqlx::query("SELECT count(*) AS n FROM (SELECT pg_advisory_xact_lock($1)) AS l")
                    .bind(PG_WRITER_LOCK)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
                tx
            }
        };
        Ok(WriteTx { tx, _slot: slot })
    }

    /// Adds a new initiative (status `idea`, version 1).
    ///
    /// # Errors
    /// [`StoreError::Invalid`], [`StoreError::Duplicate`], database errors.
    pub async fn add(&self, new: NewInitiative, actor: &str) -> Result<Initiative> {
        let actor = check_actor(actor)?;
        let mut fields = new;
        fields.validate()?;
        let mut tx = self.write().await?;
        if find(&mut tx, &InitiativeKey::Name(fields.name.clone()))
            .await?
            .is_some()
        {
            return Err(StoreError::Duplicate { name: fields.name });
        }
        let at = now();
        let id = insert_initiative(&mut tx, &fields, &at).await?;
        let created = get(&mut tx, &InitiativeKey::Id(id)).await?;
        record(
            &mut tx,
            &at,
            Change {
                actor,
                entity: "initiative",
                entity_id: Some(id),
                initiative_id: Some(id),
                subject: created.name(),
                operation: "create",
                before: None,
                after: Some(state(&created)?),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(created)
    }

    /// Changes an initiative's fields; `expected_version` (an `If-Match`) must be the
    /// current version when given.
    ///
    /// # Errors
    /// [`StoreError::UnknownInitiative`], [`StoreError::VersionMismatch`],
    /// [`StoreError::Invalid`], [`StoreError::Duplicate`] (a rename to a taken name).
    pub async fn update(
        &self,
        key: &InitiativeKey,
        patch: &InitiativePatch,
        expected_version: Option<i64>,
        actor: &str,
    ) -> Result<Initiative> {
        let actor = check_actor(actor)?;
        let mut tx = self.write().await?;
        let before = get(&mut tx, key).await?;
        check_version(&before, expected_version)?;
        let mut fields = patch.apply(&before.fields);
        fields.validate()?;
        if fields == before.fields {
            return Ok(before);
        }
        if fields.name != before.fields.name
            && find(&mut tx, &InitiativeKey::Name(fields.name.clone()))
                .await?
                .is_some()
        {
            return Err(StoreError::Duplicate { name: fields.name });
        }
        let at = now();
        update_fields(&mut tx, before.id, &fields, &at).await?;
        let after = get(&mut tx, &InitiativeKey::Id(before.id)).await?;
        record(
            &mut tx,
            &at,
            Change {
                actor,
                entity: "initiative",
                entity_id: Some(before.id),
                initiative_id: Some(before.id),
                subject: after.name(),
                operation: "update",
                before: Some(state(&before)?),
                after: Some(state(&after)?),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    /// Records `rater`'s scores (kept beside the earlier ones; the latest ICE and the
    /// latest RICE rating of each rater count).
    ///
    /// # Errors
    /// [`StoreError::UnknownInitiative`], [`StoreError::Invalid`] (a score out of
    /// range, an empty rater), [`StoreError::VersionMismatch`].
    pub async fn rate(
        &self,
        key: &InitiativeKey,
        rater: &str,
        scores: &Scores,
        expected_version: Option<i64>,
        actor: &str,
    ) -> Result<Initiative> {
        let actor = check_actor(actor)?;
        let mut tx = self.write().await?;
        let before = get(&mut tx, key).await?;
        check_version(&before, expected_version)?;
        let rater = check_rater(before.name(), rater)?;
        scores.validate(before.name())?;
        let at = now();
        let rating = insert_rating(&mut tx, before.id, &rater, scores, &at, actor).await?;
        bump(&mut tx, before.id, &at).await?;
        let previous = before
            .ratings
            .iter()
            .find(|r| r.rater == rater && r.scores.method() == scores.method());
        record(
            &mut tx,
            &at,
            Change {
                actor,
                entity: "rating",
                entity_id: Some(rating.id),
                initiative_id: Some(before.id),
                subject: before.name(),
                operation: "rate",
                before: previous.map(to_value).transpose()?,
                after: Some(to_value(&rating)?),
            },
        )
        .await?;
        let after = get(&mut tx, &InitiativeKey::Id(before.id)).await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    /// Moves an initiative along its lifecycle. Moving to `running` sets the start
    /// date; to `done` or `dropped`, the end date (both `date`).
    ///
    /// # Errors
    /// [`StoreError::IllegalMove`], [`StoreError::Invalid`] (an end before the
    /// start), [`StoreError::UnknownInitiative`], [`StoreError::VersionMismatch`].
    pub async fn move_to(
        &self,
        key: &InitiativeKey,
        to: Status,
        date: NaiveDate,
        expected_version: Option<i64>,
        actor: &str,
    ) -> Result<Initiative> {
        let actor = check_actor(actor)?;
        let mut tx = self.write().await?;
        let before = get(&mut tx, key).await?;
        check_version(&before, expected_version)?;
        if !before.status.can_move_to(to) {
            return Err(StoreError::IllegalMove {
                name: before.name().to_owned(),
                from: before.status,
                to,
                allowed: before.status.allowed_text(),
            });
        }
        let (start, end) = match to {
            Status::Running => (Some(date), None),
            Status::Done | Status::Dropped => (before.start_date, Some(date)),
            Status::Idea | Status::Approved => (before.start_date, before.end_date),
        };
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                return Err(StoreError::invalid(
                    Some(before.name()),
                    "date",
                    e,
                    format!("on or after the start date {s}"),
                ));
            }
        }
        let at = now();
        sqlx::query(
            "UPDATE initiatives SET status = $1, start_date = $2, end_date = $3, updated_at = $4, \
             version = version + 1 WHERE id = $5",
        )
        .bind(to.as_str())
        .bind(start.map(|d| d.to_string()))
        .bind(end.map(|d| d.to_string()))
        .bind(time_text(&at))
        .bind(before.id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let after = get(&mut tx, &InitiativeKey::Id(before.id)).await?;
        record(
            &mut tx,
            &at,
            Change {
                actor,
                entity: "initiative",
                entity_id: Some(before.id),
                initiative_id: Some(before.id),
                subject: after.name(),
                operation: "move",
                before: Some(state(&before)?),
                after: Some(state(&after)?),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    /// Deletes an initiative and its ratings; the audit log keeps its history and the
    /// deleted state.
    ///
    /// # Errors
    /// [`StoreError::UnknownInitiative`], [`StoreError::VersionMismatch`].
    pub async fn delete(
        &self,
        key: &InitiativeKey,
        expected_version: Option<i64>,
        actor: &str,
    ) -> Result<()> {
        let actor = check_actor(actor)?;
        let mut tx = self.write().await?;
        let before = get(&mut tx, key).await?;
        check_version(&before, expected_version)?;
        sqlx::query("DELETE FROM ratings WHERE initiative_id = $1")
            .bind(before.id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query("DELETE FROM initiatives WHERE id = $1")
            .bind(before.id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        record(
            &mut tx,
            &now(),
            Change {
                actor,
                entity: "initiative",
                entity_id: Some(before.id),
                initiative_id: Some(before.id),
                subject: before.name(),
                operation: "delete",
                before: Some(to_value(&before)?),
                after: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// One initiative with its latest ratings.
    ///
    /// # Errors
    /// [`StoreError::UnknownInitiative`], database errors.
    pub async fn get(&self, key: &InitiativeKey) -> Result<Initiative> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        get(&mut conn, key).await
    }

    /// The initiatives matching `filter`, by id, each with its latest ratings.
    ///
    /// # Errors
    /// Database errors.
    pub async fn initiatives(&self, filter: &Filter) -> Result<Vec<Initiative>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let rows = sqlx::query(&format!(
            "SELECT {INITIATIVE_COLUMNS} FROM initiatives ORDER BY id"
        ))
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        let mut ratings: BTreeMap<i64, Vec<Rating>> = BTreeMap::new();
        for (of, r) in latest_ratings(&mut conn, None).await? {
            ratings.entry(of).or_default().push(r);
        }
        let mut out = Vec::new();
        for row in &rows {
            let mut i = initiative_row(row)?;
            let keep = (filter.statuses.is_empty() || filter.statuses.contains(&i.status))
                && filter.team.as_ref().is_none_or(|t| *t == i.fields.team);
            if keep {
                i.ratings = ratings.remove(&i.id).unwrap_or_default();
                out.push(i);
            }
        }
        Ok(out)
    }

    /// An initiative with every rating and every change.
    ///
    /// # Errors
    /// [`StoreError::UnknownInitiative`], database errors.
    pub async fn history(&self, key: &InitiativeKey) -> Result<History> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let initiative = get(&mut conn, key).await?;
        let ratings = sqlx::query(&format!(
            "SELECT {RATING_COLUMNS} FROM ratings WHERE initiative_id = $1 ORDER BY id"
        ))
        .bind(initiative.id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(|r| rating_row(r).map(|(_, r)| r))
        .collect::<Result<Vec<_>>>()?;
        let changes = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE initiative_id = $1 ORDER BY id"
        ))
        .bind(initiative.id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(audit_row)
        .collect::<Result<Vec<_>>>()?;
        Ok(History {
            initiative,
            ratings,
            changes,
        })
    }

    /// The whole audit log, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn audit_log(&self) -> Result<Vec<AuditEntry>> {
        sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(audit_row)
        .collect()
    }

    /// Imports an `ltv plan` file in one transaction: initiatives are matched by name
    /// (new ones are created as ideas, changed ones updated, the rest left alone), each
    /// rater's scores become a rating when they differ from that rater's latest, and the
    /// file's baselines are kept for ranking until a snapshot exists. Re-importing the
    /// same file changes nothing.
    ///
    /// # Errors
    /// The first invalid initiative (nothing is written), database errors.
    pub async fn import(&self, file: &PlanFile, actor: &str) -> Result<ImportReport> {
        let actor = check_actor(actor)?;
        let mut planned = Vec::with_capacity(file.initiatives.len());
        for i in &file.initiatives {
            let mut f = NewInitiative {
                name: i.name.clone(),
                team: i.team.clone(),
                hypothesis: String::new(),
                driver: i.driver.clone(),
                change: i.change,
                target: None,
                one_off_cost: i.one_off_cost,
                yearly_cost: i.yearly_cost,
                ramp_months: i.ramp_months,
                baseline: i.baseline.clone(),
            };
            f.validate()?;
            let mut scores: Vec<(String, Scores)> = Vec::new();
            for r in i.ice_sets() {
                let rater = r.name.clone().unwrap_or_else(|| PLAN_FILE_RATER.to_owned());
                let s = Scores::Ice {
                    impact: r.impact,
                    confidence: r.confidence,
                    ease: r.ease,
                };
                s.validate(&f.name)?;
                scores.push((check_rater(&f.name, &rater)?, s));
            }
            if let Some(rice) = i.rice {
                let s = Scores::Rice {
                    reach: rice.reach,
                    impact: rice.impact,
                    confidence: rice.confidence,
                    effort: rice.effort,
                };
                s.validate(&f.name)?;
                scores.push((PLAN_FILE_RATER.to_owned(), s));
            }
            planned.push((f, scores));
        }
        let mut report = ImportReport::default();
        let mut tx = self.write().await?;
        let at = now();
        // a file without `[baseline]` (measured from data instead) keeps the stored one
        let mut baselines: Vec<(String, &Baseline)> = file
            .baseline
            .iter()
            .map(|b| ("baseline".to_owned(), b))
            .collect();
        baselines.extend(file.baselines.iter().map(|(k, v)| (k.clone(), v)));
        for (name, baseline) in baselines {
            let doc = to_value(baseline)?;
            let old = sqlx::query("SELECT document FROM baselines WHERE name = $1")
                .bind(&name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?
                .map(|row| Cols(&row).json::<serde_json::Value>("document"))
                .transpose()?;
            if old.as_ref() == Some(&doc) {
                continue;
            }
            let sql = if old.is_some() {
                "UPDATE baselines SET document = $2, updated_at = $3 WHERE name = $1"
            } else {
                "INSERT INTO baselines (name, document, updated_at) VALUES ($1, $2, $3)"
            };
            sqlx::query(sql)
                .bind(&name)
                .bind(doc.to_string())
                .bind(time_text(&at))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            record(
                &mut tx,
                &at,
                Change {
                    actor,
                    entity: "baseline",
                    entity_id: None,
                    initiative_id: None,
                    subject: &name,
                    operation: "baseline",
                    before: old,
                    after: Some(doc),
                },
            )
            .await?;
            report.baselines_changed.push(name);
        }
        for (fields, scores) in planned {
            let existing = find(&mut tx, &InitiativeKey::Name(fields.name.clone())).await?;
            let (id, mut changed) = match &existing {
                None => {
                    let id = insert_initiative(&mut tx, &fields, &at).await?;
                    let created = get(&mut tx, &InitiativeKey::Id(id)).await?;
                    record(
                        &mut tx,
                        &at,
                        Change {
                            actor,
                            entity: "initiative",
                            entity_id: Some(id),
                            initiative_id: Some(id),
                            subject: &fields.name,
                            operation: "create",
                            before: None,
                            after: Some(state(&created)?),
                        },
                    )
                    .await?;
                    report.created.push(fields.name.clone());
                    (id, true)
                }
                Some(before) => {
                    // the file has no hypothesis or target: keep what the backlog says
                    let mut new = fields.clone();
                    new.hypothesis.clone_from(&before.fields.hypothesis);
                    new.target.clone_from(&before.fields.target);
                    if new == before.fields {
                        (before.id, false)
                    } else {
                        update_fields(&mut tx, before.id, &new, &at).await?;
                        let after = get(&mut tx, &InitiativeKey::Id(before.id)).await?;
                        record(
                            &mut tx,
                            &at,
                            Change {
                                actor,
                                entity: "initiative",
                                entity_id: Some(before.id),
                                initiative_id: Some(before.id),
                                subject: &fields.name,
                                operation: "update",
                                before: Some(state(before)?),
                                after: Some(state(&after)?),
                            },
                        )
                        .await?;
                        report.updated.push(fields.name.clone());
                        (before.id, true)
                    }
                }
            };
            let latest = existing.map(|e| e.ratings).unwrap_or_default();
            let mut rated = false;
            for (rater, s) in &scores {
                let previous = latest
                    .iter()
                    .find(|r| &r.rater == rater && r.scores.method() == s.method());
                if previous.is_some_and(|p| &p.scores == s) {
                    continue;
                }
                let rating = insert_rating(&mut tx, id, rater, s, &at, actor).await?;
                record(
                    &mut tx,
                    &at,
                    Change {
                        actor,
                        entity: "rating",
                        entity_id: Some(rating.id),
                        initiative_id: Some(id),
                        subject: &fields.name,
                        operation: "rate",
                        before: previous.map(to_value).transpose()?,
                        after: Some(to_value(&rating)?),
                    },
                )
                .await?;
                report.ratings_added += 1;
                rated = true;
            }
            if rated && existing_was_unchanged(&report, &fields.name) {
                bump(&mut tx, id, &at).await?;
            }
            changed |= rated;
            if !changed {
                report.unchanged.push(fields.name.clone());
            }
        }
        tx.commit().await.map_err(db)?;
        Ok(report)
    }

    /// The baselines of imported plan files, by name (`baseline` is the main one).
    ///
    /// # Errors
    /// Database errors; a stored baseline that no longer parses.
    pub async fn baselines(&self) -> Result<BTreeMap<String, Baseline>> {
        let rows = sqlx::query("SELECT name, document FROM baselines ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|row| {
                let c = Cols(row);
                Ok((c.text("name")?, c.json("document")?))
            })
            .collect()
    }

    /// Stores a measured baseline; one for the same as-of date and file replaces it
    /// (the audit log keeps the old values).
    ///
    /// # Errors
    /// Database errors.
    pub async fn add_snapshot(&self, kpis: &SnapshotKpis, actor: &str) -> Result<Snapshot> {
        let actor = check_actor(actor)?;
        let mut tx = self.write().await?;
        let at = now();
        let as_of = kpis.as_of.to_string();
        let old = sqlx::query("SELECT id, taken_at, taken_by, document FROM snapshots WHERE as_of = $1 AND source = $2")
            .bind(&as_of)
            .bind(&kpis.source)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .map(|row| snapshot_row(&row))
            .transpose()?;
        let h = &kpis.headline;
        let customers =
            i64::try_from(h.customers).map_err(|e| StoreError::corrupt("customers", e))?;
        let doc = to_json(kpis)?;
        let opt = |d: Option<Decimal>| d.map(|d| d.to_string());
        let query = match &old {
            Some(o) => sqlx::query(
                "UPDATE snapshots SET taken_at = $1, taken_by = $2, customers = $3, ltv = $4, \
                 ltv_cac_ratio = $5, monthly_churn = $6, aov = $7, orders_per_year = $8, margin = $9, \
                 cac = $10, nrr = $11, document = $12 WHERE id = $13 RETURNING id",
            )
            .bind(time_text(&at))
            .bind(actor)
            .bind(customers)
            .bind(h.ltv.to_string())
            .bind(opt(h.ltv_cac_ratio))
            .bind(h.monthly_churn.to_string())
            .bind(h.aov.to_string())
            .bind(h.orders_per_year.to_string())
            .bind(h.margin.to_string())
            .bind(opt(h.cac))
            .bind(opt(h.nrr))
            .bind(doc)
            .bind(o.id),
            None => sqlx::query(
                "INSERT INTO snapshots (taken_at, taken_by, customers, ltv, ltv_cac_ratio, \
                 monthly_churn, aov, orders_per_year, margin, cac, nrr, document, as_of, source) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            )
            .bind(time_text(&at))
            .bind(actor)
            .bind(customers)
            .bind(h.ltv.to_string())
            .bind(opt(h.ltv_cac_ratio))
            .bind(h.monthly_churn.to_string())
            .bind(h.aov.to_string())
            .bind(h.orders_per_year.to_string())
            .bind(h.margin.to_string())
            .bind(opt(h.cac))
            .bind(opt(h.nrr))
            .bind(doc)
            .bind(&as_of)
            .bind(&kpis.source),
        };
        let row = query.fetch_one(&mut *tx).await.map_err(db)?;
        let snapshot = Snapshot {
            id: Cols(&row).int("id")?,
            taken_at: at,
            taken_by: actor.to_owned(),
            kpis: kpis.clone(),
        };
        let subject = format!("{} as of {}", kpis.source, kpis.as_of);
        record(
            &mut tx,
            &at,
            Change {
                actor,
                entity: "snapshot",
                entity_id: Some(snapshot.id),
                initiative_id: None,
                subject: &subject,
                operation: "snapshot",
                before: old.map(|o| to_value(&o.kpis.headline)).transpose()?,
                after: Some(to_value(&kpis.headline)?),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(snapshot)
    }

    /// Every snapshot, by as-of date (then by id).
    ///
    /// # Errors
    /// Database errors.
    pub async fn snapshots(&self) -> Result<Vec<Snapshot>> {
        sqlx::query("SELECT id, taken_at, taken_by, document FROM snapshots ORDER BY as_of, id")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(snapshot_row)
            .collect()
    }

    /// Everything the database holds.
    ///
    /// # Errors
    /// Database errors.
    pub async fn export(&self) -> Result<Export> {
        let initiatives = self.initiatives(&Filter::default()).await?;
        let ratings = sqlx::query(&format!("SELECT {RATING_COLUMNS} FROM ratings ORDER BY id"))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                rating_row(r).map(|(initiative_id, rating)| ExportedRating {
                    initiative_id,
                    rating,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Export {
            schema_version: SCHEMA_VERSION,
            initiatives,
            ratings,
            snapshots: self.snapshots().await?,
            baselines: self.baselines().await?,
            audit_log: self.audit_log().await?,
        })
    }
}

/// Whether the import did not already bump this initiative's version (by creating or
/// updating it).
fn existing_was_unchanged(report: &ImportReport, name: &str) -> bool {
    !report.created.iter().any(|n| n == name) && !report.updated.iter().any(|n| n == name)
}

async fn connect(url: &DatabaseUrl, create: bool, options: StoreOptions) -> Result<AnyPool> {
    sqlx::any::install_default_drivers();
    if let (Backend::Sqlite, Some(path)) = (url.backend, &url.path) {
        match sqlite_file_exists(path) {
            Ok(true) => {}
            Ok(false) => {
                return Err(StoreError::NotADatabase {
                    path: url.shown.clone(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !create {
                    return Err(StoreError::Missing {
                        path: url.shown.clone(),
                    });
                }
            }
            Err(e) => {
                return Err(StoreError::Connect {
                    url: url.shown.clone(),
                    reason: e.to_string(),
                })
            }
        }
    }
    // one connection first, so that an unreachable server fails at once with its reason
    // (a pool would retry until its timeout and report only "timed out")
    let probe = tokio::time::timeout(
        options.connect_timeout,
        <AnyConnection as sqlx::Connection>::connect(&url.connect_url(create)),
    )
    .await
    .map_err(|_| StoreError::Connect {
        url: url.shown.clone(),
        reason: format!("no answer within {} s", options.connect_timeout.as_secs()),
    })?
    .map_err(|e| classify_connect_error(url, e))?;
    sqlx::Connection::close(probe).await.ok();
    let backend = url.backend;
    AnyPoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.connect_timeout)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute(
                        format!(
                            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON;"
                        )
                        .as_str(),
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect(&url.connect_url(create))
        .await
        .map_err(|e| classify_connect_error(url, e))
}

fn classify_connect_error(url: &DatabaseUrl, e: sqlx::Error) -> StoreError {
    let reason = match &e {
        sqlx::Error::Database(d) => d.message().to_owned(),
        sqlx::Error::PoolTimedOut => "timed out".to_owned(),
        other => other.to_string(),
    };
    if reason.contains("not a database") {
        return StoreError::NotADatabase {
            path: url.shown.clone(),
        };
    }
    StoreError::Connect {
        url: url.shown.clone(),
        reason,
    }
}
