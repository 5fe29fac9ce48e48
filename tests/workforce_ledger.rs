//! The staff ledger under random workforce settings: whatever the attrition, recruitment,
//! training pipeline, volunteers and budget policy, every month's WTE is last month's plus
//! starters less leavers, vacancies are what the establishment leaves unfilled, and the same
//! seed gives the same results.

use caseload::scenario::{
    BudgetChange, Change, DaysDistribution, OverspendPolicy, Placement, Preceptorship, Recruitment,
    Scenario,
};
use proptest::prelude::*;

use crate::common::{
    Run, budget, close, district, map, nursery_nurse, programme, recruitment, run_scenario,
    scenario, split, student, volunteers,
};

/// The staff ledger, vacancies and bounds, for every month, district and role.
fn check_ledger(r: &Run, s: &Scenario) {
    for district in &s.districts {
        let id = district.id.as_str();
        for role in &s.roles {
            let metric = |stem: &str, m: usize| r.get(m, id, &format!("{stem}:{}", role.id));
            let mut previous = district.staff.get(&role.id).copied().unwrap_or(0.0);
            for m in 0..r.0.months.len() {
                let wte = metric("wte", m);
                let flows = previous + metric("starters", m) - metric("leavers", m);
                let label = format!("{id} {} month {m}", role.id);
                close(wte, flows, format!("ledger, {label}"));
                let vacancies = (metric("establishment", m) - wte).max(0.0);
                close(metric("vacancies", m), vacancies, label);
                previous = wte;
            }
        }
        for m in 0..r.0.months.len() {
            assert!(r.get(m, id, "volunteers") >= 0.0);
            assert!(r.get(m, id, "spend") >= 0.0);
        }
    }
}

const POLICIES: [OverspendPolicy; 4] = [
    OverspendPolicy::Report,
    OverspendPolicy::FreezeRecruitment,
    OverspendPolicy::ShrinkNextIntake,
    OverspendPolicy::CutEstablishment,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Random attrition, recruitment, a pipeline, volunteers and a budget: every WTE is accounted
    /// for by starters and leavers, vacancies follow, and the same seed gives the same results.
    #[test]
    fn random_workforces_keep_their_staff_ledger(
        (months, attrition) in (12u32..=24, 0.0f64..0.6),
        (success, cap, wte, fill) in (0.1f64..=1.0, proptest::option::of(1u32..4), prop_oneof![Just(0.5), Just(1.0)], 0.0f64..60.0),
        (size, length, drop_out, pressure, precept) in (0u32..12, 1u32..18, 0.0f64..0.5, any::<bool>(), any::<bool>()),
        (months_before, every) in (0u32..6, proptest::option::of(1u32..8)),
        (recruited, tenure, supervision) in (0.0f64..5.0, 0.5f64..12.0, 0.0f64..2.0),
        (annual, policy, seed) in (0.0f64..400_000.0, 0usize..4, any::<u64>()),
    ) {
        let north = district("north", 200, 200.0, &[("hv", 3.5), ("nn", 1.0)]);
        let mut south = district("south", 150, 150.0, &[("hv", 2.0)]);
        south.establishment = map(&[("hv", 4.0), ("nn", 1.5)]);
        let mut s = scenario(months, vec![student(), nursery_nurse()], vec![north, south]);
        for r in [0, 2] {
            s.roles[r].attrition = attrition;
            let fill = DaysDistribution::Gamma { mean: fill + 1.0, sd: 10.0 };
            s.roles[r].recruitment = Some(Recruitment { wte, ..recruitment(fill, success, cap) });
        }
        // The intake starts up to five months before the run, and ends after it starts.
        let start = match months_before {
            0 => "2024-01-01".to_string(),
            k => format!("2023-{:02}-01", 13 - k),
        };
        let placement = if pressure { Placement::Pressure } else { split(&[("north", 0.6), ("south", 0.4)]) };
        let mut p = programme(size, &start, length.max(months_before + 1), placement);
        (p.attrition, p.wte, p.intakes[0].every_months) = (drop_out, wte, every);
        p.preceptorship = precept.then_some(Preceptorship { months: 4, starting_share: 0.3 });
        s.pipelines = vec![p];
        let mut v = volunteers(3, 2.0, supervision);
        (v.recruited_per_month, v.mean_tenure_months) = (map(&[("south", recruited)]), tenure);
        v.onboarding_days = 14;
        s.volunteers = Some(v);
        let cut = BudgetChange { from: "2024-06-01".into(), change: Change::Percent(-20.0) };
        s.budget = budget(annual, vec![cut], POLICIES[policy]);
        let r = Run(run_scenario(&s, 1, seed, None));
        check_ledger(&r, &s);
        prop_assert_eq!(r.0, run_scenario(&s, 1, seed, None));
    }
}
