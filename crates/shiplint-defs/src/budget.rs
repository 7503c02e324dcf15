//! One budget for evaluating a build definition, shared by every reader: a build file from a
//! stranger must not take the run down with a value that doubles a hundred times, a matrix of
//! 10^10 targets, a function that calls itself or a construct nested 100 000 deep. When a cap is
//! hit, evaluation stops where it is: what was read so far is still judged, and the file gets one
//! note saying which cap stopped it.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

/// The longest value kept, in bytes of literal text; a longer one becomes a hole.
pub const MAX_VALUE: usize = 64 * 1024;
/// The most pieces (text runs and holes) a value keeps.
pub const MAX_PIECES: usize = 512;
/// The most commands evaluated in one file, every loop iteration, function call and CI matrix
/// runner counted (a large release workflow runs each of its steps on dozens of runners).
pub const MAX_COMMANDS: usize = 32_768;
/// The deepest nesting followed: constructs inside constructs, calls inside calls, variables
/// referring to variables.
pub const MAX_DEPTH: usize = 64;
/// The most targets (matrix combinations, goreleaser platforms, loop iterations of one loop)
/// enumerated for one build.
pub const MAX_TARGETS: usize = 1024;
/// The most shell words and operators read from one script, recipe line or RUN: a real build
/// script has a few thousand, and each costs about a hundred bytes once read.
pub const MAX_WORDS: usize = 200_000;
/// Wall-clock time for evaluating one file.
pub const MAX_TIME: Duration = Duration::from_secs(1);

/// What evaluating one file may still spend. Shared by reference; interior counters.
#[derive(Debug)]
pub struct Budget {
    started: Instant,
    commands: Cell<usize>,
    /// Why evaluation stopped, first reason only.
    stopped: RefCell<Option<String>>,
    /// What evaluation left out and went on without, first reason only.
    cut: RefCell<Option<String>>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { started: Instant::now(), commands: Cell::new(0), stopped: RefCell::new(None), cut: RefCell::new(None) }
    }
}

impl Budget {
    /// Records why evaluation stops (the first reason is kept).
    pub fn stop(&self, why: impl FnOnce() -> String) {
        let mut stopped = self.stopped.borrow_mut();
        if stopped.is_none() {
            *stopped = Some(why());
        }
    }

    /// Whether evaluation has stopped, checking the clock.
    pub fn exhausted(&self) -> bool {
        if self.stopped.borrow().is_some() {
            return true;
        }
        if self.started.elapsed() > MAX_TIME {
            self.stop(|| format!("evaluation stopped after {} s", MAX_TIME.as_secs()));
            return true;
        }
        false
    }

    /// Takes one command from the budget; false when there is none left.
    pub fn spend_command(&self) -> bool {
        if self.exhausted() {
            return false;
        }
        let n = self.commands.get() + 1;
        self.commands.set(n);
        if n > MAX_COMMANDS {
            self.stop(|| format!("evaluation stopped: more than {MAX_COMMANDS} commands (loop iterations and calls)"));
            return false;
        }
        true
    }

    /// Whether `depth` is still within the nesting cap (records the stop when not).
    pub fn within_depth(&self, depth: usize, what: &str) -> bool {
        if depth > MAX_DEPTH {
            self.stop(|| format!("evaluation stopped: {what} nested deeper than {MAX_DEPTH}"));
            return false;
        }
        true
    }

    /// Caps an enumeration of `count` targets, noting it when capped.
    pub fn cap_targets(&self, count: u128, what: &str) -> usize {
        if count > MAX_TARGETS as u128 {
            self.stop(|| format!("evaluation stopped: {count} {what}, capped at {MAX_TARGETS}"));
            MAX_TARGETS
        } else {
            count as usize
        }
    }

    /// Records what evaluation leaves out while it goes on (the first reason is kept).
    pub fn cut(&self, why: impl FnOnce() -> String) {
        let mut cut = self.cut.borrow_mut();
        if cut.is_none() {
            *cut = Some(why());
        }
    }

    /// The note for the file, when a cap was hit: why it stopped, else what it left out.
    pub fn note(&self) -> Option<String> {
        self.stopped.borrow().clone().or_else(|| self.cut.borrow().clone())
    }
}
