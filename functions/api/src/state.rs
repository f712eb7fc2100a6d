//! What every handler receives: its store and the platform.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::config::Platform;

#[derive(Debug, Clone)]
pub struct AppState<S> {
    pub store: S,
    pub platform: Arc<Platform>,
}

impl<S> AppState<S> {
    pub fn new(store: S, platform: Arc<Platform>) -> Self {
        Self { store, platform }
    }
}

impl<S> FromRef<AppState<S>> for Arc<Platform> {
    fn from_ref(state: &AppState<S>) -> Self {
        Arc::clone(&state.platform)
    }
}
