use super::*;

/// A small key keeps the test quick; deployments use 2048 bits.
fn signer() -> MediaSigner {
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
    MediaSigner {
        base_url: "https://cdn.example.com/media".to_owned(),
        key_id: "K2JCJMDEHXQW5F".to_owned(),
        key,
    }
}

fn query(grant: &MediaGrant) -> Option<&str> {
    Some(grant.query.as_str())
}

#[test]
fn a_grant_opens_its_folder_and_no_other_until_it_expires() {
    let signer = signer();
    let verifier = signer.verifier();
    let now: Timestamp = "2026-12-02T08:00:00Z".parse().unwrap();
    let grant = signer.grant("lessons/draft-survey/3", now);
    assert_eq!(
        grant.url("lecture.mp4").split('?').next().unwrap(),
        "https://cdn.example.com/media/lessons/draft-survey/3/lecture.mp4"
    );
    let check = |path: &str, at: Timestamp| verifier.check(path, query(&grant), at);
    assert_eq!(check("lessons/draft-survey/3/lecture.mp4", now), Ok(()));
    assert_eq!(check("lessons/draft-survey/3/figure-1.svg", now), Ok(()));
    assert_eq!(
        check("lessons/draft-survey/4/lecture.mp4", now),
        Err(MediaDenied::OtherResource)
    );
    // A prefix is not a folder: hour 3's grant does not open hour 31.
    assert_eq!(
        check("lessons/draft-survey/31/lecture.mp4", now),
        Err(MediaDenied::OtherResource)
    );
    let later = now + GRANT_LIFETIME;
    assert_eq!(
        check("lessons/draft-survey/3/lecture.mp4", later),
        Err(MediaDenied::Expired)
    );
}

#[test]
fn tampered_unsigned_or_foreign_requests_are_refused() {
    let signer = signer();
    let verifier = signer.verifier();
    let now: Timestamp = "2026-12-02T08:00:00Z".parse().unwrap();
    let path = "lessons/draft-survey/4/lecture.mp4";
    assert_eq!(verifier.check(path, None, now), Err(MediaDenied::Unsigned));
    // Hour 3's signature over a policy rewritten to hour 4.
    let grant = signer.grant("lessons/draft-survey/3", now);
    let forged_policy = Policy::for_resource(
        "https://cdn.example.com/media/lessons/draft-survey/4/*".to_owned(),
        grant.expires_at,
    );
    let forged_policy = url_safe(serde_json::to_string(&forged_policy).unwrap().as_bytes());
    let signature = grant.query.split('&').nth(1).unwrap();
    let forged = format!("Policy={forged_policy}&{signature}&Key-Pair-Id=K2JCJMDEHXQW5F");
    assert_eq!(
        verifier.check(path, Some(&forged), now),
        Err(MediaDenied::BadSignature)
    );
    let other_key = signer
        .grant("lessons/draft-survey/4", now)
        .query
        .replace("Key-Pair-Id=K2JCJMDEHXQW5F", "Key-Pair-Id=KOTHER");
    assert_eq!(
        verifier.check(path, Some(&other_key), now),
        Err(MediaDenied::UnknownKey)
    );
    let stranger = MediaSigner {
        key: RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap(),
        ..signer
    };
    let grant = stranger.grant("lessons/draft-survey/4", now);
    assert_eq!(
        verifier.check(path, query(&grant), now),
        Err(MediaDenied::BadSignature)
    );
}

#[test]
fn resource_patterns_match_as_cloudfront_does() {
    assert!(wildcard_matches("https://a/x/*", "https://a/x/"));
    assert!(wildcard_matches("https://a/x/*", "https://a/x/b/c.mp4"));
    assert!(wildcard_matches("http*://a/*.mp4", "https://a/b.mp4"));
    assert!(wildcard_matches("https://a/?.mp4", "https://a/b.mp4"));
    assert!(!wildcard_matches("https://a/?.mp4", "https://a/bc.mp4"));
    assert!(!wildcard_matches("https://a/x/*", "https://a/xy/b"));
    assert!(!wildcard_matches("https://a/*.mp4", "https://a/b.mp4.html"));
    assert!(wildcard_matches("*", ""));
}
