//! Routes and their OpenAPI document from one source. A handler's
//! `#[utoipa::path(post, path = MARK, …)]` names its method and path once;
//! [`route!`](crate::route) mounts the handler there and documents it in the
//! same step, so a route cannot be served undocumented or documented
//! unserved, and the path string is written only in its constant.
//!
//! utoipa-axum's `routes!` would do this, but it needs a handler's bare name
//! to find the document `#[utoipa::path]` generates beside it, and our
//! handlers are generic over the store (`mark::<S>`): `route!` takes
//! `module::handler::<S>` apart itself and hands both halves to
//! [`documented`].

use axum::handler::Handler;
use axum::routing::MethodRouter;
use utoipa::openapi::path::Paths;
use utoipa_axum::PathItemExt;
use utoipa_axum::router::UtoipaMethodRouter;

use crate::origin::{OriginCheck, ThroughCloudFront};

pub use utoipa_axum::router::OpenApiRouter;

#[doc(hidden)]
pub use paste::paste as __paste;

/// Mounts a handler generic over its store at the method and path of its
/// `#[utoipa::path]` attribute, and documents it: the argument of
/// [`OpenApiRouter::routes`].
///
/// ```ignore
/// OpenApiRouter::with_openapi(LearningApi::openapi())
///     .routes(ticedu_api::route!(mark::mark_learned::<S>))
/// ```
#[macro_export]
macro_rules! route {
    ($module:ident :: $handler:ident :: <$($generic:ty),+ $(,)?>) => {
        $crate::routing::__paste! {
            $crate::routing::documented(
                $module::[<__path_ $handler>],
                $module::$handler::<$($generic),+>,
            )
        }
    };
    ($handler:ident :: <$($generic:ty),+ $(,)?>) => {
        $crate::routing::__paste! {
            $crate::routing::documented([<__path_ $handler>], $handler::<$($generic),+>)
        }
    };
}

/// `handler` on every method its `document` names, at the document's path,
/// with the schemas the document refers to. Called through [`route!`](crate::route),
/// which finds the document `#[utoipa::path]` generated for the handler.
/// Every route refuses requests that did not come through CloudFront
/// ([`crate::origin`]).
pub fn documented<D, H, T, S>(_document: D, handler: H) -> UtoipaMethodRouter<S>
where
    D: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
    H: Handler<T, S>,
    T: 'static,
    S: OriginCheck + Clone + Send + Sync + 'static,
{
    let handler = ThroughCloudFront(handler);
    let methods = D::methods();
    let router = methods.iter().fold(MethodRouter::new(), |router, method| {
        router.on(method.to_method_filter(), handler.clone())
    });
    // utoipa keeps an operation's `tag = …` apart from the operation itself.
    let mut operation = D::operation();
    let tags = D::tags();
    if !tags.is_empty() {
        operation
            .tags
            .get_or_insert_with(Vec::new)
            .extend(tags.iter().map(ToString::to_string));
    }
    let mut schemas = Vec::new();
    D::schemas(&mut schemas);
    let mut paths = Paths::new();
    paths.add_path_operation(D::path(), methods, operation);
    (schemas, paths, router)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::extract::State;
    use axum::http::{Request, StatusCode};
    use axum::{Json, Router};
    use serde::Serialize;
    use tower::ServiceExt;
    use utoipa::ToSchema;

    use super::*;

    mod hours {
        use super::*;

        pub const HOURS: &str = "/hours";

        #[derive(Serialize, ToSchema)]
        pub struct Hours {
            pub count: u32,
        }

        /// How many hours the store holds.
        #[utoipa::path(get, path = HOURS, tag = "learning", responses((status = 200, description = "Hours", body = Hours)))]
        pub(crate) async fn hours<S: Into<u32> + Clone + Send + Sync + 'static>(
            State(store): State<S>,
        ) -> Json<Hours> {
            Json(Hours {
                count: store.into(),
            })
        }
    }

    impl crate::origin::OriginCheck for u8 {
        fn origin_secret(&self) -> Option<&crate::origin::OriginSecret> {
            None
        }
    }

    fn routes<S: Into<u32> + OriginCheck + Clone + Send + Sync + 'static>() -> OpenApiRouter<S> {
        OpenApiRouter::default().routes(crate::route!(hours::hours::<S>))
    }

    #[tokio::test]
    async fn a_generic_handler_is_served_where_its_document_says() {
        let (router, document): (Router, _) = routes::<u8>().with_state(7u8).split_for_parts();
        let answer = router
            .clone()
            .oneshot(Request::get("/hours").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let wrong_method = router
            .oneshot(Request::post("/hours").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);

        let document = serde_json::to_value(&document).unwrap();
        let operation = &document["paths"]["/hours"]["get"];
        assert_eq!(operation["operationId"], "hours");
        assert_eq!(operation["tags"], serde_json::json!(["learning"]));
        assert!(document["components"]["schemas"]["Hours"].is_object());
    }
}
