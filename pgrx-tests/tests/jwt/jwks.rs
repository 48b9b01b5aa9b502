use super::*;

#[test]
fn jwks_secret_accepts_every_asymmetric_algorithm() {
    let algs = [
        (Algorithm::RS256, Key::Rsa),
        (Algorithm::RS384, Key::Rsa),
        (Algorithm::RS512, Key::Rsa),
        (Algorithm::PS256, Key::Rsa),
        (Algorithm::PS384, Key::Rsa),
        (Algorithm::PS512, Key::Rsa),
        (Algorithm::ES256, Key::Ec256),
        (Algorithm::ES384, Key::Ec384),
        (Algorithm::EdDSA, Key::Ed25519),
    ];
    let mut checks = Vec::new();
    for (alg, key) in algs {
        let uid = format!("alg-{alg:?}");
        let token = asym(alg, key, &claims(json!({"sub": uid})));
        checks.push(
            Check::get(
                &format!("{alg:?} with kid {}", key.kid()),
                ME,
                Some(&bearer(&token)),
            )
            .ok(&me_body("authenticated", &uid)),
        );
    }
    // Without a kid every key is tried (PostgREST v13 #3598).
    for (alg, key) in [
        (Algorithm::RS256, Key::Rsa),
        (Algorithm::EdDSA, Key::Ed25519),
    ] {
        let token = sign(
            alg,
            None,
            &key.encoding_key(),
            &claims(json!({"sub": "no-kid"})),
        );
        checks.push(
            Check::get(&format!("{alg:?} without kid"), ME, Some(&bearer(&token)))
                .ok(&me_body("authenticated", "no-kid")),
        );
    }
    run(jwks_cluster(), &checks);
}

#[test]
fn jwks_attack_corpus_is_rejected_like_postgrest() {
    let forged = claims(json!({"sub": "attacker", "role": "authenticated"}));
    let rsa_jwk = Key::Rsa.jwk();
    let modulus = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(rsa_jwk["n"].as_str().unwrap())
        .unwrap();
    let ed_x = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(Key::Ed25519.jwk()["x"].as_str().unwrap())
        .unwrap();
    let hmac_over = |secret: &[u8], kid: Option<&str>| {
        bearer(&sign(
            Algorithm::HS256,
            kid,
            &EncodingKey::from_secret(secret),
            &forged,
        ))
    };
    let no_key = |c: Check| c.jwt_error("PGRST301", MSG_KEY, Some(NO_SUITABLE_KEY));
    let bad_sig = |c: Check| c.jwt_error("PGRST301", MSG_KEY, Some(NONE_OF_THE_KEYS));
    let good_ed = asym(
        Algorithm::EdDSA,
        Key::Ed25519,
        &claims(json!({"sub": "user_a"})),
    );
    let good_es = asym(
        Algorithm::ES256,
        Key::Ec256,
        &claims(json!({"sub": "user_a"})),
    );
    let checks = vec![
        // Key confusion: HMAC keyed with public key material, claiming the RSA key's kid.
        no_key(Check::get(
            "HS256 keyed with the RSA public key PEM, RSA kid",
            ME,
            Some(&hmac_over(&Key::Rsa.public_pem(), Some(Key::Rsa.kid()))),
        )),
        no_key(Check::get(
            "HS256 keyed with the RSA public key PEM, no kid",
            ME,
            Some(&hmac_over(&Key::Rsa.public_pem(), None)),
        )),
        no_key(Check::get(
            "HS256 keyed with the RSA JWK text",
            ME,
            Some(&hmac_over(
                Key::Rsa.jwk_text().as_bytes(),
                Some(Key::Rsa.kid()),
            )),
        )),
        no_key(Check::get(
            "HS256 keyed with the RSA modulus bytes",
            ME,
            Some(&hmac_over(&modulus, Some(Key::Rsa.kid()))),
        )),
        no_key(Check::get(
            "HS256 keyed with the Ed25519 public key",
            ME,
            Some(&hmac_over(&ed_x, Some(Key::Ed25519.kid()))),
        )),
        no_key(Check::get(
            "unknown kid",
            ME,
            Some(&bearer(&sign(
                Algorithm::RS256,
                Some("bb-unknown"),
                &Key::Rsa.encoding_key(),
                &forged,
            ))),
        )),
        no_key(Check::get(
            "kid of an EC key on an RS256 token",
            ME,
            Some(&bearer(&sign(
                Algorithm::RS256,
                Some(Key::Ec256.kid()),
                &Key::Rsa.encoding_key(),
                &forged,
            ))),
        )),
        // The P-256 JWK says "alg":"ES256"; jose-jwt filters keys by alg before trying them.
        no_key(Check::get(
            "ES384 token naming the ES256 key",
            ME,
            Some(&bearer(&sign(
                Algorithm::ES384,
                Some(Key::Ec256.kid()),
                &Key::Ec384.encoding_key(),
                &forged,
            ))),
        )),
        bad_sig(Check::get(
            "attacker's RSA key under the real kid",
            ME,
            Some(&bearer(&sign(
                Algorithm::RS256,
                Some(Key::Rsa.kid()),
                &Key::RsaRotated.encoding_key(),
                &forged,
            ))),
        )),
        bad_sig(Check::get(
            "attacker's RSA key, no kid",
            ME,
            Some(&bearer(&sign(
                Algorithm::RS256,
                None,
                &Key::RsaRotated.encoding_key(),
                &forged,
            ))),
        )),
        bad_sig(Check::get(
            "tampered EdDSA payload",
            ME,
            Some(&bearer(&with_payload(&good_ed, &forged))),
        )),
        bad_sig(Check::get(
            "ES256 signature changed",
            ME,
            Some(&bearer(&with_flipped_signature(&good_es))),
        )),
        no_key(Check::get(
            "HS256 with a plausible shared secret",
            ME,
            Some(&bearer(&hs256(&forged))),
        )),
        Check::get(
            "alg none naming the RSA kid",
            ME,
            Some(&bearer(&raw_token(
                &json!({"alg": "none", "typ": "JWT", "kid": Key::Rsa.kid()}),
                &forged,
                b"",
            ))),
        )
        .jwt_error("PGRST301", MSG_ALG, Some(UNSECURED)),
        Check::get("three parts of garbage", ME, Some("Bearer e30.e30.e30"))
            .jwt_error_loose("PGRST301", MSG_CRYPTO),
        Check::get("empty bearer", ME, Some("Bearer ")).jwt_error("PGRST301", MSG_EMPTY, None),
    ];
    run(jwks_cluster(), &checks);
}

// ---------------------------------------------------------------------------------------------
// Single JWK from PGRST_JWT_SECRET, audience, role claim key
// ---------------------------------------------------------------------------------------------

#[test]
fn single_jwk_with_audience_like_the_seed() {
    let es = |extra: Value| bearer(&asym(Algorithm::ES256, Key::Ec256, &claims(extra)));
    let ok = me_body("authenticated", "aud-user");
    let not_in_aud = |c: Check| c.jwt_error("PGRST303", "JWT not in audience", None);
    let bad_type = |c: Check| {
        c.jwt_error(
            "PGRST303",
            "The JWT 'aud' claim must be a string or an array of strings",
            None,
        )
    };
    let checks = vec![
        Check::get(
            "aud matches",
            ME,
            Some(&es(json!({"sub": "aud-user", "aud": AUD}))),
        )
        .ok(&ok),
        Check::get(
            "no kid, aud matches",
            ME,
            Some(&bearer(&sign(
                Algorithm::ES256,
                None,
                &Key::Ec256.encoding_key(),
                &claims(json!({"sub": "aud-user", "aud": AUD})),
            ))),
        )
        .ok(&ok),
        Check::get(
            "aud array containing it",
            ME,
            Some(&es(
                json!({"sub": "aud-user", "aud": ["https://other.example", AUD, "x"]}),
            )),
        )
        .ok(&ok),
        Check::get(
            "aud []: any audience",
            ME,
            Some(&es(json!({"sub": "aud-user", "aud": []}))),
        )
        .ok(&ok),
        Check::get(
            "aud null: any audience",
            ME,
            Some(&es(json!({"sub": "aud-user", "aud": null}))),
        )
        .ok(&ok),
        Check::get(
            "no aud: any audience",
            ME,
            Some(&es(json!({"sub": "aud-user"}))),
        )
        .ok(&ok),
        not_in_aud(Check::get(
            "other aud",
            ME,
            Some(&es(json!({"aud": "http://evil.example"}))),
        )),
        not_in_aud(Check::get("empty aud", ME, Some(&es(json!({"aud": ""}))))),
        not_in_aud(Check::get(
            "aud array without it",
            ME,
            Some(&es(
                json!({"aud": ["http://evil.example", "http://localhost:3001"]}),
            )),
        )),
        bad_type(Check::get(
            "aud an object",
            ME,
            Some(&es(json!({"aud": {"invalid": "value"}}))),
        )),
        bad_type(Check::get(
            "aud array with an object",
            ME,
            Some(&es(json!({"aud": [{"invalid": "value"}, AUD]}))),
        )),
        Check::get(
            "RS256 token against a lone EC key",
            ME,
            Some(&bearer(&asym(
                Algorithm::RS256,
                Key::Rsa,
                &claims(json!({"aud": AUD})),
            ))),
        )
        .jwt_error("PGRST301", MSG_KEY, Some(NO_SUITABLE_KEY)),
        Check::get(
            "HS256 keyed with the EC JWK text",
            ME,
            Some(&bearer(&sign(
                Algorithm::HS256,
                Some(Key::Ec256.kid()),
                &EncodingKey::from_secret(Key::Ec256.jwk_text().as_bytes()),
                &claims(json!({"aud": AUD})),
            ))),
        )
        .jwt_error("PGRST301", MSG_KEY, Some(NO_SUITABLE_KEY)),
        Check::get(
            "kid the JWK does not have",
            ME,
            Some(&bearer(&sign(
                Algorithm::ES256,
                Some("bb-other"),
                &Key::Ec256.encoding_key(),
                &claims(json!({"aud": AUD})),
            ))),
        )
        .jwt_error("PGRST301", MSG_KEY, Some(NO_SUITABLE_KEY)),
    ];
    run(jwk_aud_cluster(), &checks);
}

/// `jwt_role_claim_key = .app_metadata.role`: the role is read there, a top-level `role` is just
/// another claim, and `request.jwt.claims.role` is the effective role.
#[test]
fn role_claim_key_reads_a_nested_claim() {
    let c = jwk_aud_cluster();
    let es = |extra: Value| asym(Algorithm::ES256, Key::Ec256, &claims(extra));
    let mut conn = Conn::open(c.http_port);

    let row = me_row(
        &mut conn,
        Some(&es(
            json!({"aud": AUD, "app_metadata": {"role": "other_anon"}}),
        )),
    );
    assert_eq!(row["role"], "other_anon", "{row}");
    let claims_json: Value = serde_json::from_str(row["claims"].as_str().unwrap()).unwrap();
    assert_eq!(claims_json["role"], "other_anon", "{row}");

    let row = me_row(&mut conn, Some(&es(json!({"aud": AUD, "role": "anon"}))));
    assert_eq!(
        row["role"], "authenticated",
        "top-level role is not the role claim: {row}"
    );
    let claims_json: Value = serde_json::from_str(row["claims"].as_str().unwrap()).unwrap();
    assert_eq!(claims_json["role"], "authenticated", "{row}");

    run(
        c,
        &[Check::get(
            "nested role that does not exist",
            "/me?select=role",
            Some(&bearer(&es(
                json!({"aud": AUD, "app_metadata": {"role": "nobody"}}),
            ))),
        )
        .pg_error(401, "22023", "role \"nobody\" does not exist", "Bearer")],
    );
}

// ---------------------------------------------------------------------------------------------
// @file + base64 secret, no anonymous role
// ---------------------------------------------------------------------------------------------
