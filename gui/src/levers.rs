//! The planner's levers: controls bound to scenario fields, built from what the chosen scenario
//! has (a scenario without trainee pipelines has no intake lever), each turned into lever settings
//! (`path = RON value`) that [`caseload::lever::apply`] sets and validates.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use caseload::lever::LeverPath;
use caseload::scenario::{AllocationPolicy, Change, PipelineKind, Scenario, WorkRef};

/// How a number is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share, shown as a percentage (0.47 is "47%").
    Share,
    /// A whole number.
    Count,
    /// A number with one decimal.
    Decimal,
    /// A percentage change, stored as written (-10.0 is "-10%").
    Percent,
}

impl Unit {
    /// `value` for people.
    pub fn show(self, value: f64) -> String {
        match self {
            Unit::Share => format!("{:.1}%", value * 100.0),
            Unit::Count => format!("{value:.0}"),
            Unit::Decimal => format!("{value:.1}"),
            Unit::Percent => format!("{value:+.0}%"),
        }
    }

    /// `value` as RON.
    fn ron(self, value: f64) -> String {
        match self {
            Unit::Count => format!("{value:.0}"),
            _ => format!("{value:?}"),
        }
    }
}

/// The control a lever is drawn with.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    /// A slider with buttons a step either way.
    Number {
        /// Allowed values.
        range: RangeInclusive<f64>,
        /// Step of the slider and the buttons.
        step: f64,
        /// How the value is shown and written.
        unit: Unit,
    },
    /// One of several values: `(RON value, label)`.
    Choice(Vec<(String, String)>),
}

/// A lever's value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// For [`Control::Number`].
    Number(f64),
    /// For [`Control::Choice`]: the index of the option.
    Choice(usize),
}

/// What a lever sets.
#[derive(Debug, Clone, PartialEq)]
enum Binding {
    /// Each path gets the value.
    Paths(Vec<LeverPath>),
    /// The budget's changes become one change of this percentage from the date lever's month.
    BudgetPercent,
    /// The date of that change.
    BudgetDate,
}

/// One lever.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// Stable key (persisted with the lever's value).
    pub key: String,
    /// Label, also the control's accessible name.
    pub label: String,
    /// What it means, shown on hover.
    pub help: String,
    /// How it is drawn.
    pub control: Control,
    /// The scenario's own value.
    pub baseline: Value,
    binding: Binding,
}

impl Lever {
    /// Clamps and rounds `value` to what the control allows.
    pub fn normalise(&self, value: Value) -> Value {
        match (&self.control, value) {
            (Control::Number { range, step, .. }, Value::Number(v)) => {
                let v = v.clamp(*range.start(), *range.end());
                let v = ((v - range.start()) / step).round() * step + range.start();
                Value::Number((v * 1e9).round() / 1e9)
            }
            (Control::Choice(options), Value::Choice(i)) if i < options.len() => Value::Choice(i),
            _ => self.baseline.clone(),
        }
    }

    /// `value` for people.
    pub fn show(&self, value: &Value) -> String {
        match (&self.control, value) {
            (Control::Number { unit, .. }, Value::Number(v)) => unit.show(*v),
            (Control::Choice(options), Value::Choice(i)) => {
                options.get(*i).map_or_else(String::new, |o| o.1.clone())
            }
            _ => String::new(),
        }
    }

    fn ron(&self, value: &Value) -> Option<String> {
        match (&self.control, value) {
            (Control::Number { unit, .. }, Value::Number(v)) => Some(unit.ron(*v)),
            (Control::Choice(options), Value::Choice(i)) => options.get(*i).map(|o| o.0.clone()),
            _ => None,
        }
    }
}

/// The levers of a scenario and their current values.
#[derive(Debug, Clone, PartialEq)]
pub struct Levers {
    /// The levers, in display order.
    pub levers: Vec<Lever>,
    /// Current values, by lever key.
    pub values: BTreeMap<String, Value>,
}

impl Levers {
    /// The levers `scenario` offers, at its own values.
    pub fn of(scenario: &Scenario) -> Self {
        let levers = build(scenario);
        let values = levers
            .iter()
            .map(|l| (l.key.clone(), l.baseline.clone()))
            .collect();
        Levers { levers, values }
    }

    /// A lever's current value.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// Sets a lever (normalised); returns whether its value changed.
    pub fn set(&mut self, key: &str, value: Value) -> bool {
        let Some(lever) = self.levers.iter().find(|l| l.key == key) else {
            return false;
        };
        let value = lever.normalise(value);
        let old = self.values.insert(key.to_string(), value.clone());
        old.as_ref() != Some(&value)
    }

    /// Every lever back to the scenario's own value.
    pub fn reset(&mut self) {
        for l in &self.levers {
            self.values.insert(l.key.clone(), l.baseline.clone());
        }
    }

    /// Restores saved values for the levers this scenario has; unknown keys are ignored.
    pub fn restore(&mut self, saved: &BTreeMap<String, Value>) {
        for (key, value) in saved {
            self.set(key, value.clone());
        }
    }

    /// Whether any lever is off its baseline.
    pub fn changed(&self) -> bool {
        self.levers
            .iter()
            .any(|l| self.values.get(&l.key) != Some(&l.baseline))
    }

    /// The lever settings to apply: one per changed field.
    pub fn settings(&self) -> Vec<(LeverPath, String)> {
        let mut out = Vec::new();
        let mut budget_changed = false;
        for lever in &self.levers {
            let value = self.values.get(&lever.key).unwrap_or(&lever.baseline);
            if *value == lever.baseline {
                continue;
            }
            match &lever.binding {
                Binding::Paths(paths) => {
                    if let Some(ron) = lever.ron(value) {
                        out.extend(paths.iter().map(|p| (p.clone(), ron.clone())));
                    }
                }
                Binding::BudgetPercent | Binding::BudgetDate => budget_changed = true,
            }
        }
        if budget_changed {
            let find = |b: &Binding| {
                self.levers.iter().find(|l| &l.binding == b).and_then(|l| {
                    self.values
                        .get(&l.key)
                        .and_then(|v| l.ron(v))
                        .map(|r| (l, r))
                })
            };
            if let (Some((_, percent)), Some((_, date))) =
                (find(&Binding::BudgetPercent), find(&Binding::BudgetDate))
                && let Ok(path) = "budget.changes".parse::<LeverPath>()
            {
                out.push((
                    path,
                    format!("[(from: {date}, change: Percent({percent}))]"),
                ));
            }
        }
        out
    }
}

fn path(text: &str) -> Option<LeverPath> {
    text.parse().ok()
}

fn number(
    key: String,
    label: String,
    help: &str,
    (range, step, unit): (RangeInclusive<f64>, f64, Unit),
    baseline: f64,
    paths: Vec<LeverPath>,
) -> Lever {
    let mut lever = Lever {
        key,
        label,
        help: help.to_string(),
        control: Control::Number { range, step, unit },
        baseline: Value::Number(baseline),
        binding: Binding::Paths(paths),
    };
    // A baseline off the slider's grid keeps its exact value (it is what the scenario says).
    if let Control::Number { range, .. } = &lever.control
        && !range.contains(&baseline)
    {
        lever.control = Control::Number {
            range: range.start().min(baseline)..=range.end().max(baseline),
            step,
            unit,
        };
    }
    lever
}

/// First day of each month of the run, as RON strings (`"2021-04-01"`).
pub fn month_starts(scenario: &Scenario) -> Vec<String> {
    let start = &scenario.calendar.start;
    let (Some(year), Some(month)) = (
        start.get(0..4).and_then(|y| y.parse::<i32>().ok()),
        start.get(5..7).and_then(|m| m.parse::<i32>().ok()),
    ) else {
        return Vec::new();
    };
    (0..scenario.calendar.months as i32)
        .map(|k| {
            let m = month - 1 + k;
            format!(
                "\"{:04}-{:02}-01\"",
                year + m.div_euclid(12),
                m.rem_euclid(12) + 1
            )
        })
        .collect()
}

fn build(s: &Scenario) -> Vec<Lever> {
    let mut levers = Vec::new();
    if let Some(hv) = s.roles.iter().find(|r| r.health_visitor) {
        let id = &hv.id;
        levers.extend(path(&format!("roles[{id}].contact_share")).map(|p| {
            number(
                "contact_share".into(),
                "Health-visitor contact share".into(),
                "Share of a health visitor's hours left for families once what the scenario does \
                 not count separately (travel, training, meetings; leave and admin too if it has \
                 no absence or overheads) is taken out.",
                (0.30..=0.90, 0.01, Unit::Share),
                hv.contact_share,
                vec![p],
            )
        }));
        levers.extend(path(&format!("roles[{id}].attrition")).map(|p| {
            number(
                "attrition".into(),
                "Health-visitor attrition a year".into(),
                "Share of health visitors leaving each year for reasons other than retirement \
                 (8-12% a year is typical [est]: a planning assumption, not a published rate).",
                (0.0..=0.25, 0.005, Unit::Share),
                hv.attrition,
                vec![p],
            )
        }));
        if let Some(w) = &hv.workload_leaving {
            levers.extend(
                path(&format!("roles[{id}].workload_leaving.per_100")).map(|p| {
                    number(
                        "workload_leaving".into(),
                        format!(
                            "Extra health-visitor leaving a year per 100 children above {:.0}",
                            w.above
                        ),
                        "Leaving that rises with the caseload: in a district whose caseload per \
                         HV WTE is above the threshold, this much more of its health visitors \
                         leave each year for every 100 children over it. 0 turns it off. No \
                         source measures it [est]: a what-if, for how a short-staffed service \
                         can spiral.",
                        (0.0..=0.3, 0.01, Unit::Share),
                        w.per_100,
                        vec![p],
                    )
                }),
            );
        }
        if let Some(f) = s.delivery.as_ref().and_then(|d| d.fewer_contacts.as_ref()) {
            let names: Vec<&str> = s
                .need_levels
                .iter()
                .filter(|l| f.levels.contains(&l.id))
                .map(|l| l.name.as_str())
                .collect();
            levers.extend(path("delivery.fewer_contacts.per_100").map(|p| {
                number(
                    "fewer_contacts".into(),
                    format!(
                        "Fewer {} contacts planned per 100 children above {:.0}",
                        names.join(" and "),
                        f.above
                    ),
                    "Where a team's caseload per HV WTE is above the threshold, this share fewer \
                     of these families' contacts are planned for every 100 children over it, \
                     down to the scenario's floor; coverage counts against the contacts planned. \
                     0 plans every contact whatever the caseload. No source measures it [est]: \
                     the baseline's value is tuned to January 2020's Partnership Plus figure.",
                    (0.0..=0.3, 0.01, Unit::Share),
                    f.per_100,
                    vec![p],
                )
            }));
        }
        if let Some(v) = s.delivery.as_ref().and_then(|d| d.shorter_visits.as_ref()) {
            levers.extend(path("delivery.shorter_visits.per_100").map(|p| {
                number(
                    "shorter_visits".into(),
                    format!(
                        "Visits shorter per 100 children per HV WTE above {:.0}",
                        v.above
                    ),
                    "How much faster a pressed team works: where a team's caseload per HV WTE is \
                     above the threshold, its visits and contacts (and, if the scenario says so, \
                     its time per child) take this share less of their full length for every 100 \
                     children over it, down to the scenario's floor. 0 keeps every visit whole. \
                     No source measures it [est]: it decides how much of any extra staff time \
                     goes to longer visits rather than more of them.",
                    (0.0..=0.3, 0.01, Unit::Share),
                    v.per_100,
                    vec![p],
                )
            }));
        }
        if let Some(r) = &hv.recruitment {
            levers.extend(path(&format!("roles[{id}].recruitment.success")).map(|p| {
                number(
                    "recruitment_success".into(),
                    "External recruitment: chance a vacancy is filled".into(),
                    "Chance that an attempt to fill a health-visitor vacancy from outside \
                     succeeds; a failed attempt is advertised again.",
                    (0.0..=1.0, 0.05, Unit::Share),
                    r.success,
                    vec![p],
                )
            }));
            if let Some(cap) = r.monthly_cap {
                levers.extend(
                    path(&format!("roles[{id}].recruitment.monthly_cap")).map(|p| {
                        number(
                            "recruitment_cap".into(),
                            "External recruitment: most health visitors hired a month".into(),
                            "City-wide cap on experienced health visitors hired in a month (the \
                         national shortage).",
                            (0.0..=20.0, 1.0, Unit::Count),
                            f64::from(cap),
                            vec![p],
                        )
                    }),
                );
            }
        }
    }
    for p in s
        .pipelines
        .iter()
        .filter(|p| p.kind == PipelineKind::Trainee)
    {
        let Some((k, intake)) = p.intakes.iter().enumerate().next_back() else {
            continue;
        };
        let base = format!("pipelines[{}].intakes[{k}]", p.id);
        levers.extend(path(&format!("{base}.size")).map(|path| {
            number(
                format!("intake_size:{}", p.id),
                format!("{}: trainees per intake", p.name),
                "Trainees starting in the programme's latest (or recurring) intake.",
                (0.0..=80.0, 1.0, Unit::Count),
                f64::from(intake.size),
                vec![path],
            )
        }));
        if let Some(every) = intake.every_months
            && let Some(path) = path(&format!("{base}.every_months"))
        {
            let mut options: Vec<u32> = vec![3, 6, 12, 24];
            if !options.contains(&every) {
                options.push(every);
                options.sort_unstable();
            }
            levers.push(Lever {
                key: format!("intake_every:{}", p.id),
                label: format!("{}: months between intakes", p.name),
                help: "How often the recurring intake starts.".into(),
                baseline: Value::Choice(options.iter().position(|&o| o == every).unwrap_or(0)),
                control: Control::Choice(
                    options
                        .iter()
                        .map(|o| (o.to_string(), format!("Every {o} months")))
                        .collect(),
                ),
                binding: Binding::Paths(vec![path]),
            });
        }
    }
    if let Some(v) = &s.volunteers {
        let paths: Vec<LeverPath> = s
            .districts
            .iter()
            .filter_map(|d| path(&format!("volunteers.recruited_per_month.{}", d.id)))
            .collect();
        let mean = if v.recruited_per_month.is_empty() {
            0.0
        } else {
            v.recruited_per_month.values().sum::<f64>() / v.recruited_per_month.len() as f64
        };
        levers.push(number(
            "volunteers".into(),
            "Volunteers recruited a month, per district".into(),
            "New volunteers starting checks and training each month in every district.",
            (0.0..=10.0, 0.5, Unit::Decimal),
            mean,
            paths,
        ));
    }
    if let Some(b) = &s.budget {
        let months = month_starts(s);
        let (percent, from) = match b.changes.first() {
            Some(c) => match c.change {
                Change::Percent(p) => (p, format!("\"{}\"", c.from)),
                Change::Absolute(_) => (0.0, format!("\"{}\"", c.from)),
            },
            None => (
                0.0,
                months.get(months.len() / 2).cloned().unwrap_or_default(),
            ),
        };
        levers.push(Lever {
            key: "budget_change".into(),
            label: "Budget change".into(),
            help: "Change to the annual budget from the chosen month (-10% is a 10% cut). \
                   Replaces the scenario's budget changes."
                .into(),
            control: Control::Number {
                range: (-30.0f64).min(percent)..=10.0f64.max(percent),
                step: 1.0,
                unit: Unit::Percent,
            },
            baseline: Value::Number(percent),
            binding: Binding::BudgetPercent,
        });
        let mut options: Vec<(String, String)> = months
            .iter()
            .map(|m| (m.clone(), m.trim_matches('"')[..7].to_string()))
            .collect();
        if !options.iter().any(|o| o.0 == from) {
            options.push((from.clone(), from.trim_matches('"').to_string()));
        }
        let at = options.iter().position(|o| o.0 == from).unwrap_or(0);
        levers.push(Lever {
            key: "budget_from".into(),
            label: "Budget change from".into(),
            help: "The month the budget change takes effect.".into(),
            control: Control::Choice(options),
            baseline: Value::Choice(at),
            binding: Binding::BudgetDate,
        });
    }
    levers.extend(skill_mix(s));
    let policies = [
        (AllocationPolicy::RiskFirst, "RiskFirst", "Risk first"),
        (
            AllocationPolicy::DeadlineFirst,
            "DeadlineFirst",
            "Deadline first",
        ),
    ];
    levers.extend(path("allocation").map(|p| {
        Lever {
            key: "allocation".into(),
            label: "Allocation policy".into(),
            help: "Risk first: highest-need work and reviews that can still be on time first. \
               Deadline first: earliest deadline first."
                .into(),
            baseline: Value::Choice(
                policies
                    .iter()
                    .position(|x| x.0 == s.allocation)
                    .unwrap_or(0),
            ),
            control: Control::Choice(
                policies
                    .iter()
                    .map(|x| (x.1.to_string(), x.2.to_string()))
                    .collect(),
            ),
            binding: Binding::Paths(vec![p]),
        }
    }));
    levers
}

/// The skill-mix switch: early-years workers may deliver the 2-2½ year review from the start of
/// the run (as in `scenarios/birmingham_skill_mix.ron`), or nobody beyond the review's own roles.
fn skill_mix(s: &Scenario) -> Option<Lever> {
    let review = s.reviews.iter().find(|r| r.id == "two_year")?;
    let extra = s.roles.iter().find(|r| r.id == "early_years_worker")?;
    let on_in_scenario = s
        .skill_mix_changes
        .iter()
        .any(|c| c.work == WorkRef::Review(review.id.clone()));
    let mut roles: Vec<String> = review.roles.clone();
    if !roles.contains(&extra.id) {
        roles.insert(0, extra.id.clone());
    }
    let roles: Vec<String> = roles.iter().map(|r| format!("{r:?}")).collect();
    let on = format!(
        "[(from: {:?}, work: Review({:?}), roles: [{}])]",
        s.calendar.start,
        review.id,
        roles.join(", ")
    );
    let off = "[]".to_string();
    Some(Lever {
        key: "skill_mix".into(),
        label: "Skill mix: early-years workers deliver the 2-2½ year review".into(),
        help: "On: early-years workers (band 3) are accredited to deliver the 2-2½ year review \
               from the start of the run. Off: only the review's own roles do."
            .into(),
        control: Control::Choice(vec![(off, "Off".into()), (on, "On".into())]),
        baseline: Value::Choice(usize::from(on_in_scenario)),
        binding: Binding::Paths(vec![path("skill_mix_changes")?]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Scenario {
        caseload::load::baseline().expect("baseline").scenario
    }

    #[test]
    fn baseline_levers_start_at_the_scenario_values_and_set_nothing() {
        let levers = Levers::of(&baseline());
        assert!(!levers.changed());
        assert!(levers.settings().is_empty());
        let keys: Vec<&str> = levers.levers.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "contact_share",
                "attrition",
                "workload_leaving",
                "fewer_contacts",
                "shorter_visits",
                "recruitment_success",
                "recruitment_cap",
                "intake_size:graduates_february_2020",
                "volunteers",
                "budget_change",
                "budget_from",
                "skill_mix",
                "allocation"
            ]
        );
        assert_eq!(levers.value("contact_share"), Some(&Value::Number(0.73)));
    }

    #[test]
    fn numbers_are_clamped_and_rounded_to_the_step() {
        let mut levers = Levers::of(&baseline());
        assert!(levers.set("contact_share", Value::Number(0.4349)));
        assert_eq!(levers.value("contact_share"), Some(&Value::Number(0.43)));
        levers.set("contact_share", Value::Number(5.0));
        assert_eq!(levers.value("contact_share"), Some(&Value::Number(0.9)));
        let settings = levers.settings();
        assert_eq!(settings.len(), 1);
        assert_eq!(
            settings[0].0.to_string(),
            "roles[health_visitor].contact_share"
        );
        assert_eq!(settings[0].1, "0.9");
    }

    /// Sets lever `key` (at `from` in the baseline) to 0 and applies it: the one setting names
    /// `path`, and the baseline accepts it. Returns the scenario it gives.
    fn set_to_zero(key: &str, from: f64, path: &str) -> Scenario {
        let loaded = caseload::load::baseline().expect("baseline");
        let mut levers = Levers::of(&loaded.scenario);
        assert_eq!(levers.value(key), Some(&Value::Number(from)));
        assert!(levers.set(key, Value::Number(0.0)));
        let settings = levers.settings();
        assert_eq!(settings[0].0.to_string(), path);
        let pairs: Vec<(&LeverPath, &str)> =
            settings.iter().map(|(p, v)| (p, v.as_str())).collect();
        caseload::lever::apply(&loaded, &pairs)
            .expect("applies")
            .scenario
    }

    #[test]
    fn fewer_contacts_lever_sets_a_value_the_scenario_accepts() {
        let s = set_to_zero("fewer_contacts", 0.1, "delivery.fewer_contacts.per_100");
        let cut = s.delivery.and_then(|d| d.fewer_contacts);
        assert_eq!(cut.map(|f| f.per_100), Some(0.0));
    }

    #[test]
    fn shorter_visits_lever_sets_a_value_the_scenario_accepts() {
        let s = set_to_zero("shorter_visits", 0.13, "delivery.shorter_visits.per_100");
        let pace = s.delivery.and_then(|d| d.shorter_visits);
        assert_eq!(pace.map(|v| v.per_100), Some(0.0));
    }

    #[test]
    fn month_starts_cross_year_ends() {
        let mut s = baseline();
        s.calendar.start = "2019-11-01".into();
        s.calendar.months = 3;
        assert_eq!(
            month_starts(&s),
            ["\"2019-11-01\"", "\"2019-12-01\"", "\"2020-01-01\""]
        );
    }
}
