//! Lever paths and levers as written on the command line: `pipelines[scphn].intakes[2].size`,
//! `districts[ladywood].staff.health_visitor=30,35,40`, and the grid of several levers' values.
//! A leaf beside [`super::FieldPath`]: validation checks these paths' syntax without the lever
//! machinery that loads and changes scenarios.

use std::fmt;
use std::str::FromStr;

/// Why a lever path, a lever or a grid of levers could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    /// The path does not follow the syntax.
    #[error(
        "lever path {text:?}: {reason}; expected field names joined by '.', with [id], [index] \
         or [key] after a list or map, e.g. \"pipelines[scphn].intakes[2].size\""
    )]
    Path {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// The lever (`PATH=V1,V2,...`) does not follow the syntax.
    #[error(
        "lever {text:?}: {reason}; expected PATH=V1,V2,..., e.g. \
         \"districts[ladywood].staff.health_visitor=30,35,40\""
    )]
    Syntax {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// The sweep's levers do not make a usable grid.
    #[error("{0}")]
    Grid(String),
}

/// Most grid points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// One step of a lever path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.name`: a record's field, or a map's key.
    Field(String),
    /// `[x]`: a list element by id (or by position), or a map entry by key.
    Select(String),
}

/// A path to one value of a scenario, e.g. `pipelines[scphn].intakes[2].size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeverPath {
    steps: Vec<Step>,
}

/// A lever and the values to try, written `PATH=V1,V2,...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lever {
    /// Where.
    pub path: LeverPath,
    /// The values, as RON text, in the order given.
    pub values: Vec<String>,
}

/// Whether `s` can be written bare in a path: letters, digits and `_`.
fn bare(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl LeverPath {
    /// The steps, outermost first.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The path of the first `n` steps, as text (`(scenario)` for none).
    pub(crate) fn prefix(&self, n: usize) -> String {
        if n == 0 {
            return "(scenario)".into();
        }
        LeverPath {
            steps: self.steps[..n].to_vec(),
        }
        .to_string()
    }
}

impl fmt::Display for LeverPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Field(name) if i == 0 => f.write_str(name)?,
                Step::Field(name) => write!(f, ".{name}")?,
                Step::Select(s) if bare(s) => write!(f, "[{s}]")?,
                Step::Select(s) => write!(f, "[{s:?}]")?,
            }
        }
        Ok(())
    }
}

impl FromStr for LeverPath {
    type Err = PathError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| PathError::Path {
            text: text.to_string(),
            reason,
        };
        let chars: Vec<char> = text.chars().collect();
        let mut steps = Vec::new();
        let mut i = 0;
        while i < chars.len() || steps.is_empty() {
            let c = chars.get(i).copied();
            if c == Some('[') && !steps.is_empty() {
                let (selector, next) = selector(&chars, i + 1).map_err(fail)?;
                steps.push(Step::Select(selector));
                i = next;
                continue;
            }
            if !steps.is_empty() {
                if c != Some('.') {
                    let c = c.unwrap_or(' ');
                    return Err(fail(format!("'{c}' at character {} is unexpected", i + 1)));
                }
                i += 1;
            }
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            if i == start {
                return Err(fail(format!(
                    "a field name is missing at character {}",
                    i + 1
                )));
            }
            steps.push(Step::Field(chars[start..i].iter().collect()));
        }
        Ok(LeverPath { steps })
    }
}

/// The selector inside brackets starting at `chars[i]` (bare, or a quoted string) and the index
/// after its `]`.
fn selector(chars: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut out = String::new();
    if chars.get(i) == Some(&'"') {
        i += 1;
        loop {
            match chars.get(i) {
                None => return Err("a quoted key is not closed".into()),
                Some('"') => break,
                Some('\\') if chars.get(i + 1).is_some() => {
                    out.push(chars[i + 1]);
                    i += 2;
                }
                Some(&c) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        i += 1;
    } else {
        while let Some(&c) = chars
            .get(i)
            .filter(|c| c.is_ascii_alphanumeric() || **c == '_')
        {
            out.push(c);
            i += 1;
        }
    }
    if out.is_empty() {
        return Err(format!(
            "an id, index or key is missing at character {}",
            i + 1
        ));
    }
    if chars.get(i) != Some(&']') {
        return Err(format!("']' is missing at character {}", i + 1));
    }
    Ok((out, i + 1))
}

impl fmt::Display for Lever {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.values.join(","))
    }
}

impl FromStr for Lever {
    type Err = PathError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| PathError::Syntax {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let (path, values) = text
            .split_once('=')
            .ok_or_else(|| fail("no '=' after the path"))?;
        let path: LeverPath = path.trim().parse()?;
        let values = split_values(values).map_err(|r| fail(&r))?;
        Ok(Lever { path, values })
    }
}

/// `V1,V2,...` split at the commas outside brackets and strings, each trimmed.
fn split_values(text: &str) -> Result<Vec<String>, String> {
    let (mut out, mut current) = (Vec::new(), String::new());
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            _ if quoted => {}
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or("a bracket is closed that was not opened")?;
            }
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if quoted || depth > 0 {
        return Err("a string or bracket is not closed".into());
    }
    out.push(current);
    let out: Vec<String> = out.into_iter().map(|v| v.trim().to_string()).collect();
    if out.iter().any(String::is_empty) {
        return Err("a value is empty".into());
    }
    Ok(out)
}

/// Every combination of the levers' values, the first lever varying slowest and the last
/// fastest. Refuses a path given twice and grids of more than [`MAX_POINTS`] points.
pub fn grid(levers: &[Lever]) -> Result<Vec<Vec<String>>, PathError> {
    for (i, l) in levers.iter().enumerate() {
        if levers[..i].iter().any(|m| m.path == l.path) {
            return Err(PathError::Grid(format!(
                "lever {} is given twice; give each path once with all its values",
                l.path
            )));
        }
    }
    let size = levers
        .iter()
        .try_fold(1usize, |n, l| n.checked_mul(l.values.len()))
        .filter(|&n| n <= MAX_POINTS);
    let Some(size) = size else {
        return Err(PathError::Grid(format!(
            "the levers' values make more than {MAX_POINTS} grid points; give fewer values"
        )));
    };
    let mut points = Vec::with_capacity(size);
    for k in 0..size {
        let mut rest = k;
        let mut point = vec![String::new(); levers.len()];
        for (j, l) in levers.iter().enumerate().rev() {
            point[j] = l.values[rest % l.values.len()].clone();
            rest /= l.values.len();
        }
        points.push(point);
    }
    Ok(points)
}
