use super::*;
use crate::error::Error;

fn col(name: &str) -> SelectItem {
    SelectItem::column(name)
}

fn f(name: &str) -> Field {
    Field::named(name)
}

fn field(name: &str, alias: Option<&str>, cast: Option<&str>) -> SelectItem {
    SelectItem::Field {
        field: f(name),
        alias: alias.map(str::to_string),
        cast: cast.map(str::to_string),
        aggregate: None,
        aggregate_cast: None,
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
    assert_eq!(items[0], field("name", Some("n"), None));
    assert_eq!(items[1], field("id", None, Some("text")));
    assert_eq!(items[2], field("amount", Some("total"), Some("int")));
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
fn embeds_with_aliases_hints_join_types_and_spreads() {
    let items =
        parse_select("id,cat:categories!fk_cat!inner(name,nested(*)),...tags!left!junction()")
            .unwrap();
    assert_eq!(items[0], col("id"));
    let SelectItem::Embed(e) = &items[1] else {
        panic!("{:?}", items[1])
    };
    assert_eq!(
        (
            e.name.as_str(),
            e.alias.as_deref(),
            e.hint.as_deref(),
            e.join,
            e.spread
        ),
        (
            "categories",
            Some("cat"),
            Some("fk_cat"),
            Some(JoinType::Inner),
            false
        )
    );
    assert_eq!(e.select.len(), 2);
    assert!(
        matches!(&e.select[1], SelectItem::Embed(n) if n.name == "nested" && n.select == vec![SelectItem::Star])
    );
    let SelectItem::Embed(e) = &items[2] else {
        panic!("{:?}", items[2])
    };
    assert_eq!(
        (
            e.name.as_str(),
            e.alias.as_deref(),
            e.hint.as_deref(),
            e.join,
            e.spread
        ),
        ("tags", None, Some("junction"), Some(JoinType::Left), true)
    );
    assert!(e.select.is_empty());
    // `count(` is the aggregate, never a relation; `count_x(...)` is a relation.
    assert!(
        matches!(&parse_select("count_x(*)").unwrap()[0], SelectItem::Embed(e) if e.name == "count_x")
    );
}

#[test]
fn aggregates_and_their_casts() {
    let items =
        parse_select("amount.sum(),total:amount::int.avg()::text,c:count()::int,count").unwrap();
    assert_eq!(
        items[0],
        SelectItem::Field {
            field: f("amount"),
            alias: None,
            cast: None,
            aggregate: Some(Aggregate::Sum),
            aggregate_cast: None,
        }
    );
    assert_eq!(
        items[1],
        SelectItem::Field {
            field: f("amount"),
            alias: Some("total".into()),
            cast: Some("int".into()),
            aggregate: Some(Aggregate::Avg),
            aggregate_cast: Some("text".into()),
        }
    );
    assert_eq!(
        items[2],
        SelectItem::Field {
            field: f("*"),
            alias: Some("c".into()),
            cast: None,
            aggregate: Some(Aggregate::Count),
            aggregate_cast: Some("int".into()),
        }
    );
    // The legacy `count` is a column name.
    assert_eq!(items[3], col("count"));
}

#[test]
fn filters() {
    let op = |v: &str| parse_filter(f("c"), v).unwrap();
    assert_eq!(
        op("eq.5").operation,
        Operation::Compare {
            op: Operator::Eq,
            quantifier: None,
            value: "5".into()
        }
    );
    assert!(op("not.eq.5").negated);
    assert_eq!(
        op("like(any).{a*,*b}").operation,
        Operation::Compare {
            op: Operator::Like,
            quantifier: Some(Quantifier::Any),
            value: "{a*,*b}".into()
        }
    );
    assert_eq!(
        op("in.(1,\"a,b\",\"c\\\"d\")").operation,
        Operation::In(vec!["1".into(), "a,b".into(), "c\"d".into()])
    );
    // QueryParams.pListVal: only the spaces after `(` and after `)` are the list's; an
    // element keeps its own, and a quote after a space is an ordinary character.
    assert_eq!(
        op("in.( 1, \"a,b\" ,c )").operation,
        Operation::In(vec!["1".into(), " \"a".into(), "b\" ".into(), "c ".into()])
    );
    assert_eq!(op("in.()").operation, Operation::In(vec![]));
    assert_eq!(op("in.(    )").operation, Operation::In(vec![]));
    // QuerySpec "only returns an empty result set if the in value is empty".
    assert_eq!(
        op("in.( ,3,4)").operation,
        Operation::In(vec!["".into(), "3".into(), "4".into()])
    );
    // The filter ends where its operation does.
    assert_eq!(
        op("in.(1,2)x").operation,
        Operation::In(vec!["1".into(), "2".into()])
    );
    assert_eq!(op("is.nullx").operation, Operation::Is(IsValue::Null));
    assert_eq!(op("is.NULL").operation, Operation::Is(IsValue::Null));
    assert_eq!(op("is.not_null").operation, Operation::Is(IsValue::NotNull));
    assert_eq!(
        op("fts(english).cat & dog").operation,
        Operation::Fts {
            op: FtsOperator::Fts,
            language: Some("english".into()),
            value: "cat & dog".into()
        }
    );
    assert_eq!(
        op("isdistinct.x").operation,
        Operation::Compare {
            op: Operator::IsDistinct,
            quantifier: None,
            value: "x".into()
        }
    );
    assert_eq!(
        op("eq.a.b,c").operation,
        Operation::Compare {
            op: Operator::Eq,
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
fn filter_keys_take_embed_paths_and_json_paths() {
    let (path, field) = parse_tree_path("data->a->>b").unwrap();
    assert!(path.is_empty());
    assert_eq!(field.name, "data");
    assert_eq!(field.path.len(), 2);
    let (path, field) = parse_tree_path("a.\"b.c\".col->>k").unwrap();
    assert_eq!(path, vec!["a".to_string(), "b.c".to_string()]);
    assert_eq!((field.name.as_str(), field.path.len()), ("col", 1));
    assert!(parse_tree_path("a(b)").is_err());
    assert_eq!(parse_dotted("a.not.or").unwrap(), vec!["a", "not", "or"]);
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
            op: Operator::Like,
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
        (t[0].direction, t[0].nulls),
        (Some(Direction::Desc), Some(Nulls::Last))
    );
    assert_eq!((t[1].direction, t[1].nulls), (None, None));
    assert!(matches!(&t[2].target, OrderTarget::Field(f) if f.path.len() == 1));
    assert_eq!((t[3].direction, t[3].nulls), (None, Some(Nulls::First)));
    let t = parse_order("name,clients(data->>k).desc.nullsfirst,id").unwrap();
    assert!(matches!(
        &t[1].target,
        OrderTarget::Related { relation, field } if relation == "clients" && field.name == "data"
    ));
    assert_eq!(
        (t[1].direction, t[1].nulls),
        (Some(Direction::Desc), Some(Nulls::First))
    );
    assert!(parse_order("clients(name,id)").is_err());
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
        details.as_ref().and_then(|d| d.as_str()),
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
        let _ = parse_tree_path(s);
        let _ = parse_dotted(s);
        let _ = parse_filter(f("c"), s);
        let _ = parse_filter(f("c"), &format!("eq.{s}"));
        let _ = parse_filter(f("c"), &format!("in.({s})"));
        let _ = parse_logic(false, true, &format!("({s})"));
        let _ = parse_logic(false, true, &format!("(a.eq.{s})"));
    }
}

#[test]
fn function_arguments_are_values_the_filter_grammar_rejects_untouched() {
    for arg in [
        "5",
        "",
        "hello world",
        "eq",
        "gt5",
        "not",
        "index",
        "{1,2}",
        "isx",
    ] {
        assert!(is_argument(arg), "{arg:?} is an argument");
    }
    for filter in [
        "eq.5", "gt.2", "not.eq.1", "in.(1,2)", "is.null", "cs.{a}", "fts.x",
    ] {
        assert!(!is_argument(filter), "{filter:?} is a filter");
    }
    // Committed to a filter, and not a valid one: an error, not an argument.
    for bad in ["is.x", "in.5", "not.5"] {
        assert!(!is_argument(bad), "{bad:?}");
        assert!(parse_filter(f("c"), bad).is_err(), "{bad:?}");
    }
}

#[test]
fn logic_trees_allow_spaces_and_ignore_what_follows() {
    // AndOrParamsSpec "allows whitespace".
    let t = parse_logic(
        false,
        false,
        "( and ( id.in.( 1, 2, 3 ) , id.eq.3 ) , or ( id.eq.2 , id.eq.3 ) )",
    )
    .unwrap();
    let LogicTree::Expr { children, .. } = &t else {
        panic!()
    };
    let LogicTree::Expr {
        children: inner,
        or,
        ..
    } = &children[0]
    else {
        panic!()
    };
    assert!(!or);
    let LogicTree::Filter(f) = &inner[0] else {
        panic!()
    };
    assert_eq!(f.field, Field::named("id"));
    assert_eq!(
        f.operation,
        Operation::In(vec!["1".into(), " 2".into(), " 3 ".into()])
    );
    // AndOrParamsSpec "can handle eq and neq": a trailing `)` is ignored.
    assert!(parse_logic(false, false, "(id.eq.1,id.neq.2))").is_ok());
    // A quoted value is one only when `,` or `)` follows it at once.
    let t = parse_logic(false, true, "(a.eq.\"x\" ,b.eq.1)").unwrap();
    let LogicTree::Expr { children, .. } = &t else {
        panic!()
    };
    let LogicTree::Filter(f) = &children[0] else {
        panic!()
    };
    assert_eq!(
        f.operation,
        Operation::Compare {
            op: Operator::Eq,
            quantifier: None,
            value: "\"x\" ".into()
        }
    );
}

#[test]
fn json_keys_take_any_character_but_the_delimiters() {
    // JsonOperatorSpec "accepts special characters in the key's name" / QueryParams doctests.
    let items = parse_select("data->!@#$%^&*_d->>!@#$%^&*_e::integer").unwrap();
    let SelectItem::Field { field, cast, .. } = &items[0] else {
        panic!()
    };
    assert_eq!(
        field.path,
        vec![
            (Arrow::Json, JsonKey::Key("!@#$%^&*_d".into())),
            (Arrow::Text, JsonKey::Key("!@#$%^&*_e".into()))
        ]
    );
    assert_eq!(cast.as_deref(), Some("integer"));
    let items = parse_select("data->0->0xy1->1->23-xy-45->1->xy-6->>0").unwrap();
    let SelectItem::Field { field, .. } = &items[0] else {
        panic!()
    };
    assert_eq!(field.path[1].1, JsonKey::Key("0xy1".into()));
    assert_eq!(field.path[3].1, JsonKey::Key("23-xy-45".into()));
    assert_eq!(field.output_name(), "xy-6");
    let (message, details) =
        message_details(parse_select("data->(!@#$%^&*_d->>!@#$%^&*_e::integer").unwrap_err());
    assert_eq!(
        message,
        "\"failed to parse select parameter (data->(!@#$%^&*_d->>!@#$%^&*_e::integer)\" (line 1, column 7)"
    );
    assert_eq!(
        details,
        "unexpected \"(\" expecting \"-\", digit or any non reserved character different from: .,>()"
    );
}

#[test]
fn column_lists_need_a_name() {
    assert_eq!(
        parse_columns("columns", "a, \"b,c\",d").unwrap(),
        vec!["a", "b,c", "d"]
    );
    let (message, details) = message_details(parse_columns("columns", "").unwrap_err());
    assert_eq!(
        message,
        "\"failed to parse columns parameter ()\" (line 1, column 1)"
    );
    assert_eq!(
        details,
        "unexpected end of input expecting field name (* or [a..z0..9_$])"
    );
}

fn message_details(e: Error) -> (String, String) {
    match e {
        Error::Api {
            message, details, ..
        } => (
            message,
            details
                .and_then(|d| d.as_str().map(str::to_string))
                .unwrap_or_default(),
        ),
        other => panic!("{other:?}"),
    }
}

/// The shortcuts in `parse_tree_path` and `parse_filter` give what the grammar gives, for
/// keys and values on either side of their edges and for generated ones.
#[test]
fn shortcuts_read_as_the_grammar_does() {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    fn same_key(key: &str) {
        let shortcut = parse_tree_path(key).map_err(|e| format!("{e:?}"));
        let grammar = keys::parse_tree_path_by_grammar(key).map_err(|e| format!("{e:?}"));
        assert_eq!(shortcut, grammar, "key {key:?}");
    }
    fn same_value(value: &str) {
        let shortcut = parse_filter(f("c"), value).map_err(|e| format!("{e:?}"));
        let grammar = filter::parse_filter_by_grammar(f("c"), value).map_err(|e| format!("{e:?}"));
        assert_eq!(shortcut, grammar, "value {value:?}");
    }
    for key in [
        "id", "ID_2", "_", "9", "", " id", "id ", "a.b", "a-b", "a->b", "\"id\"", "$x", "é", "id.",
        ".id", "a b",
    ] {
        same_key(key);
    }
    for value in [
        "eq.5",
        "eq.",
        "eq",
        "eq.a.b",
        "eq.\"x\"",
        "neq.x",
        "gt.1",
        "gte.1",
        "lt.1",
        "lte.1",
        "gtx.1",
        "eq(any).{1,2}",
        "not.eq.5",
        "EQ.5",
        "eq .5",
        " eq.5",
        "like.a*",
        "in.(1)",
        "is.null",
        "fts.cat",
        "eq.\u{0}",
        "eq.%20",
    ] {
        same_value(value);
    }
    let text = proptest::string::string_regex(
        r#"(eq|neq|gt|gte|lt|lte|not|in|is|fts|any|[a-zA-Z0-9_ $"().,\->é])*"#,
    )
    .unwrap();
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 2000,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    runner
        .run(&text, |s| {
            same_key(&s);
            same_value(&s);
            Ok(())
        })
        .unwrap();
}
