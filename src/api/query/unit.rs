use super::*;

fn col(name: &str) -> SelectItem {
    SelectItem::column(name)
}

fn f(name: &str) -> Field {
    Field {
        name: name.into(),
        path: Vec::new(),
    }
}

#[test]
fn select_lists() {
    for (input, expected) in [
        ("*", vec![SelectItem::Star]),
        ("id,name", vec![col("id"), col("name")]),
        (" id , name ", vec![col("id"), col("name")]),
        ("\"a,b\",c", vec![col("a,b"), col("c")]),
        ("first-name", vec![col("first-name")]),
        ("prénom,$x,_y", vec![col("prénom"), col("$x"), col("_y")]),
        ("*,id", vec![SelectItem::Star, col("id")]),
        ("", vec![]),
    ] {
        assert_eq!(parse_select(input).unwrap(), expected, "{input}");
    }
}

#[test]
fn aliases_casts_and_json_paths() {
    let items =
        parse_select("n:name,id::text,total:amount::int,data->a->>\"b c\",arr->-1").unwrap();
    assert_eq!(
        items[0],
        SelectItem::Field {
            field: f("name"),
            alias: Some("n".into()),
            cast: None
        }
    );
    assert_eq!(
        items[1],
        SelectItem::Field {
            field: f("id"),
            alias: None,
            cast: Some("text".into())
        }
    );
    assert_eq!(
        items[2],
        SelectItem::Field {
            field: f("amount"),
            alias: Some("total".into()),
            cast: Some("int".into())
        }
    );
    let SelectItem::Field { field, .. } = &items[3] else {
        panic!()
    };
    assert_eq!(
        field.path,
        vec![
            (Arrow::Json, JsonKey::Key("a".into())),
            (Arrow::Text, JsonKey::Key("b c".into()))
        ]
    );
    assert_eq!(field.output_name(), "b c");
    let SelectItem::Field { field, .. } = &items[4] else {
        panic!()
    };
    assert_eq!(field.path, vec![(Arrow::Json, JsonKey::Index(-1))]);
    assert_eq!(field.output_name(), "arr");
}

#[test]
fn embedding_and_aggregates_are_refused_clearly() {
    assert_eq!(
        parse_select("id,clients(*)").unwrap_err().code(),
        "PGRST127"
    );
    assert_eq!(parse_select("amount.sum()").unwrap_err().code(), "PGRST123");
    assert_eq!(parse_select("count()").unwrap_err().code(), "PGRST123");
}

#[test]
fn filters() {
    let op = |v: &str| parse_filter(f("c"), v).unwrap();
    assert_eq!(
        op("eq.5").operation,
        Operation::Compare {
            op: "eq".into(),
            quantifier: None,
            value: "5".into()
        }
    );
    assert!(op("not.eq.5").negated);
    assert_eq!(
        op("like(any).{a*,*b}").operation,
        Operation::Compare {
            op: "like".into(),
            quantifier: Some(Quantifier::Any),
            value: "{a*,*b}".into()
        }
    );
    assert_eq!(
        op("in.(1, \"a,b\",\"c\\\"d\")").operation,
        Operation::In(vec!["1".into(), "a,b".into(), "c\"d".into()])
    );
    assert_eq!(op("in.()").operation, Operation::In(vec![]));
    assert_eq!(op("is.NULL").operation, Operation::Is(IsValue::Null));
    assert_eq!(op("is.not_null").operation, Operation::Is(IsValue::NotNull));
    assert_eq!(
        op("fts(english).cat & dog").operation,
        Operation::Fts {
            op: "fts".into(),
            language: Some("english".into()),
            value: "cat & dog".into()
        }
    );
    assert_eq!(
        op("isdistinct.x").operation,
        Operation::Compare {
            op: "isdistinct".into(),
            quantifier: None,
            value: "x".into()
        }
    );
    assert_eq!(
        op("eq.a.b,c").operation,
        Operation::Compare {
            op: "eq".into(),
            quantifier: None,
            value: "a.b,c".into()
        }
    );
    for bad in [
        "",
        "eq",
        "xx.1",
        "is.maybe",
        "in.1,2",
        "neq(any).1",
        "not.not.eq.1",
    ] {
        let e = parse_filter(f("c"), bad).unwrap_err();
        assert_eq!(e.code(), "PGRST100", "{bad}");
    }
}

#[test]
fn filter_keys_take_json_paths() {
    let field = parse_field("data->a->>b").unwrap();
    assert_eq!(field.name, "data");
    assert_eq!(field.path.len(), 2);
    assert!(parse_field("a(b)").is_err());
}

#[test]
fn logic_trees_nest() {
    let t = parse_logic(
        false,
        true,
        "(a.eq.1,and(b.gt.0,not.or(c.is.null,d.in.(1,2))),e.not.like.\"x,y\")",
    )
    .unwrap();
    let LogicTree::Expr { or, children, .. } = &t else {
        panic!()
    };
    assert!(*or);
    assert_eq!(children.len(), 3);
    let LogicTree::Expr {
        or: false,
        children: inner,
        ..
    } = &children[1]
    else {
        panic!("{:?}", children[1])
    };
    assert!(matches!(
        &inner[1],
        LogicTree::Expr {
            negated: true,
            or: true,
            ..
        }
    ));
    let LogicTree::Filter(last) = &children[2] else {
        panic!()
    };
    assert!(last.negated);
    assert_eq!(
        last.operation,
        Operation::Compare {
            op: "like".into(),
            quantifier: None,
            value: "x,y".into()
        }
    );
    let t = parse_logic(false, false, "(tags.cs.{a,b},r.adj.\"[1,2)\")").unwrap();
    let LogicTree::Expr { children, .. } = t else {
        panic!()
    };
    assert_eq!(children.len(), 2);
    assert!(parse_logic(false, true, "(a.eq.1").is_err());
    assert!(parse_logic(false, true, "a.eq.1").is_err());
}

#[test]
fn order_terms() {
    let t = parse_order("a.desc.nullslast,b,data->>k.asc,c.nullsfirst").unwrap();
    assert_eq!(t.len(), 4);
    assert_eq!(
        (t[0].descending, t[0].nulls_first),
        (Some(true), Some(false))
    );
    assert_eq!((t[1].descending, t[1].nulls_first), (None, None));
    assert_eq!(t[2].field.path.len(), 1);
    assert_eq!((t[3].descending, t[3].nulls_first), (None, Some(true)));
    assert!(parse_order("a.up").is_err());
    assert!(parse_order("").is_err());
}

#[test]
fn select_errors_name_the_position() {
    let Error::Api {
        code,
        message,
        details,
        ..
    } = parse_select("id,,name").unwrap_err()
    else {
        panic!("expected an API error")
    };
    assert_eq!(code, "PGRST100");
    assert_eq!(
        message,
        "\"failed to parse select parameter (id,,name)\" (line 1, column 4)"
    );
    assert_eq!(
        details.as_deref(),
        Some("unexpected \",\" expecting field name (* or [a..z0..9_$])")
    );
}

#[test]
fn arbitrary_input_never_panics() {
    // A deterministic fuzz: every string of up to 3 characters over a hostile alphabet,
    // then pseudo-random longer ones, fed to every entry point.
    let alphabet: Vec<char> = "a*,\"() .-:>\\{}$_é\u{0}".chars().collect();
    let mut layer = vec![String::new()];
    let mut all = Vec::new();
    for _ in 0..3 {
        let mut next = Vec::new();
        for s in &layer {
            for c in &alphabet {
                next.push(format!("{s}{c}"));
            }
        }
        all.extend(next.iter().cloned());
        layer = next;
    }
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..5000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = 4 + (seed >> 59) as usize;
        let s: String = (0..len)
            .map(|i| alphabet[((seed >> (i % 16 * 4)) as usize + i) % alphabet.len()])
            .collect();
        all.push(s);
    }
    for s in &all {
        let _ = parse_select(s);
        let _ = parse_order(s);
        let _ = parse_field(s);
        let _ = parse_filter(f("c"), s);
        let _ = parse_filter(f("c"), &format!("eq.{s}"));
        let _ = parse_filter(f("c"), &format!("in.({s})"));
        let _ = parse_logic(false, true, &format!("({s})"));
        let _ = parse_logic(false, true, &format!("(a.eq.{s})"));
    }
}
