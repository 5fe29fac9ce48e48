//! Validation of the workforce sections: attrition and retirement, establishment and recruitment,
//! pipelines, volunteers, universal support, skill mix changes, mutual aid and the budget.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use super::{Checker, MAX_AMOUNT, unknown};
use crate::calendar::{Calendar, Day};
use crate::locate::FieldPath;
use crate::model::{
    BudgetModel, DistrictIx, DistrictModel, MutualAidModel, RecruitmentModel, RoleIx, RoleModel,
    SecondmentModel, SkillMixModel, UniversalSupportModel, VolunteersModel, Work,
};
use crate::scenario::{Change, DaysDistribution, Scenario, WorkRef};

/// The id maps built by the core checks.
pub(super) struct Ids<'a> {
    pub roles: &'a HashMap<String, usize>,
    pub levels: &'a HashMap<String, usize>,
    pub districts: &'a HashMap<String, usize>,
    pub reviews: &'a HashMap<String, usize>,
}

/// Most volunteer recruits expected over the run.
const MAX_VOLUNTEER_RECRUITS: f64 = 5_000_000.0;
/// Longest time to fill or onboarding considered, in days (ten years).
const MAX_DAYS: f64 = 3653.0;

impl Checker {
    /// A date that must parse; with a calendar, it must also fall inside the run unless
    /// `before_start` allows earlier dates.
    pub(super) fn day(
        &mut self,
        p: FieldPath,
        text: &str,
        cal: Option<&Calendar>,
        before_start: bool,
    ) -> Option<Day> {
        let Ok(date) = text.parse::<Date>() else {
            self.err(
                p,
                format!("must be an ISO date like \"2020-02-01\", found {text:?}"),
            );
            return None;
        };
        let cal = cal?;
        let day = cal.day_of(date);
        if day >= cal.days() || (!before_start && day < 0) {
            let last = cal
                .start()
                .checked_add(jiff::Span::new().days(i64::from(cal.days() - 1)))
                .map_or_else(|_| String::new(), |d| d.to_string());
            self.err(
                p,
                format!(
                    "{date} is outside the simulated period ({} to {last})",
                    cal.start()
                ),
            );
            return None;
        }
        Some(day)
    }

    pub(super) fn role_id(
        &mut self,
        p: FieldPath,
        id: &str,
        roles: &HashMap<String, usize>,
    ) -> Option<RoleIx> {
        match roles.get(id) {
            Some(&r) => Some(r as RoleIx),
            None => {
                self.err(p, unknown("role", id, roles));
                None
            }
        }
    }

    pub(super) fn district_id(
        &mut self,
        p: FieldPath,
        id: &str,
        districts: &HashMap<String, usize>,
    ) -> Option<DistrictIx> {
        match districts.get(id) {
            Some(&d) => Some(d as DistrictIx),
            None => {
                self.err(p, unknown("district", id, districts));
                None
            }
        }
    }

    pub(super) fn days_distribution(&mut self, p: FieldPath, d: &DaysDistribution) {
        let ok = |x: f64| x.is_finite() && (0.0..=MAX_DAYS).contains(&x);
        match *d {
            DaysDistribution::Fixed(x) if !ok(x) => {
                self.err(p, format!("days must be 0 to {MAX_DAYS}, found {x}"))
            }
            DaysDistribution::Uniform { min, max } if !(ok(min) && ok(max) && min <= max) => self.err(
                p,
                format!("needs 0 <= min <= max <= {MAX_DAYS} days, found min {min}, max {max}"),
            ),
            DaysDistribution::Exponential(mean) if !(ok(mean) && mean > 0.0) => {
                self.err(p, format!("the mean must be more than 0 and at most {MAX_DAYS} days, found {mean}"))
            }
            DaysDistribution::Gamma { mean, sd } if !(ok(mean) && mean > 0.0 && ok(sd) && sd > 0.0) => {
                self.err(p, format!("mean and sd must be more than 0 and at most {MAX_DAYS} days, found mean {mean}, sd {sd}"))
            }
            _ => {}
        }
    }

    /// Attrition, retirement, ages and recruitment of each role.
    pub(super) fn role_workforce(
        &mut self,
        s: &Scenario,
        roles: &mut [RoleModel],
        cal: Option<&Calendar>,
    ) {
        let list = FieldPath::root().field("roles");
        for (i, (r, model)) in s.roles.iter().zip(roles.iter_mut()).enumerate() {
            let p = list.index(i);
            self.probability(p.field("attrition"), r.attrition);
            model.attrition = r.attrition;
            if let Some(w) = &r.workload_leaving {
                let wp = p.field("workload_leaving");
                self.non_negative(wp.field("above"), w.above);
                self.probability(wp.field("per_100"), w.per_100);
                model.workload_leaving = Some((w.above, w.per_100 / 100.0));
            }
            for (j, band) in r.retirement.iter().enumerate() {
                let bp = p.field("retirement").index(j);
                self.probability(bp.field("rate"), band.rate);
                if band.to_age < band.from_age || band.to_age > 120 {
                    self.err(
                        bp.field("to_age"),
                        format!(
                            "must be at least from_age ({}) and at most 120",
                            band.from_age
                        ),
                    );
                }
                model
                    .retirement
                    .push((band.from_age, band.to_age, band.rate));
            }
            let mut acc = 0.0;
            for (j, band) in r.age_mix.iter().enumerate() {
                let bp = p.field("age_mix").index(j);
                self.probability(bp.field("share"), band.share);
                if band.from_age < 16 {
                    self.err(
                        bp.field("from_age"),
                        format!("staff are 16 or older, found {}", band.from_age),
                    );
                }
                if band.to_age < band.from_age || band.to_age > 120 {
                    self.err(
                        bp.field("to_age"),
                        format!(
                            "must be at least from_age ({}) and at most 120",
                            band.from_age
                        ),
                    );
                }
                acc += band.share;
                model.age_cdf.push((band.from_age, band.to_age, acc));
            }
            if !r.age_mix.is_empty() && (acc - 1.0).abs() > super::SUM_TOLERANCE {
                self.err(
                    p.field("age_mix"),
                    format!("shares must sum to 1, they sum to {acc}"),
                );
            }
            if let Some(last) = model.age_cdf.last_mut() {
                last.2 = 1.0;
            }
            if !r.retirement.is_empty() && r.age_mix.is_empty() {
                self.err(
                    p.field("age_mix"),
                    "retirement by age needs the ages of staff in post (age_mix)",
                );
            }
            if let Some(rec) = &r.recruitment {
                let rp = p.field("recruitment");
                self.days_distribution(rp.field("time_to_fill"), &rec.time_to_fill);
                self.probability(rp.field("success"), rec.success);
                if !(0.1..=1.0).contains(&rec.wte) {
                    self.err(
                        rp.field("wte"),
                        format!("must be 0.1 to 1, found {}", rec.wte),
                    );
                }
                if rec.monthly_cap == Some(0) {
                    self.err(
                        rp.field("monthly_cap"),
                        "must be at least 1 (to stop recruitment, use frozen_from)",
                    );
                }
                let frozen_from = rec
                    .frozen_from
                    .as_ref()
                    .and_then(|d| self.day(rp.field("frozen_from"), d, cal, false));
                model.recruitment = Some(RecruitmentModel {
                    time_to_fill: rec.time_to_fill,
                    success: rec.success,
                    monthly_cap: rec.monthly_cap,
                    wte: rec.wte,
                    frozen_from,
                });
            }
        }
    }

    /// Each district's funded posts; roles left out are funded at their staff in post.
    pub(super) fn establishment(
        &mut self,
        s: &Scenario,
        districts: &mut [DistrictModel],
        roles: &HashMap<String, usize>,
    ) {
        let list = FieldPath::root().field("districts");
        for (i, (d, model)) in s.districts.iter().zip(districts.iter_mut()).enumerate() {
            let mut posts = vec![0.0; s.roles.len()];
            for &(r, wte) in &model.staff {
                posts[r as usize] += wte;
            }
            for (k, &x) in &d.establishment {
                let p = list.index(i).field("establishment").key(k);
                self.non_negative(p.clone(), x);
                if x > crate::model::limits::MAX_STAFF_WTE {
                    self.err(
                        p.clone(),
                        format!("at most {} WTE", crate::model::limits::MAX_STAFF_WTE),
                    );
                }
                if let Some(r) = self.role_id(p, k, roles) {
                    posts[r as usize] = x;
                }
            }
            model.establishment = posts;
        }
    }

    /// The universal support section and its roles.
    pub(super) fn universal_support(
        &mut self,
        s: &Scenario,
        roles: &HashMap<String, usize>,
    ) -> (Option<UniversalSupportModel>, Vec<RoleIx>) {
        let Some(u) = &s.universal_support else {
            return (None, Vec::new());
        };
        let p = FieldPath::root().field("universal_support");
        self.non_negative(
            p.field("hours_per_child_per_month"),
            u.hours_per_child_per_month,
        );
        let roles = self.role_list(p.field("roles"), &u.roles, roles, false);
        self.priority(p.field("priority"), u.priority);
        let model = UniversalSupportModel {
            hours_per_child_per_month: u.hours_per_child_per_month,
            priority: u.priority,
        };
        (Some(model), roles)
    }

    /// A per-district map as a vector over district indices.
    fn per_district<T: Copy + Default>(
        &mut self,
        p: FieldPath,
        map: &BTreeMap<String, T>,
        districts: &HashMap<String, usize>,
    ) -> Vec<T> {
        let mut out = vec![T::default(); super::slots(districts)];
        for (k, &x) in map {
            if let Some(d) = self.district_id(p.key(k), k, districts) {
                out[d as usize] = x;
            }
        }
        out
    }

    /// The volunteer programme.
    pub(super) fn volunteers(&mut self, s: &Scenario, ids: &Ids) -> Option<VolunteersModel> {
        let v = s.volunteers.as_ref()?;
        let p = FieldPath::root().field("volunteers");
        for (k, &x) in &v.recruited_per_month {
            self.non_negative(p.field("recruited_per_month").key(k), x);
            if x > 100_000.0 {
                self.err(
                    p.field("recruited_per_month").key(k),
                    "at most 100000 a month",
                );
            }
        }
        for (k, &x) in &v.active_at_start {
            if x > 1_000_000 {
                self.err(p.field("active_at_start").key(k), "at most 1000000");
            }
        }
        let recruited_per_month = self.per_district(
            p.field("recruited_per_month"),
            &v.recruited_per_month,
            ids.districts,
        );
        let expected = recruited_per_month.iter().sum::<f64>() * f64::from(s.calendar.months);
        if expected > MAX_VOLUNTEER_RECRUITS {
            self.err(
                p.field("recruited_per_month"),
                format!("at most {MAX_VOLUNTEER_RECRUITS} recruits expected over the run, found {expected:.0}"),
            );
        }
        let active_at_start = self.per_district(
            p.field("active_at_start"),
            &v.active_at_start,
            ids.districts,
        );
        if f64::from(v.onboarding_days) > MAX_DAYS {
            self.err(
                p.field("onboarding_days"),
                format!("at most {MAX_DAYS} days"),
            );
        }
        if !(v.mean_tenure_months.is_finite()
            && v.mean_tenure_months > 0.0
            && v.mean_tenure_months <= 600.0)
        {
            self.err(
                p.field("mean_tenure_months"),
                format!(
                    "must be more than 0 and at most 600, found {}",
                    v.mean_tenure_months
                ),
            );
        }
        if !(v.hours_per_week.is_finite() && v.hours_per_week > 0.0 && v.hours_per_week <= 60.0) {
            self.err(
                p.field("hours_per_week"),
                format!(
                    "must be more than 0 and at most 60, found {}",
                    v.hours_per_week
                ),
            );
        }
        self.non_negative(
            p.field("supervision_hours_per_week"),
            v.supervision_hours_per_week,
        );
        self.non_negative(p.field("annual_cost"), v.annual_cost);
        let supervisor_role =
            self.role_id(p.field("supervisor_role"), &v.supervisor_role, ids.roles)?;
        let days_per_week = s.calendar.working_days.len().max(1) as f64;
        Some(VolunteersModel {
            recruited_per_month,
            active_at_start,
            onboarding_days: v.onboarding_days as i32,
            mean_tenure_days: v.mean_tenure_months * 365.25 / 12.0,
            hours_per_day: v.hours_per_week / days_per_week,
            supervision_hours_per_day: v.supervision_hours_per_week / days_per_week,
            supervisor_role,
            annual_cost: v.annual_cost,
        })
    }

    /// Dated changes to who may do which work.
    pub(super) fn skill_mix(
        &mut self,
        s: &Scenario,
        ids: &Ids,
        cal: Option<&Calendar>,
    ) -> Vec<SkillMixModel> {
        let list = FieldPath::root().field("skill_mix_changes");
        let mut out = Vec::new();
        for (i, c) in s.skill_mix_changes.iter().enumerate() {
            let p = list.index(i);
            let day = self.day(p.field("from"), &c.from, cal, false);
            let work = match &c.work {
                WorkRef::Review(id) => {
                    ids.reviews.get(id).map(|&r| Work::Review(r)).or_else(|| {
                        self.err(p.field("work"), unknown("review", id, ids.reviews));
                        None
                    })
                }
                WorkRef::Contacts(id) => {
                    ids.levels.get(id).map(|&l| Work::Contacts(l)).or_else(|| {
                        self.err(p.field("work"), unknown("need level", id, ids.levels));
                        None
                    })
                }
                WorkRef::UniversalSupport if s.universal_support.is_none() => {
                    self.err(
                        p.field("work"),
                        "the scenario has no universal_support section",
                    );
                    None
                }
                WorkRef::UniversalSupport => Some(Work::UniversalSupport),
            };
            let required = !matches!(c.work, WorkRef::UniversalSupport);
            let roles = self.role_list(p.field("roles"), &c.roles, ids.roles, required);
            if let (Some(day), Some(work)) = (day, work) {
                out.push(SkillMixModel { day, work, roles });
            }
        }
        out.sort_by_key(|c| c.day);
        out
    }

    /// Mutual aid: spare-capacity sharing and secondments.
    pub(super) fn mutual_aid(
        &mut self,
        s: &Scenario,
        ids: &Ids,
        cal: Option<&Calendar>,
    ) -> MutualAidModel {
        let Some(aid) = &s.mutual_aid else {
            return MutualAidModel::default();
        };
        let p = FieldPath::root().field("mutual_aid");
        self.probability(p.field("spare_share"), aid.spare_share);
        let mut secondments = Vec::new();
        for (i, sec) in aid.secondments.iter().enumerate() {
            let sp = p.field("secondments").index(i);
            let role = self.role_id(sp.field("role"), &sec.role, ids.roles);
            let from = self.district_id(sp.field("from"), &sec.from, ids.districts);
            let to = self.district_id(sp.field("to"), &sec.to, ids.districts);
            if from.is_some() && from == to {
                self.err(sp.field("to"), "a district cannot second staff to itself");
            }
            self.positive(sp.field("wte"), sec.wte);
            if let (Some(r), Some(f)) = (role, from) {
                let home: f64 = s.districts[f as usize]
                    .staff
                    .get(&s.roles[r as usize].id)
                    .copied()
                    .unwrap_or(0.0);
                if sec.wte > home + 1e-9 {
                    self.err(sp.field("wte"), format!("the lending district has {home} WTE of the role at the start, fewer than {}", sec.wte));
                }
            }
            let start = self.day(sp.field("start"), &sec.start, cal, false);
            let end = self.day(sp.field("end"), &sec.end, cal, false);
            if let (Some(a), Some(b)) = (start, end)
                && b < a
            {
                self.err(sp.field("end"), "must not be before start");
            }
            if let (Some(role), Some(from), Some(to), Some(start), Some(end)) =
                (role, from, to, start, end)
            {
                secondments.push(SecondmentModel {
                    role,
                    wte: sec.wte,
                    from,
                    to,
                    start,
                    end,
                });
            }
        }
        MutualAidModel {
            spare_share: aid.spare_share,
            secondments,
        }
    }

    /// The budget and its changes.
    pub(super) fn budget(&mut self, s: &Scenario, cal: Option<&Calendar>) -> Option<BudgetModel> {
        let b = s.budget.as_ref()?;
        let p = FieldPath::root().field("budget");
        self.non_negative(p.field("annual"), b.annual);
        self.non_negative(p.field("other_costs"), b.other_costs);
        let mut changes = Vec::new();
        let mut last = None;
        // The annual budget in force after each change, which must stay finite.
        let mut in_force = b.annual;
        for (i, c) in b.changes.iter().enumerate() {
            let cp = p.field("changes").index(i);
            match c.change {
                Change::Percent(x) if !(x.is_finite() && x > -100.0 && x <= 1000.0) => self.err(
                    cp.field("change"),
                    format!("a percentage must be more than -100 and at most 1000, found {x}"),
                ),
                Change::Absolute(x) if !(x.is_finite() && x >= 0.0) => self.err(
                    cp.field("change"),
                    format!("an amount must be a finite number >= 0, found {x}"),
                ),
                change => {
                    let before = in_force;
                    in_force = match change {
                        Change::Percent(x) => in_force * (1.0 + x / 100.0),
                        Change::Absolute(x) => x,
                    };
                    if in_force > MAX_AMOUNT && before <= MAX_AMOUNT {
                        self.err(
                            cp.field("change"),
                            format!(
                                "the budget in force would be {in_force:e} a year, more than \
                                 {MAX_AMOUNT:e}"
                            ),
                        );
                    }
                }
            }
            if let Some(day) = self.day(cp.field("from"), &c.from, cal, false) {
                if last.is_some_and(|l| day < l) {
                    self.err(cp.field("from"), "changes must be in date order");
                }
                last = Some(day);
                changes.push((day, c.change));
            }
        }
        Some(BudgetModel {
            annual: b.annual,
            other_costs: b.other_costs,
            changes,
            overspend: b.overspend,
        })
    }
}
