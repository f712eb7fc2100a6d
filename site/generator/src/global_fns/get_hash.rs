//! `get_hash(path, sha_type?, base64?)`: the digest of a static file (or
//! of a file of the site), for `integrity="sha384-…"` attributes.

use std::sync::Arc;

use base64::Engine;
use sha2::Digest;
use tera::{Error, Function, Kwargs, State, TeraResult};

use super::files::{hex, read_static};
use crate::lookup::Lookup;

pub struct GetHash {
    lookup: Arc<Lookup>,
}

impl GetHash {
    pub fn new(lookup: &Arc<Lookup>) -> Self {
        Self {
            lookup: Arc::clone(lookup),
        }
    }
}

impl Function<TeraResult<String>> for GetHash {
    fn call(&self, kwargs: Kwargs, _: &State) -> TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        // Zola's defaults: SHA-384 in base64 is what subresource integrity takes as is.
        let sha_type = kwargs.get::<i64>("sha_type")?.unwrap_or(384);
        let base64 = kwargs.get::<bool>("base64")?.unwrap_or(true);
        let bytes = read_static(&self.lookup, path)
            .or_else(|_| std::fs::read(self.lookup.root.join(path)))
            .map_err(|e| Error::message(format!("get_hash: cannot read {path}: {e}")))?;
        let digest: Vec<u8> = match sha_type {
            256 => sha2::Sha256::digest(&bytes).to_vec(),
            384 => sha2::Sha384::digest(&bytes).to_vec(),
            512 => sha2::Sha512::digest(&bytes).to_vec(),
            other => {
                return Err(Error::message(format!(
                    "get_hash: sha_type {other} is not 256, 384 or 512"
                )));
            }
        };
        Ok(if base64 {
            base64::engine::general_purpose::STANDARD.encode(digest)
        } else {
            hex(&digest)
        })
    }
}

#[cfg(test)]
mod tests {
    use tera::Value;

    use super::*;
    use crate::global_fns::fixture::{call, error, no_args, site};

    fn hash(lookup: &Arc<Lookup>, kwargs: Kwargs) -> Value {
        call(&GetHash::new(lookup), kwargs, None).unwrap()
    }

    #[test]
    fn by_default_a_static_file_gets_its_sha384_in_base64() {
        let (_dir, lookup) = site();
        let expected =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(b"body{}\n"));
        assert_eq!(
            hash(&lookup, Kwargs::from([("path", "site.css".into())])),
            expected.into()
        );
    }

    #[test]
    fn sha_type_and_base64_choose_the_digest_and_its_spelling() {
        let (_dir, lookup) = site();
        for (sha_type, digest) in [
            (256, sha2::Sha256::digest(b"body{}\n").to_vec()),
            (512, sha2::Sha512::digest(b"body{}\n").to_vec()),
        ] {
            let kwargs = Kwargs::from([
                ("path", "/site.css".into()),
                ("sha_type", sha_type.into()),
                ("base64", false.into()),
            ]);
            assert_eq!(hash(&lookup, kwargs), hex(&digest).into());
        }
    }

    #[test]
    fn a_file_outside_static_is_looked_for_in_the_site() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "data/notes.txt".into()), ("base64", false.into())]);
        let expected = hex(&sha2::Sha384::digest(b"plain *text*"));
        assert_eq!(hash(&lookup, kwargs), expected.into());
    }

    #[test]
    fn a_missing_file_or_an_unknown_sha_type_is_an_error() {
        let (_dir, lookup) = site();
        let function = GetHash::new(&lookup);
        let missing = Kwargs::from([("path", "missing.css".into())]);
        assert!(error(&function, missing).starts_with("get_hash: cannot read missing.css: "));
        let sha1 = Kwargs::from([("path", "site.css".into()), ("sha_type", 1.into())]);
        assert_eq!(
            error(&function, sha1),
            "get_hash: sha_type 1 is not 256, 384 or 512"
        );
    }

    #[test]
    fn path_is_required_and_sha_type_must_be_a_number() {
        let (_dir, lookup) = site();
        let function = GetHash::new(&lookup);
        assert_eq!(
            error(&function, no_args()),
            "Missing keyword argument `path`"
        );
        let kwargs = Kwargs::from([("path", "site.css".into()), ("sha_type", "384".into())]);
        assert!(error(&function, kwargs).contains("expected `i64`"));
    }
}
