use super::*;

/// The seed's `limit_transactions_select` policy: personal rows by `uid()`, organization rows by
/// `org_id()` and `org_role()`, from Better Auth-shaped tokens (no role claim).
#[test]
fn row_level_security_separates_users_and_organizations() {
    let c = hs_cluster();
    let org = |id: &str, role: &str| json!({"organization_id": id, "organization_role": role});
    let cases: Vec<(&str, Value, Vec<i64>)> = vec![
        (
            "user A alone",
            json!({"sub": "user_a", "user_id": "user_a"}),
            vec![1],
        ),
        (
            "user B alone",
            json!({"sub": "user_b", "user_id": "user_b"}),
            vec![2],
        ),
        (
            "user A, viewer of org_1",
            json!({"sub": "user_a", "user_id": "user_a", "claims": org("org_1", "viewer")}),
            vec![1, 3, 4],
        ),
        (
            "user B, admin of org_1",
            json!({"sub": "user_b", "user_id": "user_b", "claims": org("org_1", "admin")}),
            vec![2, 3, 4],
        ),
        (
            "user B, owner of org_2",
            json!({"sub": "user_b", "user_id": "user_b", "claims": org("org_2", "owner")}),
            vec![2, 5],
        ),
        (
            "user A, editor of org_2",
            json!({"sub": "user_a", "user_id": "user_a", "claims": org("org_2", "editor")}),
            vec![1, 5],
        ),
        (
            "user A in org_1 with a role the policy does not know",
            json!({"sub": "user_a", "user_id": "user_a", "claims": org("org_1", "guest")}),
            vec![1],
        ),
        (
            "uid() falls back to user_id",
            json!({"user_id": "user_b"}),
            vec![2],
        ),
        (
            "organization without a user",
            json!({"claims": org("org_1", "viewer")}),
            vec![3, 4],
        ),
        ("a user nobody knows", json!({"sub": "user_z"}), vec![]),
    ];
    let mut failures = Vec::new();
    for (name, extra, want) in cases {
        let (status, body) = get(
            c,
            "/transactions?select=id&order=id",
            Some(&hs256(&claims(extra))),
        );
        if status != 200 || ids(&body) != want {
            failures.push(format!("{name}: {status} {body} (want ids {want:?})"));
        }
    }
    // Filters cannot reach around the policy.
    let a = hs256(&claims(json!({"sub": "user_a", "user_id": "user_a"})));
    let (status, body) = get(c, "/transactions?select=id&user_id=eq.user_b", Some(&a));
    if (status, body.as_str()) != (200, "[]") {
        failures.push(format!("user A filtering for B's rows: {status} {body}"));
    }
    // A's token with B's claims pasted in does not verify.
    let forged = with_payload(&a, &claims(json!({"sub": "user_b", "user_id": "user_b"})));
    let (status, body) = get(c, "/transactions?select=id", Some(&forged));
    if status != 401 || !body.contains("PGRST301") {
        failures.push(format!("forged B token: {status} {body}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Inside a request: `request.jwt.claims` holds the token's claims with the effective role in
/// `role`; `uid()`, `org_id()`, `org_role()`, `jwt()` read them. The next anonymous request on the
/// same keep-alive connection and the same (only) worker sees none of it.
#[test]
fn claims_and_helpers_follow_the_token_and_do_not_leak() {
    let mut conn = Conn::open(hs_cluster().http_port);
    let t = now();
    let better_auth = json!({
        "sub": "user_123",
        "user_id": "user_123",
        "email": "user@example.com",
        "aud": AUD,
        "claims": {"organization_id": "org_456", "organization_role": "admin"},
        "exp": t + 3600,
        "iat": t
    });
    let row = me_row(&mut conn, Some(&hs256(&better_auth)));
    let mut want_claims = better_auth.clone();
    want_claims["role"] = json!("authenticated");
    assert_eq!(row["uid"], "user_123", "{row}");
    assert_eq!(row["org_id"], "org_456", "{row}");
    assert_eq!(row["org_role"], "admin", "{row}");
    assert_eq!(row["role"], "authenticated", "{row}");
    let claims_text = row["claims"].as_str().unwrap_or_else(|| panic!("{row}"));
    assert_eq!(
        serde_json::from_str::<Value>(claims_text).unwrap(),
        want_claims,
        "request.jwt.claims"
    );
    assert_eq!(row["jwt"], want_claims, "jwt()");

    // PostgREST always populates request.jwt.claims' role: an anonymous request sees
    // {"role":"anon"} (reference §1(e)/§7). Everything else is gone.
    let anonymous = |row: &Value| {
        assert_eq!(row["uid"], Value::Null, "{row}");
        assert_eq!(row["org_id"], Value::Null, "{row}");
        assert_eq!(row["org_role"], Value::Null, "{row}");
        assert_eq!(row["role"], "anon", "{row}");
        let claims: Value =
            serde_json::from_str(row["claims"].as_str().unwrap_or("null")).unwrap_or(Value::Null);
        assert_eq!(claims, json!({"role": "anon"}), "request.jwt.claims: {row}");
        assert_eq!(row["jwt"], json!({"role": "anon"}), "jwt(): {row}");
    };
    anonymous(&me_row(&mut conn, None));

    // A second user with no organization: nothing of the first token's org survives.
    let second = claims(json!({"user_id": "user_789"}));
    let row = me_row(&mut conn, Some(&hs256(&second)));
    assert_eq!(row["uid"], "user_789", "uid() falls back to user_id: {row}");
    assert_eq!(row["org_id"], Value::Null, "{row}");
    assert_eq!(row["org_role"], Value::Null, "{row}");
    anonymous(&me_row(&mut conn, None));

    // A rejected token in between leaves nothing behind either.
    let r = conn.send(
        "GET",
        "/me",
        &[(
            "Authorization",
            &bearer(&with_flipped_signature(&hs256(&better_auth))),
        )],
    );
    assert_eq!(r.status, 401, "{}", r.text());
    anonymous(&me_row(&mut conn, None));
}

// ---------------------------------------------------------------------------------------------
// JWKS secret (asymmetric keys)
// ---------------------------------------------------------------------------------------------
