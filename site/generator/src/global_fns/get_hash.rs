//! `get_hash(path | literal, sha_type?, base64?)`: the digest of a static
//! file (or of a file of the site, or of some text), for `integrity="sha384-…"` attributes.

use std::sync::Arc;

use base64::Engine;
use sha2::Digest;
use tera::{Error, Function, Kwargs, State, TeraResult};

use super::files::{hex, read_static};
use crate::lookup::Lookup;

pub struct GetHash(pub Arc<Lookup>);

impl Function<TeraResult<String>> for GetHash {
    fn call(&self, kwargs: Kwargs, _: &State) -> TeraResult<String> {
        let path: Option<&str> = kwargs.get("path")?;
        let literal: Option<&str> = kwargs.get("literal")?;
        // Zola's defaults: SHA-384 in base64 is what subresource integrity takes as is.
        let sha_type = kwargs.get::<i64>("sha_type")?.unwrap_or(384);
        let base64 = kwargs.get::<bool>("base64")?.unwrap_or(true);
        let bytes = match (path, literal) {
            (Some(path), None) => read_static(&self.0, path)
                .or_else(|_| std::fs::read(self.0.root.join(path)))
                .map_err(|e| Error::message(format!("get_hash: cannot read {path}: {e}")))?,
            (None, Some(literal)) => literal.as_bytes().to_vec(),
            (Some(_), Some(_)) => {
                return Err(Error::message(
                    "`get_hash`: must have only one of `path` or `literal` argument",
                ));
            }
            (None, None) => {
                return Err(Error::message(
                    "`get_hash`: must have at least one of `path` or `literal` argument",
                ));
            }
        };
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
    use super::*;
    use crate::global_fns::fixture::{assert_errors, call, site};

    const CSS: &[u8] = b"body{}\n";

    #[test]
    fn by_default_a_static_file_gets_its_sha384_in_base64() {
        let (_dir, lookup) = site();
        let hash = call(
            &GetHash(lookup),
            Kwargs::from([("path", "site.css".into())]),
            None,
        );
        let expected = base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(CSS));
        assert_eq!(hash.unwrap(), expected.into());
    }

    #[test]
    fn sha_type_and_base64_choose_the_digest_and_its_spelling_for_static_then_site_files() {
        let (_dir, lookup) = site();
        let hex_of = |path: &str, sha_type: i64| {
            let kwargs = Kwargs::from([
                ("path", path.into()),
                ("sha_type", sha_type.into()),
                ("base64", false.into()),
            ]);
            call(&GetHash(Arc::clone(&lookup)), kwargs, None).unwrap()
        };
        let sha256 = hex(&sha2::Sha256::digest(CSS));
        assert_eq!(hex_of("/site.css", 256), sha256.into());
        assert_eq!(
            hex_of("site.css", 512),
            hex(&sha2::Sha512::digest(CSS)).into()
        );
        let notes = hex(&sha2::Sha384::digest(b"plain *text*"));
        assert_eq!(hex_of("data/notes.txt", 384), notes.into());
    }

    #[test]
    fn a_missing_file_an_unknown_sha_type_or_a_bad_argument_is_an_error() {
        let (_dir, lookup) = site();
        let css = |name: &'static str, value: tera::Value| {
            Kwargs::from([("path", "site.css".into()), (name, value)])
        };
        assert_errors(
            &GetHash(lookup),
            [
                (
                    super::super::fixture::no_args(),
                    "must have at least one of `path` or `literal` argument",
                ),
                (
                    Kwargs::from([("path", "site.css".into()), ("literal", "x".into())]),
                    "must have only one of `path` or `literal` argument",
                ),
                (Kwargs::from([("path", true.into())]), "expected `&str`"),
                (
                    Kwargs::from([("path", "gone.css".into())]),
                    "get_hash: cannot read gone.css: ",
                ),
                (
                    css("sha_type", 1.into()),
                    "get_hash: sha_type 1 is not 256, 384 or 512",
                ),
                (css("sha_type", "384".into()), "expected `i64`"),
                (css("base64", "yes".into()), "expected `bool`"),
            ],
        );
    }
}
