//! Progress on stderr while a command runs: while a file is read, a bar with the bytes
//! read, the rate and the time left; then the phase the command is in (aggregate,
//! segment, fit, plan, render) with the time it has taken, each finished phase left
//! on its own line. Drawn only when stderr is a terminal and `--quiet` is not given.
//!
//! A command takes the run's [`Job`] with [`job`] and hands it to the library, which
//! reports to it.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ltv_core::{Job, Phase, Watcher};

thread_local! {
    static CURRENT: RefCell<(Job, Option<ProgressBar>)> = const { RefCell::new((Job::silent(), None)) };
}

/// The job of the command running on this thread (a silent one outside [`Run`]).
pub(crate) fn job() -> Job {
    CURRENT.with(|c| c.borrow().0.clone())
}

/// Prints `line` on stderr above the progress bar (or plainly when none is drawn).
pub(crate) fn note_line(line: &str) {
    let bar = CURRENT.with(|c| c.borrow().1.clone());
    match bar {
        Some(bar) => bar.suspend(|| eprintln!("{line}")),
        None => eprintln!("{line}"),
    }
}

/// `eprintln!` that keeps the progress bar intact.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::progress::note_line(&format!($($arg)*))
    };
}
pub(crate) use note;

/// The progress of one command run; the bar is cleared when it is dropped.
pub(crate) struct Run {
    bar: Option<ProgressBar>,
}

impl Run {
    /// Starts the run's job: drawn on stderr if `draw`, else silent.
    pub(crate) fn start(quiet: bool) -> Run {
        let draw = !quiet && std::io::stderr().is_terminal();
        // drawn from the first phase on (a bar with no style yet would show `0/0`)
        let bar = draw.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(phase_style());
            bar
        });
        let job = match &bar {
            Some(bar) => Job::new(Some(Box::new(Bars::new(bar.clone())))),
            None => Job::default(),
        };
        CURRENT.with(|c| *c.borrow_mut() = (job, bar.clone()));
        Run { bar }
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        CURRENT.with(|c| *c.borrow_mut() = (Job::default(), None));
    }
}

/// The [`Watcher`] drawing on the bar.
struct Bars {
    bar: ProgressBar,
    /// The phase being shown and when it began.
    current: Mutex<Option<(Phase, Instant)>>,
}

impl Bars {
    fn new(bar: ProgressBar) -> Self {
        Bars {
            bar,
            current: Mutex::new(None),
        }
    }
}

fn bytes_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{prefix:>9} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

fn phase_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix:>9} {spinner} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Watcher for Bars {
    fn phase(&self, phase: Phase) {
        let Ok(mut current) = self.current.lock() else {
            return;
        };
        if let Some((done, since)) = current.take() {
            if done == phase {
                *current = Some((done, since));
                return;
            }
            self.bar.println(format!(
                "{:>9} {:.1} s",
                done.name(),
                since.elapsed().as_secs_f64()
            ));
        }
        *current = Some((phase, Instant::now()));
        // style and prefix first: each call redraws the bar
        if phase == Phase::Read {
            self.bar.disable_steady_tick();
            self.bar.set_style(bytes_style());
        } else {
            self.bar.set_style(phase_style());
        }
        self.bar.set_prefix(phase.name());
        self.bar.reset();
        if phase != Phase::Read {
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    fn bytes(&self, done: u64, total: u64) {
        if self.bar.length() != Some(total) {
            self.bar.set_length(total);
        }
        self.bar.set_position(done);
    }
}
