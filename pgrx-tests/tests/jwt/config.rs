use super::*;

#[test]
fn base64_secret_from_a_file_without_an_anonymous_role() {
    let raw = binary_secret();
    let tok =
        |alg: Algorithm, secret: &[u8], extra: Value| bearer(&hs(alg, secret, &claims(extra)));
    let disabled = |c: Check| c.jwt_error("PGRST302", "Anonymous access is disabled", None);
    let checks = vec![
        disabled(Check::get("no token", ME, None)),
        Check::get(
            "HS256 with the decoded bytes",
            ME,
            Some(&tok(
                Algorithm::HS256,
                &raw,
                json!({"role": "authenticated", "sub": "file-user"}),
            )),
        )
        .ok(&me_body("authenticated", "file-user")),
        Check::get(
            "HS512 with the decoded bytes",
            ME,
            Some(&tok(
                Algorithm::HS512,
                &raw,
                json!({"role": "authenticated", "sub": "file-user"}),
            )),
        )
        .ok(&me_body("authenticated", "file-user")),
        // No role claim, no db_authenticated_role, no anon role: PGRST302 (Auth/Jwt.hs
        // parseClaims: JwtTokenRequired).
        disabled(Check::get(
            "valid token without a role claim",
            ME,
            Some(&tok(Algorithm::HS256, &raw, json!({"sub": "file-user"}))),
        )),
        Check::get(
            "signed with the base64 text instead of the bytes",
            ME,
            Some(&tok(
                Algorithm::HS256,
                binary_secret_base64().as_bytes(),
                json!({"role": "authenticated"}),
            )),
        )
        .jwt_error("PGRST301", MSG_KEY, Some(NONE_OF_THE_KEYS)),
        Check::get("empty bearer", ME, Some("Bearer ")).jwt_error("PGRST301", MSG_EMPTY, None),
    ];
    run(file_cluster(), &checks);
}

// ---------------------------------------------------------------------------------------------
// No secret; ALTER SYSTEM SET jwt_secret
// ---------------------------------------------------------------------------------------------

#[test]
fn a_token_without_a_configured_secret_is_pgrst300() {
    let _turn = BARE.lock().unwrap_or_else(|e| e.into_inner());
    let token = hs256(&claims(json!({"role": "authenticated"})));
    run(
        bare_cluster(),
        &[
            Check::get("token, no secret", ME, Some(&bearer(&token))).jwt_error(
                "PGRST300",
                "Server lacks JWT secret",
                None,
            ),
            Check::get("no token: anonymous as usual", "/me?select=role", None)
                .ok(r#"[{"role":"anon"}]"#),
        ],
    );
}

#[test]
fn alter_system_jwt_secret_takes_effect_without_a_restart() {
    let _turn = BARE.lock().unwrap_or_else(|e| e.into_inner());
    let c = bare_cluster();
    let started = c.psql("SELECT pg_postmaster_start_time()");
    let c1 = claims(json!({"sub": "rotating"}));
    let old = hs(Algorithm::HS256, HS_SECRET.as_bytes(), &c1);
    let new = hs(Algorithm::HS256, OTHER_SECRET.as_bytes(), &c1);
    let status = |t: &str| get(c, ME, Some(t)).0;
    let mut problems = Vec::new();

    c.psql(&format!(
        "ALTER SYSTEM SET budgetbee.jwt_secret = '{HS_SECRET}'"
    ));
    c.psql("SELECT pg_reload_conf()");
    if !eventually(Duration::from_secs(5), || status(&old) == 200) {
        problems.push(format!(
            "first secret never accepted: {:?}",
            get(c, ME, Some(&old))
        ));
    }

    c.psql(&format!(
        "ALTER SYSTEM SET budgetbee.jwt_secret = '{OTHER_SECRET}'"
    ));
    c.psql("SELECT pg_reload_conf()");
    if !eventually(Duration::from_secs(5), || status(&new) == 200) {
        problems.push(format!(
            "new secret never accepted: {:?}",
            get(c, ME, Some(&new))
        ));
    }
    // Every worker, on fresh connections: the new token works, the old one (already seen, so
    // possibly cached) no longer does.
    let want_old = error_body("PGRST301", Some(NONE_OF_THE_KEYS), MSG_KEY);
    for i in 0..4 {
        let (s, b) = get(c, ME, Some(&new));
        if (s, b.as_str()) != (200, me_body("authenticated", "rotating").as_str()) {
            problems.push(format!("new token #{i}: {s} {b}"));
        }
        let (s, b) = get(c, ME, Some(&old));
        if (s, &b) != (401, &want_old) {
            problems.push(format!("old token #{i}: {s} {b}"));
        }
    }

    // Back to no secret.
    c.psql("ALTER SYSTEM RESET budgetbee.jwt_secret");
    c.psql("SELECT pg_reload_conf()");
    if !eventually(Duration::from_secs(5), || status(&new) == 500) {
        problems.push(format!("RESET not applied: {:?}", get(c, ME, Some(&new))));
    }
    assert_eq!(
        c.psql("SELECT pg_postmaster_start_time()"),
        started,
        "no restart"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
