//! Validation of the delivery section: teams and booked visits.

use super::Checker;
use super::unknown;
use super::workforce::Ids;
use crate::locate::FieldPath;
use crate::model::{
    AbsenceModel, BookingModel, ChildOverheadModel, CoverModel, DeliveryModel, FewerContactsModel,
    LearnerModel, OverheadsModel, PressureCurve, ShorterVisitsModel, Spells, limits,
};
use crate::scenario::{Absence, Overheads, Role, Scenario};

/// Most hours per child, learner or review a scenario may give for time that is not visits.
const MAX_OVERHEAD_HOURS: f64 = 1000.0;

impl Checker {
    /// The delivery model: one pooled team a district and no booking when the section is left out.
    pub(super) fn delivery(&mut self, s: &Scenario, ids: &Ids) -> DeliveryModel {
        let districts = s.districts.len();
        let mut model = DeliveryModel::pooled(districts, s.roles.len());
        let Some(delivery) = &s.delivery else {
            return model;
        };
        model.section = true;
        let p = FieldPath::root().field("delivery");
        if let Some(teams) = &delivery.teams {
            let tp = p.field("teams");
            self.team_count(tp.field("per_district"), teams.per_district);
            let mut counts = vec![teams.per_district; districts];
            for (id, &n) in &teams.by_district {
                let kp = tp.field("by_district").key(id);
                self.team_count(kp.clone(), n);
                match ids.districts.get(id) {
                    Some(&d) if d < districts => counts[d] = n,
                    _ => self.err(kp, unknown("district", id, ids.districts)),
                }
            }
            self.probability(tp.field("cross_cover"), teams.cross_cover);
            let mut start = 0;
            model.team_start = std::iter::once(0)
                .chain(counts.iter().map(|&n| {
                    start += n.clamp(1, limits::MAX_TEAMS) as usize;
                    start
                }))
                .collect();
            model.cross_cover = teams.cross_cover;
            model.joining = teams.joining;
            model.cover_priority = teams.cover_priority;
        }
        if let Some(b) = &delivery.booking {
            let bp = p.field("booking");
            self.no_access(bp.field("no_access"), b.no_access);
            let mut no_access = vec![b.no_access; s.reviews.len()];
            for (id, &x) in &b.no_access_by_review {
                let kp = bp.field("no_access_by_review").key(id);
                self.no_access(kp.clone(), x);
                match ids.reviews.get(id) {
                    Some(&r) if r < no_access.len() => no_access[r] = x,
                    _ => self.err(kp, unknown("review", id, ids.reviews)),
                }
            }
            self.probability(bp.field("failed_visit_share"), b.failed_visit_share);
            if !(1..=limits::MAX_BOOKING_DAYS).contains(&b.rebook_days) {
                self.err(
                    bp.field("rebook_days"),
                    format!(
                        "must be 1 to {} days, found {}",
                        limits::MAX_BOOKING_DAYS,
                        b.rebook_days
                    ),
                );
            }
            if b.lead_days > limits::MAX_BOOKING_DAYS {
                self.err(
                    bp.field("lead_days"),
                    format!(
                        "must be 0 to {} days, found {}",
                        limits::MAX_BOOKING_DAYS,
                        b.lead_days
                    ),
                );
            }
            model.booking = Some(BookingModel {
                no_access,
                failed_visit_share: b.failed_visit_share,
                rebook_days: b.rebook_days.min(limits::MAX_BOOKING_DAYS) as i32,
                lead_days: b.lead_days.min(limits::MAX_BOOKING_DAYS) as i32,
            });
        }
        self.probability(p.field("deadline_share"), delivery.deadline_share);
        model.deadline_share = delivery.deadline_share;
        if let Some(o) = &delivery.overheads {
            model.overheads = self.overheads(p.field("overheads"), o, s, ids);
        }
        if let Some(a) = &delivery.absence {
            model.absence = Some(self.absence(p.field("absence"), a, ids, &s.roles));
        }
        if let Some(v) = &delivery.shorter_visits {
            let vp = p.field("shorter_visits");
            let curve = self.pressure_curve(&vp, v.above, v.per_100, v.floor);
            if !(v.floor > 0.0 && v.floor <= 1.0) {
                self.err(
                    vp.field("floor"),
                    format!("must be a share in (0, 1], found {}", v.floor),
                );
            }
            model.shorter_visits = Some(ShorterVisitsModel {
                curve,
                overheads: v.overheads,
            });
        }
        if let Some(f) = &delivery.fewer_contacts {
            let fp = p.field("fewer_contacts");
            let curve = self.pressure_curve(&fp, f.above, f.per_100, f.floor);
            self.probability(fp.field("floor"), f.floor);
            let mut levels = vec![false; s.need_levels.len()];
            if f.levels.is_empty() {
                self.err(fp.field("levels"), "must name at least one level of need");
            }
            for (k, id) in f.levels.iter().enumerate() {
                let kp = fp.field("levels").index(k);
                match ids.levels.get(id) {
                    Some(&l) if l < levels.len() && levels[l] => {
                        self.err(kp, format!("{id:?} is listed twice"));
                    }
                    Some(&l) if l < levels.len() => levels[l] = true,
                    _ => self.err(kp, unknown("need level", id, ids.levels)),
                }
            }
            model.fewer_contacts = Some(FewerContactsModel { levels, curve });
        }
        model
    }

    /// A curve falling with the caseload from `above` (checked here but for its floor, whose
    /// range differs between uses).
    fn pressure_curve(
        &mut self,
        p: &FieldPath,
        above: f64,
        per_100: f64,
        floor: f64,
    ) -> PressureCurve {
        self.non_negative(p.field("above"), above);
        self.probability(p.field("per_100"), per_100);
        PressureCurve {
            above,
            per_child: per_100 / 100.0,
            floor,
        }
    }

    fn overheads(
        &mut self,
        p: FieldPath,
        o: &Overheads,
        s: &Scenario,
        ids: &Ids,
    ) -> OverheadsModel {
        let mut model = OverheadsModel {
            delegation: vec![None; s.roles.len()],
            ..OverheadsModel::default()
        };
        for (i, c) in o.per_child.iter().enumerate() {
            let cp = p.field("per_child").index(i);
            self.overhead_hours(
                cp.field("hours_per_child_per_month"),
                c.hours_per_child_per_month,
            );
            let mut levels = vec![c.levels.is_empty(); s.need_levels.len()];
            for (k, id) in c.levels.iter().enumerate() {
                match ids.levels.get(id) {
                    Some(&l) if l < levels.len() => levels[l] = true,
                    _ => self.err(
                        cp.field("levels").index(k),
                        unknown("need level", id, ids.levels),
                    ),
                }
            }
            let roles = self.role_list(cp.field("roles"), &c.roles, ids.roles, true);
            model.per_child.push(ChildOverheadModel {
                levels,
                hours_per_month: c.hours_per_child_per_month,
                roles,
            });
        }
        if let Some(l) = &o.learners {
            let lp = p.field("learners");
            self.overhead_hours(
                lp.field("hours_per_learner_per_month"),
                l.hours_per_learner_per_month,
            );
            let roles = self.role_list(lp.field("roles"), &l.roles, ids.roles, true);
            model.learners = Some(LearnerModel {
                hours_per_month: l.hours_per_learner_per_month,
                roles,
            });
        }
        for (i, d) in o.delegation.iter().enumerate() {
            let dp = p.field("delegation").index(i);
            let role = self.role_ref(dp.field("role"), &d.role, ids);
            let supervisor = self.role_ref(dp.field("supervisor"), &d.supervisor, ids);
            if !(d.hours_per_review.is_finite() && d.hours_per_review > 0.0) {
                self.err(
                    dp.field("hours_per_review"),
                    format!("must be a finite number > 0, found {}", d.hours_per_review),
                );
            }
            self.overhead_hours(dp.field("hours_per_review"), d.hours_per_review);
            match (role, supervisor) {
                (Some(r), Some(sup)) if r == sup => self.err(
                    dp.field("supervisor"),
                    format!("must be another role than {:?}", d.role),
                ),
                (Some(r), Some(_)) if model.delegation[r].is_some() => self.err(
                    dp.field("role"),
                    format!("{:?} is supervised twice", d.role),
                ),
                (Some(r), Some(sup)) => {
                    model.delegation[r] = Some((sup as u8, d.hours_per_review));
                }
                _ => {}
            }
        }
        model
    }

    fn absence(&mut self, p: FieldPath, a: &Absence, ids: &Ids, roles: &[Role]) -> AbsenceModel {
        if !(a.annual_leave_days.is_finite() && (0.0..=60.0).contains(&a.annual_leave_days)) {
            self.err(
                p.field("annual_leave_days"),
                format!("must be 0 to 60 days, found {}", a.annual_leave_days),
            );
        }
        let mut weights = [1.0; 12];
        if !a.leave_by_month.is_empty() {
            if a.leave_by_month.len() != 12 {
                self.err(
                    p.field("leave_by_month"),
                    format!(
                        "must give 12 weights, January first, found {}",
                        a.leave_by_month.len()
                    ),
                );
            }
            for (i, &w) in a.leave_by_month.iter().enumerate() {
                self.non_negative(p.field("leave_by_month").index(i), w);
                if i < 12 {
                    weights[i] = w;
                }
            }
            if a.leave_by_month.iter().all(|&w| w == 0.0) {
                self.err(p.field("leave_by_month"), "must not all be 0");
            }
        }
        let total: f64 = weights.iter().sum();
        let leave_days_by_month = weights.map(|w| {
            if total > 0.0 && total.is_finite() {
                a.annual_leave_days * w / total
            } else {
                0.0
            }
        });
        let spells =
            |v: &mut Self, share: f64, days: f64, (sp, dp): (FieldPath, FieldPath), max: f64| {
                if !(0.0..0.5).contains(&share) {
                    v.err(sp, format!("must be a share in [0, 0.5), found {share}"));
                }
                let min = if max > 365.0 { 30.0 } else { 1.0 };
                if !(days.is_finite() && (min..=max).contains(&days)) {
                    v.err(dp, format!("must be {min} to {max} days, found {days}"));
                }
                Spells::new(share.clamp(0.0, 0.49), days.clamp(min, max))
            };
        let sickness = spells(
            self,
            a.sickness,
            a.sickness_spell_days,
            (p.field("sickness"), p.field("sickness_spell_days")),
            365.0,
        );
        let maternity = spells(
            self,
            a.maternity,
            a.maternity_spell_days,
            (p.field("maternity"), p.field("maternity_spell_days")),
            730.0,
        );
        let cover = a.cover.as_ref().map(|c| {
            let cp = p.field("cover");
            self.probability(cp.field("share"), c.share);
            self.non_negative(cp.field("cost_per_hour"), c.cost_per_hour);
            let listed = self.role_list(cp.field("roles"), &c.roles, ids.roles, true);
            CoverModel {
                roles: (0..roles.len())
                    .map(|r| listed.contains(&(r as u8)))
                    .collect(),
                share: c.share,
                cost_per_contact_hour: roles
                    .iter()
                    .map(|r| {
                        if r.contact_share > 0.0 {
                            c.cost_per_hour / r.contact_share
                        } else {
                            0.0
                        }
                    })
                    .collect(),
            }
        });
        AbsenceModel {
            leave_days_by_month,
            sickness,
            maternity,
            cover,
        }
    }

    fn role_ref(&mut self, p: FieldPath, id: &str, ids: &Ids) -> Option<usize> {
        let r = ids.roles.get(id).copied();
        if r.is_none() {
            self.err(p, unknown("role", id, ids.roles));
        }
        r
    }

    fn overhead_hours(&mut self, p: FieldPath, x: f64) {
        if !(x.is_finite() && (0.0..=MAX_OVERHEAD_HOURS).contains(&x)) {
            self.err(
                p,
                format!("must be 0 to {MAX_OVERHEAD_HOURS} hours, found {x}"),
            );
        }
    }

    fn team_count(&mut self, p: FieldPath, n: u32) {
        if !(1..=limits::MAX_TEAMS).contains(&n) {
            self.err(
                p,
                format!("must be 1 to {} teams, found {n}", limits::MAX_TEAMS),
            );
        }
    }

    /// A share of visits finding no one in: a probability below 1 (at 1 no review could be done).
    fn no_access(&mut self, p: FieldPath, x: f64) {
        if !(0.0..1.0).contains(&x) {
            self.err(p, format!("must be a share in [0, 1), found {x}"));
        }
    }
}
