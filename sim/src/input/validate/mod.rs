//! Semantic validation: a [`Scenario`] becomes a [`Model`] only if every check passes, and every
//! problem in the file is reported at once, each naming its field path and what was expected.
//!
//! After this point the engine never re-checks input: ids are indices, probabilities are in range,
//! rows sum to one, sizes are bounded.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use crate::calendar::{Calendar, Day};
use crate::locate::FieldPath;
use crate::model::{Level, Model, ReviewModel, RoleIx, RoleModel, Windows, limits};
use crate::rag::RagRule;
use crate::scenario::{Anchor, LeaveAt, Offset, Scenario};

mod delivery;
mod districts;
mod need;
mod pipelines;
mod uncertain;
mod workforce;

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where: the path of the offending field.
    pub field: FieldPath,
    /// What is wrong and what was expected.
    pub message: String,
}

/// How far a probability row may be from summing to exactly 1.
const SUM_TOLERANCE: f64 = 1e-6;

/// Largest amount, rate or number of hours a scenario may give: far above any real service (£1e12
/// a year, 1e12 hours), and small enough that sums and products over a run (spend, hours needed)
/// stay finite.
const MAX_AMOUNT: f64 = 1e12;

/// Checks `scenario` and builds its [`Model`], or returns every problem found.
pub fn validate(scenario: &Scenario) -> Result<Model, Vec<Problem>> {
    let mut v = Checker::default();
    let root = FieldPath::root();
    if scenario.name.trim().is_empty() {
        v.err(root.field("name"), "must not be empty");
    }
    let calendar = v.calendar(scenario);
    if let LeaveAt::SchoolEntry { month, day } = scenario.population.leave_at {
        let p = root.field("population").field("leave_at");
        if !(1..=12).contains(&month) {
            v.err(
                p.field("month"),
                format!("must be a month 1-12, found {month}"),
            );
        }
        if !(1..=28).contains(&day) {
            v.err(p.field("day"), format!("must be a day 1-28, found {day}"));
        }
    }

    let role_ids = v.ids(
        root.field("roles"),
        scenario.roles.iter().map(|r| r.id.as_str()),
        limits::MAX_ROLES,
    );
    let level_ids = v.ids(
        root.field("need_levels"),
        scenario.need_levels.iter().map(|l| l.id.as_str()),
        limits::MAX_LEVELS,
    );
    let district_ids = v.ids(
        root.field("districts"),
        scenario.districts.iter().map(|d| d.id.as_str()),
        limits::MAX_DISTRICTS,
    );
    let review_ids = v.ids(
        root.field("reviews"),
        scenario.reviews.iter().map(|r| r.id.as_str()),
        limits::MAX_REVIEWS,
    );

    let mut roles = v.roles(scenario);
    let levels = v.levels(scenario, &level_ids, &role_ids);
    let reviews = v.reviews(scenario, &role_ids);
    let mut districts = v.districts(scenario, &level_ids, &role_ids, &district_ids);
    let ids = workforce::Ids {
        roles: &role_ids,
        levels: &level_ids,
        districts: &district_ids,
        reviews: &review_ids,
    };
    let cal = calendar.as_ref();
    v.role_workforce(scenario, &mut roles, cal);
    v.establishment(scenario, &mut districts, &role_ids);
    let universal_support = v.universal_support(scenario, &role_ids);
    let pipelines = v.pipelines(scenario, &ids, cal);
    let volunteers = v.volunteers(scenario, &ids);
    let skill_mix_changes = v.skill_mix(scenario, &ids, cal);
    let mutual_aid = v.mutual_aid(scenario, &ids, cal);
    let budget = v.budget(scenario, cal);
    let delivery = v.delivery(scenario, &ids);
    v.uncertain(scenario);
    let rag = v.rag(scenario);

    let (Some(calendar), true) = (calendar, v.problems.is_empty()) else {
        return Err(v.problems);
    };
    let mut review_order: Vec<u8> = (0..reviews.len() as u8).collect();
    let typical_open = |r: &ReviewModel| approx_days(r.opens) + anchor_shift(r.anchor);
    review_order.sort_by(|&a, &b| {
        typical_open(&reviews[a as usize]).total_cmp(&typical_open(&reviews[b as usize]))
    });
    let pregnancy_lead_days = reviews
        .iter()
        .filter(|r| r.anchor == Anchor::ExpectedBirth)
        .map(|r| -min_days(r.opens))
        .max()
        .unwrap_or(0)
        .max(0);
    // Children at the start were born up to five years before it (six, to be safe); the last
    // expected births a run meets are a pregnancy's lead after its end.
    let births = -6 * 366..calendar.days() + pregnancy_lead_days + 1;
    let windows = Windows::new(&reviews, scenario.population.leave_at, &calendar, births);
    let district_transitions = if scenario.population.keep_district_need_mix {
        need::district_transitions(&levels, &districts)
    } else {
        Vec::new()
    };
    Ok(Model {
        name: scenario.name.clone(),
        calendar,
        leave_at: scenario.population.leave_at,
        levels,
        reviews,
        review_order,
        pregnancy_lead_days,
        roles,
        districts,
        policy: scenario.allocation,
        delivery,
        universal_support: universal_support.0,
        universal_support_roles: universal_support.1,
        pipelines,
        volunteers,
        skill_mix_changes,
        mutual_aid,
        budget,
        windows,
        weighted_caseload: scenario
            .need_levels
            .iter()
            .any(|l| l.caseload_weight.is_some()),
        contacts_by_age: scenario
            .need_levels
            .iter()
            .any(|l| !l.contacts_by_age.is_empty()),
        district_transitions,
        rag,
    })
}

/// Days an offset spans for ordering checks: months at their mean length.
fn approx_days(o: Offset) -> f64 {
    match o {
        Offset::Days(n) => f64::from(n),
        Offset::Weeks(n) => f64::from(n) * 7.0,
        Offset::Months(n) => f64::from(n) * 365.2425 / 12.0,
    }
}

/// The earliest a window can open, in days from the anchor (months at their shortest).
fn min_days(o: Offset) -> i32 {
    match o {
        Offset::Days(n) => n,
        Offset::Weeks(n) => n.saturating_mul(7),
        Offset::Months(n) if n < 0 => n.saturating_mul(31),
        Offset::Months(n) => n.saturating_mul(28),
    }
}

/// Both anchors are the birth day in this model (a child is born on its expected date).
fn anchor_shift(_: Anchor) -> f64 {
    0.0
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    /// The red/amber/green thresholds: positive caseloads in order, points within 0-100.
    fn rag(&mut self, s: &Scenario) -> RagRule {
        let p = FieldPath::root().field("rag");
        let t = &s.rag;
        self.positive(p.field("caseload_green"), t.caseload_green);
        self.positive(p.field("caseload_amber"), t.caseload_amber);
        if t.caseload_amber < t.caseload_green {
            self.err(
                p.field("caseload_amber"),
                format!(
                    "must be at least caseload_green ({}), found {}",
                    t.caseload_green, t.caseload_amber
                ),
            );
        }
        if !(0.0..=100.0).contains(&t.compliance_amber_points) {
            self.err(
                p.field("compliance_amber_points"),
                format!(
                    "must be a number of percentage points from 0 to 100, found {}",
                    t.compliance_amber_points
                ),
            );
        }
        RagRule::from(t)
    }

    fn err(&mut self, field: FieldPath, message: impl Into<String>) {
        self.problems.push(Problem {
            field,
            message: message.into(),
        });
    }

    fn probability(&mut self, p: FieldPath, x: f64) {
        if !(0.0..=1.0).contains(&x) {
            self.err(p, format!("must be a probability in [0, 1], found {x}"));
        }
    }

    fn non_negative(&mut self, p: FieldPath, x: f64) {
        if !(x.is_finite() && x >= 0.0) {
            self.err(p, format!("must be a finite number >= 0, found {x}"));
        } else {
            self.not_huge(p, x);
        }
    }

    fn positive(&mut self, p: FieldPath, x: f64) {
        if !(x.is_finite() && x > 0.0) {
            self.err(p, format!("must be a finite number > 0, found {x}"));
        } else {
            self.not_huge(p, x);
        }
    }

    /// A priority within [`limits::MAX_PRIORITY`].
    fn priority(&mut self, p: FieldPath, x: u32) {
        if x > limits::MAX_PRIORITY {
            let max = limits::MAX_PRIORITY;
            self.err(p, format!("must be at most {max}, found {x}"));
        }
    }

    fn not_huge(&mut self, p: FieldPath, x: f64) {
        if x > MAX_AMOUNT {
            self.err(p, format!("must be at most {MAX_AMOUNT:e}, found {x:e}"));
        }
    }

    /// Checks a list's ids (non-empty, well formed, unique, count within `max`) and maps them to
    /// indices.
    fn ids<'a>(
        &mut self,
        list: FieldPath,
        ids: impl Iterator<Item = &'a str>,
        max: usize,
    ) -> HashMap<String, usize> {
        let mut map = HashMap::new();
        let mut n = 0;
        for (i, id) in ids.enumerate() {
            n += 1;
            let p = list.index(i).field("id");
            if !is_identifier(id) {
                self.err(
                    p,
                    format!(
                        "must be an identifier of at most 64 lowercase letters, digits and '_', starting with a letter; found {id:?}"
                    ),
                );
            } else if map.insert(id.to_string(), i).is_some() {
                self.err(p, format!("duplicate id {id:?}"));
            }
        }
        if n > max {
            self.err(list, format!("at most {max} entries allowed, found {n}"));
        }
        map
    }

    /// Resolves a list of role ids, which must be non-empty when `required`.
    fn role_list(
        &mut self,
        p: FieldPath,
        ids: &[String],
        roles: &HashMap<String, usize>,
        required: bool,
    ) -> Vec<RoleIx> {
        if required && ids.is_empty() {
            self.err(p.clone(), "must name at least one role");
        }
        let mut out = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            match roles.get(id) {
                Some(&r) if out.contains(&(r as RoleIx)) => {
                    self.err(p.index(i), format!("role {id:?} is listed twice"))
                }
                Some(&r) => out.push(r as RoleIx),
                None => self.err(p.index(i), unknown("role", id, roles)),
            }
        }
        out
    }

    /// Turns a map of probabilities by id into a cumulative vector over `ids`' indices; the map
    /// must sum to 1.
    fn distribution(
        &mut self,
        p: FieldPath,
        map: &BTreeMap<String, f64>,
        ids: &HashMap<String, usize>,
        what: &str,
    ) -> Vec<f64> {
        let mut probs = vec![0.0; slots(ids)];
        for (k, &x) in map {
            self.probability(p.key(k), x);
            match ids.get(k) {
                Some(&i) => probs[i] = x,
                None => self.err(p.key(k), unknown(what, k, ids)),
            }
        }
        let sum: f64 = map.values().sum();
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            self.err(p, format!("probabilities must sum to 1, they sum to {sum}"));
        }
        let mut acc = 0.0;
        let mut cdf: Vec<f64> = probs
            .iter()
            .map(|x| {
                acc += x;
                acc
            })
            .collect();
        if let Some(last) = cdf.last_mut() {
            *last = 1.0;
        }
        cdf
    }

    fn calendar(&mut self, s: &Scenario) -> Option<Calendar> {
        let p = FieldPath::root().field("calendar");
        let c = &s.calendar;
        let start = match c.start.parse::<Date>() {
            Ok(d) if !(MIN_START_YEAR..=MAX_START_YEAR).contains(&d.year()) => {
                self.err(
                    p.field("start"),
                    format!("must be a date in the years {MIN_START_YEAR} to {MAX_START_YEAR}, found {d}"),
                );
                None
            }
            Ok(d) if d.day() == 1 => Some(d),
            Ok(d) => {
                self.err(
                    p.field("start"),
                    format!("must be the first day of a month, found {d}"),
                );
                None
            }
            Err(_) => {
                self.err(
                    p.field("start"),
                    format!(
                        "must be an ISO date like \"2019-01-01\", found {:?}",
                        c.start
                    ),
                );
                None
            }
        };
        if !(1..=limits::MAX_MONTHS).contains(&c.months) {
            self.err(
                p.field("months"),
                format!(
                    "must be 1 to {} months, found {}",
                    limits::MAX_MONTHS,
                    c.months
                ),
            );
        }
        if c.warm_up_months > limits::MAX_WARM_UP_MONTHS {
            self.err(
                p.field("warm_up_months"),
                format!(
                    "must be 0 to {} months, found {}",
                    limits::MAX_WARM_UP_MONTHS,
                    c.warm_up_months
                ),
            );
        }
        if c.working_days.is_empty() {
            self.err(p.field("working_days"), "must list at least one day");
        }
        for (i, d) in c.working_days.iter().enumerate() {
            if c.working_days[..i].contains(d) {
                self.err(
                    p.field("working_days").index(i),
                    format!("{d:?} is listed twice"),
                );
            }
        }
        let start = start?;
        let warm_up = c.warm_up_months.min(limits::MAX_WARM_UP_MONTHS);
        let first = start
            .checked_sub(jiff::Span::new().months(i64::from(warm_up)))
            .unwrap_or(start);
        let end = start
            .checked_add(jiff::Span::new().months(i64::from(c.months.min(limits::MAX_MONTHS))))
            .ok();
        let mut holidays: Vec<Day> = Vec::new();
        for (i, h) in c.bank_holidays.iter().enumerate() {
            let hp = p.field("bank_holidays").index(i);
            match h.parse::<Date>() {
                Ok(d) if d < first || end.is_some_and(|e| d >= e) => self.err(
                    hp,
                    format!(
                        "{d} is outside the simulated period ({first} to {})",
                        end.and_then(|e| e.yesterday().ok())
                            .map_or_else(String::new, |e| e.to_string())
                    ),
                ),
                Ok(d) => holidays.push(start.until(d).map(|s| s.get_days()).unwrap_or(0)),
                Err(_) => self.err(
                    hp,
                    format!("must be an ISO date like \"2019-12-25\", found {h:?}"),
                ),
            }
        }
        if !(1..=limits::MAX_MONTHS).contains(&c.months) {
            return None;
        }
        Some(Calendar::new(
            start,
            c.months,
            &c.working_days,
            &holidays,
            warm_up,
        ))
    }

    fn roles(&mut self, s: &Scenario) -> Vec<RoleModel> {
        let list = FieldPath::root().field("roles");
        if s.roles.is_empty() {
            self.err(list.clone(), "must define at least one role");
        }
        let days_per_week = s.calendar.working_days.len().max(1) as f64;
        let mut out = Vec::new();
        for (i, r) in s.roles.iter().enumerate() {
            let p = list.index(i);
            if !(r.hours_per_week.is_finite()
                && r.hours_per_week > 0.0
                && r.hours_per_week <= 168.0)
            {
                self.err(
                    p.field("hours_per_week"),
                    format!(
                        "must be more than 0 and at most 168, found {}",
                        r.hours_per_week
                    ),
                );
            }
            self.probability(p.field("contact_share"), r.contact_share);
            self.non_negative(p.field("annual_cost"), r.annual_cost);
            out.push(RoleModel {
                id: r.id.clone(),
                name: r.name.clone(),
                contact_hours_per_day: r.hours_per_week * r.contact_share / days_per_week,
                annual_cost: r.annual_cost,
                health_visitor: r.health_visitor,
                attrition: 0.0,
                retirement: Vec::new(),
                age_cdf: Vec::new(),
                recruitment: None,
                workload_leaving: None,
            });
        }
        if !s.roles.is_empty() && !s.roles.iter().any(|r| r.health_visitor) {
            self.err(
                list,
                "at least one role must have `health_visitor: true` (the caseload denominator)",
            );
        }
        out
    }

    fn levels(
        &mut self,
        s: &Scenario,
        level_ids: &HashMap<String, usize>,
        role_ids: &HashMap<String, usize>,
    ) -> Vec<Level> {
        let list = FieldPath::root().field("need_levels");
        if s.need_levels.is_empty() {
            self.err(list.clone(), "must define at least one level of need");
        }
        let mut out = Vec::new();
        for (i, l) in s.need_levels.iter().enumerate() {
            let p = list.index(i);
            let transition_cdf = self.distribution(
                p.field("transitions"),
                &l.transitions,
                level_ids,
                "need level",
            );
            self.non_negative(p.field("contacts_per_month"), l.contacts_per_month);
            let needs_contacts = l.contacts_per_month > 0.0;
            if needs_contacts {
                self.positive(p.field("contact_hours"), l.contact_hours);
            } else {
                self.non_negative(p.field("contact_hours"), l.contact_hours);
            }
            let contact_roles = self.role_list(
                p.field("contact_roles"),
                &l.contact_roles,
                role_ids,
                needs_contacts,
            );
            self.age_factors(p.field("contacts_by_age"), &l.contacts_by_age);
            if let Some(w) = l.caseload_weight {
                self.positive(p.field("caseload_weight"), w);
            }
            self.priority(p.field("priority"), l.priority);
            out.push(Level {
                id: l.id.clone(),
                name: l.name.clone(),
                transition_cdf,
                contacts_per_month: l.contacts_per_month,
                contact_hours: l.contact_hours,
                contact_roles,
                priority: l.priority,
                contacts_by_age: l.contacts_by_age.clone(),
                caseload_weight: l.caseload_weight.unwrap_or(1.0),
                released_at_start: l.released == crate::scenario::Release::AtMonthStart,
            });
        }
        out
    }

    fn reviews(&mut self, s: &Scenario, role_ids: &HashMap<String, usize>) -> Vec<ReviewModel> {
        let list = FieldPath::root().field("reviews");
        let mut out = Vec::new();
        for (i, r) in s.reviews.iter().enumerate() {
            let p = list.index(i);
            let (o, t, l) = (
                approx_days(r.opens),
                approx_days(r.on_time),
                approx_days(r.last_chance),
            );
            if o > t {
                self.err(
                    p.field("on_time"),
                    format!(
                        "must not come before `opens` ({:?} is before {:?})",
                        r.on_time, r.opens
                    ),
                );
            }
            if t > l {
                self.err(
                    p.field("last_chance"),
                    format!(
                        "must not come before `on_time` ({:?} is before {:?})",
                        r.last_chance, r.on_time
                    ),
                );
            }
            self.priority(p.field("priority"), r.priority);
            if r.anchor == Anchor::Birth && min_days(r.opens) < 0 {
                self.err(
                    p.field("opens"),
                    "a window anchored on `Birth` cannot open before birth; anchor it on `ExpectedBirth`",
                );
            }
            if r.anchor == Anchor::ExpectedBirth && min_days(r.opens) < -MAX_PREGNANCY_LEAD_DAYS {
                self.err(
                    p.field("opens"),
                    format!(
                        "a pregnancy is known at most {MAX_PREGNANCY_LEAD_DAYS} days (40 weeks) before birth, found {:?}",
                        r.opens
                    ),
                );
            }
            for (field, days) in [("opens", o), ("on_time", t), ("last_chance", l)] {
                if days.abs() > MAX_WINDOW_DAYS {
                    self.err(
                        p.field(field),
                        format!("must lie within {MAX_WINDOW_DAYS} days (ten years) of the anchor"),
                    );
                }
            }
            self.positive(p.field("hours"), r.hours);
            self.probability(p.field("uptake"), r.uptake);
            self.probability(p.field("offered_share"), r.offered_share);
            if let Some(target) = r.target {
                self.probability(p.field("target"), target);
            }
            let roles = self.role_list(p.field("roles"), &r.roles, role_ids, true);
            out.push(ReviewModel {
                id: r.id.clone(),
                name: r.name.clone(),
                metric: r.metric.clone(),
                anchor: r.anchor,
                opens: r.opens,
                on_time: r.on_time,
                last_chance: r.last_chance,
                hours: r.hours,
                uptake: r.uptake,
                offered_share: r.offered_share,
                roles,
                priority: r.priority,
                target: r.target,
                reported: r.reported,
                coverage: r.coverage.clone(),
            });
        }
        out
    }
}

/// Earliest and latest start years: the calendar tables reach decades either side, and any real
/// scenario sits well inside.
const MIN_START_YEAR: i16 = 1900;
const MAX_START_YEAR: i16 = 2200;
/// Longest a pregnancy can be known before the expected birth: 40 weeks.
const MAX_PREGNANCY_LEAD_DAYS: i32 = 280;
/// Review windows must lie within this many days of their anchor (ten years).
const MAX_WINDOW_DAYS: f64 = 3653.0;

pub(crate) fn unknown(what: &str, id: &str, known: &HashMap<String, usize>) -> String {
    let mut names: Vec<&str> = known.keys().map(String::as_str).collect();
    names.sort_unstable();
    format!(
        "unknown {what} {id:?}; expected one of: {}",
        names.join(", ")
    )
}

/// Ids appear in metric names and CSV cells: keep them plain.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.len() <= 64
}

/// Vector length covering every index in an id map: with duplicate ids the map holds fewer entries
/// than the list has items, and validation must not index past them.
pub(crate) fn slots(ids: &HashMap<String, usize>) -> usize {
    ids.values().copied().max().map_or(0, |m| m + 1)
}
