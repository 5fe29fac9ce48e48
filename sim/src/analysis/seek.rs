//! Goal seeking: the smallest value of a lever whose chance of meeting a target is at least a
//! given confidence.
//!
//! The lever's values form a [`Grid`] from A to B: whole numbers when A and B are (and no step is
//! given), otherwise A, A + S, A + 2S, ... and B itself. [`seek`] assumes the chance rises with the
//! lever and bisects the grid: it evaluates both ends, then halves the interval between the
//! largest value known to fall short and the smallest known to meet the target. Each value is
//! evaluated by a closure (in the command line: the scenario with the lever set, run with the same
//! seed every time, so that values share common random numbers), at most once. The answer is the
//! smallest evaluated value that meets the target; with a chance that does not rise with the lever
//! it is still a value that meets it, with a value just below it on the grid that does not.

use std::fmt;

use crate::results::Results;
use crate::targets::{Chance, Target, TargetError, clopper_pearson};

/// Most values a grid may have.
pub const MAX_GRID: usize = 1_000_000_000;

/// The values a lever may take, in increasing order.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    start: f64,
    step: f64,
    /// Values A + iS that are at most B.
    steps: usize,
    /// B, when it is not A + iS: then the last value.
    end: Option<f64>,
    /// Decimal places the values are written with.
    decimals: usize,
}

/// Why a grid or a search could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SeekError(pub String);

/// A number as typed, with its decimal places; `None` if it is not a plain finite number.
fn number(text: &str) -> Option<(f64, usize)> {
    let text = text.trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (!digits.contains('.') || !frac.is_empty());
    let value: f64 = text.parse().ok().filter(|v: &f64| v.is_finite())?;
    plain.then_some((value, frac.len()))
}

impl Grid {
    /// The grid of `range` (`A..B`, A <= B) with `step` (> 0); without a step, A and B must be
    /// whole numbers and the step is 1.
    pub fn new(range: &str, step: Option<&str>) -> Result<Grid, SeekError> {
        let fail = |reason: &str| SeekError(format!("range {range:?}: {reason}"));
        let (a, b) = range
            .split_once("..")
            .ok_or_else(|| fail("expected A..B, e.g. 10..40 or 0.5..3"))?;
        let plain = |end: &str, text: &str| {
            number(text).ok_or_else(|| {
                fail(&format!(
                    "{end} ({:?}) is not a number written plainly: digits with an optional \
                     decimal point, e.g. 25 or 0.75 (no exponents or thousands separators)",
                    text.trim()
                ))
            })
        };
        let (a, da) = plain("A", a)?;
        let (b, db) = plain("B", b)?;
        if a > b {
            return Err(fail("A must not be more than B"));
        }
        let (step, ds) = match step {
            Some(s) => {
                let (s, ds) = number(s)
                    .filter(|&(s, _)| s > 0.0)
                    .ok_or_else(|| SeekError(format!("step {s:?}: must be a number above 0")))?;
                (s, ds)
            }
            None if da == 0 && db == 0 => (1.0, 0),
            None => return Err(fail("A and B are not whole numbers: give a --step")),
        };
        let decimals = da.max(db).max(ds).min(12);
        let span = (b - a) / step;
        if span >= MAX_GRID as f64 {
            return Err(fail(&format!(
                "more than {MAX_GRID} values; give a larger step"
            )));
        }
        let steps = (span + 1e-9).floor() as usize + 1;
        let mut grid = Grid {
            start: a,
            step,
            steps,
            end: None,
            decimals,
        };
        if grid.value(steps - 1) < grid.round(b) {
            grid.end = Some(grid.round(b));
        }
        Ok(grid)
    }

    /// `x` to the grid's decimal places.
    fn round(&self, x: f64) -> f64 {
        let scale = 10f64.powi(self.decimals as i32);
        (x * scale).round() / scale
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.steps + usize::from(self.end.is_some())
    }

    /// Whether the grid has no values (never: it has at least A).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Value `i` (0 is A).
    pub fn value(&self, i: usize) -> f64 {
        match self.end {
            Some(b) if i >= self.steps => b,
            _ => self.round(self.start + i as f64 * self.step),
        }
    }

    /// `x` as written into a scenario: with the grid's decimal places (none for whole numbers).
    pub fn label(&self, x: f64) -> String {
        format!("{x:.*}", self.decimals)
    }
}

/// A chance from a count: `met` of `replications`, with its exact 95% interval.
pub fn chance(met: usize, replications: usize) -> Chance {
    let (ci95_low, ci95_high) = clopper_pearson(met, replications);
    let probability = if replications > 0 {
        met as f64 / replications as f64
    } else {
        f64::NAN
    };
    Chance {
        met,
        replications,
        probability,
        ci95_low,
        ci95_high,
    }
}

/// The chance that a replication meets every one of `targets` (the joint chance).
pub fn joint_chance(targets: &[Target], results: &Results) -> Result<Chance, TargetError> {
    let n = results.replications();
    let mut met = 0;
    for r in 0..n {
        let mut all = true;
        for t in targets {
            all &= t.met_by(results, r)?;
        }
        met += usize::from(all);
    }
    Ok(chance(met, n))
}

/// One value evaluated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The lever's value.
    pub value: f64,
    /// The chance of meeting the target there.
    pub chance: Chance,
    /// Whether the chance is at least the confidence.
    pub meets: bool,
}

/// What the search found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Finding {
    /// `answer` is the smallest value evaluated that meets the target and `below` the largest
    /// evaluated below it, which does not (the next lower value on the grid).
    Found {
        /// The answer.
        answer: Point,
        /// The evidence just below it.
        below: Point,
    },
    /// The lowest value, A, already meets the target: the answer is A or below the range.
    LowestMeets(Point),
    /// Even the highest value, B, falls short: no value in the range meets the target.
    HighestFallsShort(Point),
}

/// A search and its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// The chance required.
    pub confidence: f64,
    /// What was found.
    pub finding: Finding,
    /// The lowest value, A.
    pub lowest: Point,
    /// The highest value, B.
    pub highest: Point,
    /// Every value evaluated, in increasing order.
    pub points: Vec<Point>,
}

impl Search {
    /// The answer, if a value in the range meets the target.
    pub fn answer(&self) -> Option<Point> {
        match self.finding {
            Finding::Found { answer, .. } | Finding::LowestMeets(answer) => Some(answer),
            Finding::HighestFallsShort(_) => None,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Found { answer, .. } => write!(f, "found {}", answer.value),
            Finding::LowestMeets(p) => write!(f, "the lowest value {} already meets it", p.value),
            Finding::HighestFallsShort(p) => write!(f, "the highest value {} falls short", p.value),
        }
    }
}

/// Searches `grid` for the smallest value whose chance (from `evaluate`) is at least
/// `confidence`, assuming the chance rises with the value. Evaluates A and B, then bisects;
/// each value at most once. Errors from `evaluate` end the search.
pub fn seek<E>(
    grid: &Grid,
    confidence: f64,
    mut evaluate: impl FnMut(f64) -> Result<Chance, E>,
) -> Result<Search, E> {
    let mut seen: Vec<(usize, Point)> = Vec::new();
    let mut at = |i: usize, seen: &mut Vec<(usize, Point)>| -> Result<Point, E> {
        if let Some((_, p)) = seen.iter().find(|(j, _)| *j == i) {
            return Ok(*p);
        }
        let value = grid.value(i);
        let chance = evaluate(value)?;
        let meets = chance.probability >= confidence;
        let p = Point {
            value,
            chance,
            meets,
        };
        seen.push((i, p));
        Ok(p)
    };
    let top = grid.len() - 1;
    let lowest = at(0, &mut seen)?;
    let highest = at(top, &mut seen)?;
    if !lowest.meets && highest.meets {
        let (mut lo, mut hi) = (0, top);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if at(mid, &mut seen)?.meets {
                hi = mid;
            } else {
                lo = mid;
            }
        }
    }
    seen.sort_by_key(|(i, _)| *i);
    let points: Vec<Point> = seen.iter().map(|(_, p)| *p).collect();
    let finding = if lowest.meets {
        Finding::LowestMeets(lowest)
    } else if let Some(k) = points.iter().position(|p| p.meets) {
        // The smallest value evaluated that meets the target; the one before it does not.
        Finding::Found {
            answer: points[k],
            below: points[k.saturating_sub(1)],
        }
    } else {
        Finding::HighestFallsShort(highest)
    };
    Ok(Search {
        confidence,
        finding,
        lowest,
        highest,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A search of `grid` whose chance at `v` is `met(v)` of 100; also the values evaluated.
    fn search(grid: &Grid, met: impl Fn(f64) -> usize) -> (Search, Vec<f64>) {
        let mut asked = Vec::new();
        let s = seek(grid, 0.8, |v| {
            asked.push(v);
            Ok::<_, ()>(chance(met(v), 100))
        })
        .unwrap();
        (s, asked)
    }

    #[test]
    fn grids_of_whole_numbers_and_of_steps() {
        let g = Grid::new("0..60", None).unwrap();
        assert_eq!((g.len(), g.value(0), g.value(60)), (61, 0.0, 60.0));
        assert_eq!(g.label(g.value(23)), "23");
        let g = Grid::new("0.5..3", Some("0.5")).unwrap();
        let values: Vec<f64> = (0..g.len()).map(|i| g.value(i)).collect();
        assert_eq!(values, [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
        assert_eq!(g.label(1.0), "1.0");
        // B is searched even when it is not on the step.
        let g = Grid::new("0..1", Some("0.3")).unwrap();
        let values: Vec<f64> = (0..g.len()).map(|i| g.value(i)).collect();
        assert_eq!(values, [0.0, 0.3, 0.6, 0.9, 1.0]);
        let g = Grid::new("-10..-5", Some("5")).unwrap();
        assert_eq!((g.len(), g.label(g.value(1))), (2, "-5".to_string()));
        assert_eq!(Grid::new("7..7", None).unwrap().len(), 1);
        for (range, step) in [
            ("5..1", None),
            ("1..", None),
            ("..1", None),
            ("1", None),
            ("x..2", None),
            ("1..inf", None),
            ("1..NaN", None),
            ("0.5..1", None),
            ("1..2", Some("0")),
            ("1..2", Some("-1")),
            ("0..1e300", Some("1e-300")),
            ("0..1000000000000", None),
        ] {
            assert!(Grid::new(range, step).is_err(), "{range} {step:?}");
        }
    }

    #[test]
    fn bisection_finds_the_smallest_value_meeting_the_target_with_its_evidence() {
        let g = Grid::new("0..60", None).unwrap();
        // The chance rises by 5 points a value: 80% first at 16.
        let (s, asked) = search(&g, |v| (5.0 * v).min(100.0) as usize);
        let Finding::Found { answer, below } = s.finding else {
            panic!("{:?}", s.finding);
        };
        assert_eq!((answer.value, below.value), (16.0, 15.0));
        assert_eq!((answer.chance.met, below.chance.met), (80, 75));
        assert!(answer.meets && !below.meets);
        assert_eq!((s.lowest.value, s.highest.value), (0.0, 60.0));
        assert_eq!(s.answer().map(|p| p.value), Some(16.0));
        // Both ends, then one value per halving of 60: at most 2 + 6, each once.
        assert!(asked.len() <= 8, "{asked:?}");
        let mut unique = asked.clone();
        unique.sort_by(f64::total_cmp);
        unique.dedup();
        assert_eq!(unique.len(), asked.len());
        let values: Vec<f64> = s.points.iter().map(|p| p.value).collect();
        assert_eq!(values, unique, "points in increasing order");
        // Exact intervals at each point.
        let (lo, hi) = clopper_pearson(80, 100);
        assert_eq!((answer.chance.ci95_low, answer.chance.ci95_high), (lo, hi));
    }

    #[test]
    fn a_range_already_met_or_never_met_is_a_finding() {
        let g = Grid::new("10..20", None).unwrap();
        let (s, asked) = search(&g, |_| 90);
        assert!(matches!(s.finding, Finding::LowestMeets(p) if p.value == 10.0));
        assert_eq!(asked, [10.0, 20.0]);
        let (s, asked) = search(&g, |v| v as usize);
        assert!(matches!(s.finding, Finding::HighestFallsShort(p) if p.value == 20.0));
        assert_eq!(s.answer(), None);
        assert_eq!(asked, [10.0, 20.0]);
        // A single value.
        let one = Grid::new("3..3", None).unwrap();
        let (s, asked) = search(&one, |_| 10);
        assert!(matches!(s.finding, Finding::HighestFallsShort(_)));
        assert_eq!(asked, [3.0]);
    }

    #[test]
    fn with_noise_the_answer_is_the_smallest_evaluated_value_meeting_the_target() {
        let g = Grid::new("0..10", None).unwrap();
        // Met at 3, then not at 4 to 6 (noise), then from 7.
        let met = |v: f64| if v == 3.0 || v >= 7.0 { 85 } else { 40 };
        let (s, _) = search(&g, met);
        let Finding::Found { answer, below } = s.finding else {
            panic!("{:?}", s.finding);
        };
        let smallest = s.points.iter().find(|p| p.meets).unwrap();
        assert_eq!(answer, *smallest);
        assert!(met(answer.value) >= 80);
        assert!(!below.meets && below.value < answer.value);
        assert!(s.points.iter().all(|p| p.value >= answer.value || !p.meets));
    }

    #[test]
    fn errors_from_the_evaluation_end_the_search() {
        let g = Grid::new("0..10", None).unwrap();
        let r = seek(&g, 0.8, |v| {
            if v > 5.0 {
                Err("too big")
            } else {
                Ok(chance(0, 1))
            }
        });
        assert_eq!(r, Err("too big"));
    }
}
