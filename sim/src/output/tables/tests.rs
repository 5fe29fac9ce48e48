//! The output tables' known answers: headers that name the fields, numbers that round-trip,
//! quoting as each file asks.

use super::*;

/// The header csv's own serde support writes for `row`: its field names.
fn field_names<R: Row>(row: &R) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(row).expect("a flat row");
    let text = String::from_utf8(w.into_inner().expect("flushed")).expect("UTF-8");
    text.lines()
        .next()
        .map(|l| format!("{l}\n"))
        .unwrap_or_default()
}

fn header<R: Row>() -> String {
    format!("{}\n", R::COLUMNS.join(","))
}

fn stats() -> Stats {
    Stats {
        n: 3,
        mean: 0.1 + 0.2,
        ci95_low: f64::NAN,
        ci95_high: 1e21,
        percentiles: [1.0, 2.5, -0.0, 4.0, 5.0],
    }
}

fn chance() -> Chance {
    Chance {
        met: 3,
        replications: 4,
        probability: 0.75,
        ci95_low: 0.2,
        ci95_high: 1.0,
    }
}

#[test]
fn every_row_type_names_its_columns_as_its_fields() {
    let s = stats();
    let d = crate::compare::difference(&[1.0, 2.0], &[2.0, 4.0]);
    assert_eq!(
        field_names(&ResultRow {
            replication: 0,
            month: "m",
            district: "d",
            metric: "k",
            value: 1.0
        }),
        header::<ResultRow>()
    );
    assert_eq!(
        field_names(&SummaryRow::new("m", "d", "k", &s)),
        header::<SummaryRow>()
    );
    assert_eq!(
        field_names(&ChanceRow::from(&chance())),
        header::<ChanceRow>()
    );
    let target = TargetRow::new(&"t", &chance());
    assert_eq!(field_names(&target), header::<TargetRow>());
    assert_eq!(
        field_names(&CompareRow::new("m", "d", "k", &d)),
        header::<CompareRow>()
    );
    assert_eq!(
        field_names(&ParameterRow {
            replication: 0,
            path: "p",
            value: 1.0
        }),
        header::<ParameterRow>()
    );
    assert_eq!(
        field_names(&ChartRow::new("m", "d", "k", &s)),
        header::<ChartRow>()
    );
}

#[test]
fn numbers_round_trip_and_undefined_is_an_empty_cell() {
    let keys = vec!["districts[a].staff.hv".to_string()];
    let point = vec!["2.5".to_string()];
    let s = stats();
    let text = keyed_text(
        Quoting::Needed,
        &keys,
        [(
            point.as_slice(),
            SummaryRow::new("2024-01", "ALL", "children", &s),
        )],
    )
    .expect("a table");
    assert_eq!(
        text,
        "districts[a].staff.hv,month,district,metric,mean,ci95_low,ci95_high,p5,p10,p50,p90,p95\n\
         2.5,2024-01,ALL,children,0.30000000000000004,,1000000000000000000000,1,2.5,-0,4,5\n"
    );
}

#[test]
fn text_columns_are_quoted_where_the_file_asks() {
    let target = TargetRow::new(&"hv_wte>=2@2024-12", &chance());
    let quoted = targets_csv(&["hv_wte>=2@2024-12"], &[chance()]).expect("a table");
    assert_eq!(
        quoted,
        "target,met,replications,probability,ci95_low,ci95_high\n\
         \"hv_wte>=2@2024-12\",3,4,0.75,0.2,1\n"
    );
    let plain = text(Quoting::Needed, [target]).expect("a table");
    assert!(
        plain.ends_with("\nhv_wte>=2@2024-12,3,4,0.75,0.2,1\n"),
        "{plain}"
    );
    let draws = Draws {
        replication: 7,
        values: vec![("roles[hv].contact_share".into(), 0.25)],
    };
    let drawn = parameters_csv(&[draws]).expect("a table");
    assert_eq!(
        drawn,
        "replication,path,value\n7,\"roles[hv].contact_share\",0.25\n"
    );
}
