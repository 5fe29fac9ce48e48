//! Random workforce sections for generated scenarios (see `fuzz_gen.rs`): recruitment delays,
//! pipelines, volunteers, skill mix, mutual aid, budgets, delivery and uncertain values.

use caseload::scenario::{
    Absence, Booking, Budget, BudgetChange, Change, ChildOverhead, Cover, DaysDistribution,
    Delegation, Delivery, Distribution, District, FewerContacts, Intake, Joining,
    LearnerSupervision, MutualAid, Overheads, OverspendPolicy, Pipeline, PipelineKind, Placement,
    Preceptorship, Review, Scenario, Secondment, ShorterVisits, SkillMixChange, Teams,
    UncertainValue, Volunteers, WorkRef,
};

use crate::fuzz_gen::Builder;

impl Builder<'_> {
    pub(crate) fn days_distribution(&mut self) -> DaysDistribution {
        match self.g.below(4) {
            0 => DaysDistribution::Fixed(self.f(0.0, 120.0)),
            1 => {
                let min = self.f(0.0, 60.0);
                let max = min + self.f(0.0, 60.0);
                DaysDistribution::Uniform { min, max }
            }
            2 => DaysDistribution::Exponential(self.f(1.0, 90.0)),
            _ => DaysDistribution::Gamma {
                mean: self.f(1.0, 120.0),
                sd: self.f(1.0, 60.0),
            },
        }
    }

    pub(crate) fn pipeline(&mut self, id: &str) -> Pipeline {
        let placement = if self.g.chance(0.5) {
            Placement::Pressure
        } else {
            Placement::Split(self.shares(&self.districts.clone()))
        };
        let length_months = self.u(1, 18);
        let intakes = (0..1 + self.g.below(3))
            .map(|_| {
                // From a little before the run (still ending inside it) to its last month.
                let before = self.g.int(0, i64::from(length_months.min(12)) - 1);
                let offset = self.g.int(-before, i64::from(self.months) - 1);
                let start = self.date(offset);
                let every_months = self.g.chance(0.4).then(|| self.u(1, 12));
                // A month after the start and inside the run, if the run has one.
                let last = i64::from(self.months) - 1;
                let until = (offset.max(0) < last && self.g.chance(0.3)).then(|| {
                    let at = self.g.int(offset.max(0) + 1, last);
                    self.date(at)
                });
                Intake {
                    start,
                    size: self.u(0, 8),
                    every_months,
                    until,
                }
            })
            .collect();
        Pipeline {
            id: self.text(id),
            name: self.text(&format!("Pipeline {id}")),
            kind: if self.g.chance(0.5) {
                PipelineKind::Trainee
            } else {
                PipelineKind::Apprentice
            },
            training_role: self.id(&self.roles.clone()),
            qualifies_as: self.id(&self.roles.clone()),
            length_months,
            registration: self.g.chance(0.3).then(|| self.days_distribution()),
            attrition: self.f(0.0, 0.5),
            productive_share_start: self.f(0.0, 1.0),
            productive_share_end: self.f(0.0, 1.0),
            annual_cost: self.f(0.0, 50_000.0),
            wte: self.f(0.1, 1.0),
            placement,
            preceptorship: self.g.chance(0.5).then(|| Preceptorship {
                months: self.u(1, 12),
                starting_share: self.f(0.0, 1.0),
            }),
            intakes,
        }
    }

    pub(crate) fn volunteers(&mut self) -> Volunteers {
        let districts = self.districts.clone();
        let recruited_per_month = self
            .g
            .subset(&districts, false)
            .into_iter()
            .map(|d| (d, self.g.real(0.0, 3.0)))
            .collect();
        let active_at_start = self
            .g
            .subset(&districts, false)
            .into_iter()
            .map(|d| (d, self.g.int(0, 10) as u32))
            .collect();
        Volunteers {
            recruited_per_month,
            active_at_start,
            onboarding_days: self.u(0, 90),
            mean_tenure_months: self.f(0.5, 24.0),
            hours_per_week: self.f(0.5, 10.0),
            supervision_hours_per_week: self.f(0.0, 1.0),
            supervisor_role: self.id(&self.roles.clone()),
            annual_cost: self.f(0.0, 1000.0),
        }
    }

    pub(crate) fn skill_mix(&mut self, universal: bool) -> SkillMixChange {
        let work = match self.g.below(3) {
            0 if !self.reviews.is_empty() => WorkRef::Review(self.id(&self.reviews.clone())),
            1 if universal => WorkRef::UniversalSupport,
            _ => WorkRef::Contacts(self.id(&self.levels.clone())),
        };
        let roles = self.ids(&self.roles.clone(), true);
        SkillMixChange {
            from: self.date_in_run(),
            work,
            roles,
        }
    }

    /// Secondments lend at most what the lending district has of the role.
    pub(crate) fn mutual_aid(&mut self, districts: &[District]) -> MutualAid {
        let mut secondments = Vec::new();
        if districts.len() > 1 {
            for _ in 0..self.g.below(3) {
                let from = self.g.below(districts.len());
                let to = (from + 1 + self.g.below(districts.len() - 1)) % districts.len();
                let Some((role, &have)) = districts[from].staff.iter().find(|(_, w)| **w > 0.1)
                else {
                    continue;
                };
                let start = self.g.int(0, i64::from(self.months) - 1);
                let end = self.g.int(start, i64::from(self.months) - 1);
                let (start, end) = (self.date(start), self.date(end));
                // Same month: keep the days in order.
                let (start, end) = if start <= end {
                    (start, end)
                } else {
                    (end, start)
                };
                secondments.push(Secondment {
                    role: role.clone(),
                    wte: self.f(0.05, have),
                    from: districts[from].id.clone(),
                    to: districts[to].id.clone(),
                    start,
                    end,
                });
            }
        }
        MutualAid {
            spare_share: self.f(0.0, 1.0),
            secondments,
        }
    }

    /// Teams and booking, each in about half the sections; edge values at the edges.
    pub(crate) fn delivery(&mut self, districts: &[District], reviews: &[Review]) -> Delivery {
        let teams = self.g.chance(0.6).then(|| {
            let mut by_district = std::collections::BTreeMap::new();
            for d in districts {
                if self.g.chance(0.2) {
                    let n = if self.edge() { 17 } else { self.u(1, 6) };
                    by_district.insert(d.id.clone(), n);
                }
            }
            Teams {
                per_district: if self.edge() { 0 } else { self.u(1, 5) },
                by_district,
                cross_cover: if self.edge() { 1.5 } else { self.f(0.0, 1.0) },
                joining: if self.g.chance(0.5) {
                    Joining::Establishment
                } else {
                    Joining::Lightest
                },
                cover_priority: self.g.chance(0.5).then(|| self.u(0, 8)),
            }
        });
        let booking = self.g.chance(0.6).then(|| {
            let mut no_access_by_review = std::collections::BTreeMap::new();
            for r in reviews {
                if self.g.chance(0.3) {
                    let x = if self.edge() { 1.0 } else { self.f(0.0, 0.5) };
                    no_access_by_review.insert(r.id.clone(), x);
                }
            }
            Booking {
                no_access: if self.edge() { -0.1 } else { self.f(0.0, 0.4) },
                no_access_by_review,
                failed_visit_share: self.f(0.0, 1.0),
                rebook_days: if self.edge() { 0 } else { self.u(1, 30) },
                lead_days: self.u(0, 20),
            }
        });
        let overheads = self.g.chance(0.5).then(|| self.overheads());
        let absence = self.g.chance(0.5).then(|| self.absence());
        let shorter_visits = self.g.chance(0.3).then(|| ShorterVisits {
            above: if self.edge() {
                -1.0
            } else {
                self.f(0.0, 800.0)
            },
            per_100: if self.edge() { 2.0 } else { self.f(0.0, 0.5) },
            floor: if self.edge() { 0.0 } else { self.f(0.2, 1.0) },
            overheads: self.g.chance(0.5),
        });
        let fewer_contacts = self.g.chance(0.3).then(|| {
            let (levels, nonempty) = (self.levels.clone(), !self.edge());
            FewerContacts {
                levels: self.ids(&levels, nonempty),
                above: if self.edge() {
                    -1.0
                } else {
                    self.f(0.0, 800.0)
                },
                per_100: if self.edge() { 2.0 } else { self.f(0.0, 0.5) },
                floor: if self.edge() { 1.5 } else { self.f(0.0, 1.0) },
            }
        });
        Delivery {
            teams,
            booking,
            deadline_share: if self.edge() { 1.5 } else { self.f(0.0, 0.5) },
            overheads,
            absence,
            shorter_visits,
            fewer_contacts,
        }
    }

    fn overheads(&mut self) -> Overheads {
        let (roles, levels) = (self.roles.clone(), self.levels.clone());
        let per_child = (0..self.g.below(3))
            .map(|k| ChildOverhead {
                name: format!("overhead {k}"),
                levels: self.ids(&levels, false),
                hours_per_child_per_month: if self.edge() { -1.0 } else { self.f(0.0, 0.5) },
                roles: self.ids(&roles, true),
            })
            .collect();
        let learners = self.g.chance(0.5).then(|| LearnerSupervision {
            hours_per_learner_per_month: self.f(0.0, 8.0),
            roles: self.ids(&roles, true),
        });
        let delegation = (0..self.g.below(3))
            .map(|_| Delegation {
                role: self.id(&roles),
                supervisor: self.id(&roles),
                hours_per_review: if self.edge() { 0.0 } else { self.f(0.01, 1.0) },
            })
            .collect();
        Overheads {
            per_child,
            learners,
            delegation,
        }
    }

    fn absence(&mut self) -> Absence {
        let roles = self.roles.clone();
        let leave_by_month = if self.g.chance(0.5) {
            let n = if self.edge() { 11 } else { 12 };
            (0..n).map(|_| self.f(0.0, 3.0)).collect()
        } else {
            vec![]
        };
        Absence {
            annual_leave_days: if self.edge() { 61.0 } else { self.f(0.0, 40.0) },
            leave_by_month,
            sickness: if self.edge() { 0.5 } else { self.f(0.0, 0.15) },
            sickness_spell_days: self.f(1.0, 60.0),
            maternity: self.f(0.0, 0.08),
            maternity_spell_days: if self.edge() {
                10.0
            } else {
                self.f(30.0, 400.0)
            },
            cover: self.g.chance(0.5).then(|| Cover {
                roles: self.ids(&roles, true),
                share: self.f(0.0, 1.0),
                cost_per_hour: self.f(0.0, 80.0),
            }),
        }
    }

    pub(crate) fn budget(&mut self) -> Budget {
        let mut froms: Vec<String> = (0..self.g.below(3)).map(|_| self.date_in_run()).collect();
        froms.sort();
        let changes = froms
            .into_iter()
            .map(|from| BudgetChange {
                from,
                change: if self.g.chance(0.5) {
                    Change::Percent(self.f(-50.0, 50.0))
                } else {
                    Change::Absolute(self.f(0.0, 500_000.0))
                },
            })
            .collect();
        Budget {
            annual: self.f(0.0, 500_000.0),
            other_costs: self.f(0.0, 50_000.0),
            changes,
            overspend: *self.g.pick(&[
                OverspendPolicy::Report,
                OverspendPolicy::FreezeRecruitment,
                OverspendPolicy::ShrinkNextIntake,
                OverspendPolicy::CutEstablishment,
            ]),
        }
    }

    /// Uncertain values on numbers the scenario has, with distributions inside their valid ranges
    /// (or, edgy, anywhere).
    pub(crate) fn uncertain(&mut self, s: &Scenario) -> Vec<UncertainValue> {
        let mut out: Vec<UncertainValue> = Vec::new();
        for _ in 0..self.g.below(3) {
            let d = self.g.pick(&s.districts).id.clone();
            let r = self.g.pick(&s.roles).id.clone();
            let (path, distribution) = match self.g.below(5) {
                0 => (
                    format!("districts[{d}].births_per_year"),
                    Distribution::Uniform {
                        min: self.f(0.0, 50.0),
                        max: self.f(50.0, 100.0),
                    },
                ),
                1 => (
                    format!("roles[{r}].contact_share"),
                    Distribution::Beta {
                        alpha: self.f(0.5, 5.0),
                        beta: self.f(0.5, 5.0),
                    },
                ),
                2 => (
                    format!("roles[{r}].hours_per_week"),
                    Distribution::Normal {
                        mean: self.f(20.0, 40.0),
                        sd: self.f(0.1, 5.0),
                    },
                ),
                3 => (
                    format!("districts[{d}].migration.leave_rate"),
                    Distribution::Triangular {
                        min: 0.0,
                        mode: self.f(0.0, 0.1),
                        max: self.f(0.1, 0.2),
                    },
                ),
                _ => (
                    self.text("calendar.months"),
                    Distribution::Uniform {
                        min: 1.0,
                        max: f64::from(self.months),
                    },
                ),
            };
            if out.iter().all(|u| u.path != path) || self.edge() {
                out.push(UncertainValue { path, distribution });
            }
        }
        out
    }
}
