//! Better Auth's tokens end to end with `jwks_url` alone: sign-up, the token, the rows Better
//! Auth writes, the API as the user and as an organization's owner, and tokens refused.

use super::*;

#[test]
fn better_auth_tokens_drive_budgetbee_through_jwks_url_alone() {
    let ba_port = free_port();
    let base = format!("http://127.0.0.1:{ba_port}");
    let jwks_url = format!("{base}/api/auth/jwks");
    let c = ClusterBuilder::new("better-auth")
        .pool(2)
        .setting("budgetbee.jwks_url", &jwks_url)
        .setting("budgetbee.jwt_aud", &base)
        .setting("budgetbee.db_anon_role", "anon")
        .setting("budgetbee.db_authenticated_role", "authenticated")
        .fixture(&app_sql())
        .fixture(WHOAMI)
        .start();
    assert_eq!(
        c.psql("SHOW budgetbee.jwt_secret"),
        "",
        "no jwt_secret: jwks_url is the only source of keys"
    );
    assert_eq!(
        c.psql(
            "SELECT rolname, rolcanlogin, rolbypassrls, rolsuper FROM pg_roles \
             WHERE rolname = 'auth_admin'"
        ),
        "auth_admin|t|t|f"
    );
    // Nothing listened when the workers started: their first fetch failed (logged when the
    // worker next looks, within a second).
    let deadline = Instant::now() + Duration::from_secs(5);
    while !c.log().contains(&format!(
        "budgetbee: could not fetch the JWKS, keeping the last good keys: connect {jwks_url}: \
         Connection refused"
    )) {
        assert!(
            Instant::now() < deadline,
            "no refused JWKS fetch logged within 5 s of start:\n{}",
            c.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let ba = BetterAuth::start(ba_port, &c);
    // Every refused fetch was made before Better Auth listened.
    let issuer_up = Instant::now();
    let mut browser = Browser {
        port: ba.port,
        origin: base.clone(),
        cookies: Vec::new(),
    };

    // As Budget Bee's `make backfill-jwks` does once the app is up: GET its JWKS. Better Auth
    // creates its signing key on that first call. (Two calls at once each create one: it then
    // has two keys, both published; the newest signs.)
    let r = browser.call("GET", "/api/auth/jwks", None);
    assert_eq!(r.status, 200, "GET /api/auth/jwks: {}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    let published = r.json();
    // What the table holds, as Better Auth publishes it: {alg, crv, …public JWK, kid}.
    let stored: Vec<Value> = c
        .psql("SELECT id || '|' || public_key FROM jwks ORDER BY created_at DESC, id")
        .lines()
        .map(|row| {
            let (id, public_key) = row.split_once('|').unwrap();
            let public_key: Value = serde_json::from_str(public_key).unwrap();
            let x = public_key["x"].as_str().expect("x").to_string();
            assert_eq!(
                public_key,
                json!({"crv": "Ed25519", "x": x, "kty": "OKP"}),
                "jwks.public_key of {id}: an Ed25519 public JWK"
            );
            json!({"alg": "EdDSA", "crv": "Ed25519", "x": x, "kty": "OKP", "kid": id})
        })
        .collect();
    assert!(
        !stored.is_empty(),
        "no row in jwks after GET /api/auth/jwks"
    );
    let mut listed = published["keys"].as_array().expect("keys").clone();
    listed.sort_by_key(|k| k["kid"].as_str().unwrap_or("").to_string());
    let mut want = stored.clone();
    want.sort_by_key(|k| k["kid"].as_str().unwrap_or("").to_string());
    assert_eq!(
        published.as_object().map(|o| o.len()),
        Some(1),
        "{published}"
    );
    assert_eq!(listed, want, "the JWKS lists exactly the jwks rows");
    let kid = stored[0]["kid"].as_str().unwrap().to_string();

    // No waiting for the workers' own retry (jwks_min_refresh_interval, 10 s by default): the
    // first token that finds no key fetches the JWKS there and then.
    assert_eq!(
        c.psql("SELECT count(*) FROM jwks"),
        stored.len().to_string(),
        "the workers' fetches created no key: Better Auth had one already"
    );

    // --- Sign up: Better Auth writes users, accounts, sessions (as auth_admin). ---------------
    let r = browser.call(
        "POST",
        "/api/auth/sign-up/email",
        Some(&json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada Lovelace"})),
    );
    assert_eq!(r.status, 200, "sign-up: {}", r.text());
    let signed_up = r.json();
    let uid = signed_up["user"]["id"]
        .as_str()
        .expect("user.id")
        .to_string();
    let session_token = signed_up["token"].as_str().expect("token").to_string();
    assert_eq!(signed_up["user"]["email"], "ada@example.com");
    assert_eq!(signed_up["user"]["name"], "Ada Lovelace");
    assert_eq!(signed_up["user"]["emailVerified"], false);
    let cookie = browser
        .cookie("better-auth.session_token")
        .unwrap_or_else(|| panic!("no session cookie: {:?}", r.headers))
        .to_string();
    assert_eq!(
        cookie.split_once('.').map(|(t, _)| t),
        Some(session_token.as_str()),
        "the cookie is <session token>.<signature>"
    );

    // --- The token: signed with the newest key. ----------------------------------------------
    let token = browser.token();
    assert_eq!(
        part(&token, 0),
        json!({"alg": "EdDSA", "kid": kid}),
        "header"
    );
    let payload = part(&token, 1);
    let iat = payload["iat"].as_i64().expect("iat");
    assert!((iat - now()).abs() <= 60, "iat {iat} is not now");
    assert_eq!(
        payload,
        json!({
            "iat": iat,
            "exp": iat + 3600,
            "iss": base,
            "aud": base,
            "sub": uid,
            "user_id": uid,
            "role": "authenticated",
            "email": "ada@example.com",
            "claims": {"organization_id": null, "organization_role": null},
        }),
        "payload"
    );
    // --- The rows Better Auth wrote, in the app's tables. ------------------------------------
    let u = q(&uid);
    assert_eq!(
        c.psql(&format!(
            "SELECT name, email, email_verified, image IS NULL FROM users WHERE id = '{u}'"
        )),
        "Ada Lovelace|ada@example.com|f|t",
        "users"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT account_id = user_id, provider_id, password LIKE '%:%', access_token IS NULL \
             FROM accounts WHERE user_id = '{u}'"
        )),
        "t|credential|t|t",
        "accounts: one credential account with a salted password hash"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT token = '{}', expires_at > now() + interval '6 days', \
             active_organization_id IS NULL FROM sessions WHERE user_id = '{u}'",
            q(&session_token)
        )),
        "t|t|t",
        "sessions: the cookie's session, 7 days, no active organization"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT jsonb_typeof(private_key::jsonb), created_at <= now(), expires_at IS NULL \
             FROM jwks WHERE id = '{}'",
            q(&kid)
        )),
        "string|t|t",
        "jwks: the private key stored encrypted (a string, not a JWK object)"
    );

    // --- budgetbee accepts the token: a personal transaction. --------------------------------
    // A token finding a worker without keys has it fetch again, but at most once a second
    // (jwks_url.rs, `an_issuer_down_at_start_is_asked_again_by_the_first_token`): a token sent
    // within a second of the last refused fetch is answered 500 PGRST300. Sign-up usually
    // takes longer than that, but not always (CI saw 0.9 s).
    if let Some(rest) = Duration::from_millis(1100).checked_sub(issuer_up.elapsed()) {
        std::thread::sleep(rest);
    }
    let r = api(
        &c,
        "POST",
        "/transactions",
        Some(&token),
        Some(r#"{"amount":-4.5,"name":"Coffee","transaction_date":"2026-02-01T09:30:00.000Z"}"#),
    );
    expect("POST /transactions (personal)", &r, 201, &[], "");
    assert_eq!(
        c.psql(&format!(
            "SELECT count(*), min(organization_id) IS NULL FROM transactions WHERE user_id = '{u}'"
        )),
        "1|t",
        "user_id defaulted to uid(), the Better Auth user id"
    );
    let select = "/transactions?select=amount,currency,name,status,source,user_id,\
                  organization_id,transaction_date&order=name.asc";
    let personal_row = format!(
        r#"{{"amount":-4.50,"currency":"usd","name":"Coffee","status":"paid","source":"manual","user_id":"{uid}","organization_id":null,"transaction_date":"2026-02-01T09:30:00"}}"#
    );
    let r = api(&c, "GET", select, Some(&token), None);
    expect(
        "GET /transactions (personal token)",
        &r,
        200,
        &[JSON_CT, ("WWW-Authenticate", ABSENT)],
        &format!("[{personal_row}]"),
    );
    // The new-user trigger fired for Better Auth's INSERT: the three default categories, the
    // user's only (the demo users' stay hidden).
    let r = api(
        &c,
        "GET",
        "/categories?select=name&order=name.asc",
        Some(&token),
        None,
    );
    expect(
        "GET /categories",
        &r,
        200,
        &[JSON_CT],
        "[{\"name\":\"Food\"}, \n {\"name\":\"Sales\"}, \n {\"name\":\"Travel\"}]",
    );
    let r = api(&c, "GET", "/rpc/whoami", Some(&token), None);
    expect(
        "GET /rpc/whoami (personal token)",
        &r,
        200,
        &[JSON_CT],
        &format!(r#"[{{"uid":"{uid}","org_id":null,"org_role":null,"role":"authenticated"}}]"#),
    );

    // --- Better Auth's tables are out of the API's reach. ------------------------------------
    for table in [
        "users",
        "sessions",
        "accounts",
        "jwks",
        "organizations",
        "members",
    ] {
        let r = api(&c, "GET", &format!("/{table}"), Some(&token), None);
        expect(
            &format!("GET /{table} with the token"),
            &r,
            403,
            &[JSON_CT, ("WWW-Authenticate", ABSENT)],
            &error_body(
                "42501",
                None,
                &format!("permission denied for table {table}"),
            ),
        );
    }
    let r = api(&c, "GET", "/users", None, None);
    expect(
        "GET /users without a token",
        &r,
        401,
        &[JSON_CT, ("WWW-Authenticate", "Bearer")],
        &error_body("42501", None, "permission denied for table users"),
    );

    // --- An organization through Better Auth; the user is its owner. -------------------------
    let r = browser.call(
        "POST",
        "/api/auth/organization/create",
        Some(
            &json!({"name": "Bee Labs", "slug": "bee-labs", "keepCurrentActiveOrganization": true}),
        ),
    );
    assert_eq!(r.status, 200, "organization/create: {}", r.text());
    let org = r.json();
    let org_id = org["id"].as_str().expect("organization id").to_string();
    assert_eq!(org["slug"], "bee-labs");
    let o = q(&org_id);
    assert_eq!(
        c.psql(&format!(
            "SELECT name, slug FROM organizations WHERE id = '{o}'"
        )),
        "Bee Labs|bee-labs",
        "organizations"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT organization_id = '{o}', role FROM members WHERE user_id = '{u}'"
        )),
        "t|owner",
        "members: the creator is the owner"
    );
    assert_eq!(
        c.psql(&format!(
            "SELECT active_organization_id IS NULL FROM sessions WHERE user_id = '{u}'"
        )),
        "t",
        "keepCurrentActiveOrganization: still personal"
    );
    // Without the organization in its token the user may not write the organization's rows.
    let org_insert = format!(
        r#"{{"amount":1200,"name":"Invoice 1","organization_id":"{org_id}","transaction_date":"2026-02-02T10:00:00Z"}}"#
    );
    let r = api(&c, "POST", "/transactions", Some(&token), Some(&org_insert));
    expect(
        "POST an organization transaction with the personal token",
        &r,
        403,
        &[JSON_CT],
        &error_body(
            "42501",
            None,
            "new row violates row-level security policy for table \"transactions\"",
        ),
    );

    let r = browser.call(
        "POST",
        "/api/auth/organization/set-active",
        Some(&json!({"organizationId": org_id})),
    );
    assert_eq!(r.status, 200, "organization/set-active: {}", r.text());
    assert_eq!(
        c.psql(&format!(
            "SELECT active_organization_id = '{o}' FROM sessions WHERE user_id = '{u}'"
        )),
        "t",
        "sessions.active_organization_id"
    );
    let org_token = browser.token();
    assert_eq!(part(&org_token, 0), json!({"alg": "EdDSA", "kid": kid}));
    let org_payload = part(&org_token, 1);
    assert_eq!(
        org_payload["claims"],
        json!({"organization_id": org_id, "organization_role": "owner"}),
        "claims of the organization token: {org_payload}"
    );
    assert_eq!(org_payload["sub"], json!(uid));

    let r = api(&c, "GET", "/rpc/whoami", Some(&org_token), None);
    expect(
        "GET /rpc/whoami (organization token)",
        &r,
        200,
        &[JSON_CT],
        &format!(
            r#"[{{"uid":"{uid}","org_id":"{org_id}","org_role":"owner","role":"authenticated"}}]"#
        ),
    );
    // org_id() matches and check_ac_current('transaction', 'create') allows the owner.
    let r = api(
        &c,
        "POST",
        "/transactions",
        Some(&org_token),
        Some(&org_insert),
    );
    expect(
        "POST an organization transaction with the organization token",
        &r,
        201,
        &[],
        "",
    );
    let org_row = format!(
        r#"{{"amount":1200.00,"currency":"usd","name":"Invoice 1","status":"paid","source":"manual","user_id":"{uid}","organization_id":"{org_id}","transaction_date":"2026-02-02T10:00:00"}}"#
    );
    let r = api(&c, "GET", select, Some(&org_token), None);
    expect(
        "GET /transactions (organization token)",
        &r,
        200,
        &[JSON_CT],
        &format!("[{personal_row}, \n {org_row}]"),
    );
    let r = api(&c, "GET", select, Some(&token), None);
    expect(
        "GET /transactions (personal token) after the organization's insert",
        &r,
        200,
        &[JSON_CT],
        &format!("[{personal_row}]"),
    );

    // --- Refused: tokens Better Auth did not sign as they are. -------------------------------
    let before = c.psql("SELECT count(*) FROM transactions");
    // The committed test Ed25519 key (not Better Auth's) under Better Auth's kid, with the
    // organization token's claims.
    let other_key = sign(
        Algorithm::EdDSA,
        Some(&kid),
        &Key::Ed25519.encoding_key(),
        &org_payload,
    );
    let r = api(
        &c,
        "POST",
        "/transactions",
        Some(&other_key),
        Some(&org_insert),
    );
    expect_jwt_error("another key under Better Auth's kid", &r, NONE_OF_THE_KEYS);
    // Better Auth's signature over a payload it did not sign: the personal token made an owner.
    let mut promoted = payload.clone();
    promoted["claims"] = json!({"organization_id": org_id, "organization_role": "owner"});
    let r = api(
        &c,
        "POST",
        "/transactions",
        Some(&with_payload(&token, &promoted)),
        Some(&org_insert),
    );
    expect_jwt_error("tampered payload", &r, NONE_OF_THE_KEYS);
    let r = api(
        &c,
        "GET",
        "/transactions",
        Some(&with_flipped_signature(&org_token)),
        None,
    );
    expect_jwt_error("changed signature", &r, NONE_OF_THE_KEYS);
    // A kid Better Auth never published (a refetch, if the cooldown allows one, finds nothing).
    let unknown_kid = sign(
        Algorithm::EdDSA,
        Some(Key::Ed25519.kid()),
        &Key::Ed25519.encoding_key(),
        &org_payload,
    );
    let r = api(&c, "GET", "/transactions", Some(&unknown_kid), None);
    expect_jwt_error("a kid not in Better Auth's JWKS", &r, NO_SUITABLE_KEY);
    assert_eq!(
        c.psql("SELECT count(*) FROM transactions"),
        before,
        "the refused requests wrote nothing"
    );
    // Still accepted after all that.
    let r = api(&c, "GET", "/rpc/whoami", Some(&org_token), None);
    assert_eq!(r.status, 200, "{}", r.text());

    drop(ba);
}
