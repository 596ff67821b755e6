//! Signed updates (issue 13), through `tauri-plugin-updater`.
//!
//! - Where from: [`source::UpdateSource`], the address the practice sets (`update_url` in the
//!   managed file, else `PORTAL_UPDATE_URL`). With no address the app never looks for updates.
//!   An address on the portal server's host is trusted through the practice's CA only, like
//!   the portal; any other address through the system's public roots.
//! - Trust: an update is kept only once its file has been downloaded and its signature checked
//!   against the public key built into the app (`plugins.updater.pubkey` in `tauri.conf.json`),
//!   with the version it was signed for equal to the version announced
//!   (`requireSignedVersion`). A missing, wrong or mismatched signature refuses it, and nothing
//!   of it is kept ([`fetch::fetch_verified`]).
//! - When: [`watch`] looks a few seconds after start and then every six hours. A verified
//!   update waits in memory ([`Updates`]); the window shows that it is ready (`update_status`)
//!   and installs it when the person restarts (`restart_to_update`), which is checked once
//!   more against the signature.

pub mod fetch;
pub mod source;

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;

use crate::core::DesktopCore;
use fetch::{ReadyUpdate, UpdateError};
use source::UpdateSource;

/// The first look, a little after start so it does not slow the sign-in screen.
const FIRST_LOOK_AFTER: Duration = Duration::from_secs(3);
/// Later looks, for an app left open for days on a clinic workstation.
const LOOK_EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// What `update_status` answers: the version of a verified update waiting for a restart, or
/// null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UpdateStatus {
    pub ready_version: Option<String>,
}

/// The verified update waiting for a restart, if any (app state).
#[derive(Default)]
pub struct Updates {
    ready: Mutex<Option<ReadyUpdate>>,
}

impl Updates {
    pub fn status(&self) -> UpdateStatus {
        let ready = self.ready.lock().unwrap_or_else(|e| e.into_inner());
        UpdateStatus {
            ready_version: ready.as_ref().map(|u| u.version().to_owned()),
        }
    }

    fn keep(&self, update: ReadyUpdate) {
        *self.ready.lock().unwrap_or_else(|e| e.into_inner()) = Some(update);
    }

    /// Installs the waiting update (its signature checked once more); false when none waits.
    pub fn install(&self) -> Result<bool, UpdateError> {
        let ready = self.ready.lock().unwrap_or_else(|e| e.into_inner()).take();
        match ready {
            None => Ok(false),
            Some(update) => update.install().map(|()| true),
        }
    }
}

/// Looks for updates in the background while the app runs, when an address is set.
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_LOOK_AFTER).await;
        loop {
            look_once(&app).await;
            tokio::time::sleep(LOOK_EVERY).await;
        }
    });
}

async fn look_once<R: Runtime>(app: &AppHandle<R>) {
    let core = app.state::<DesktopCore>();
    let settings = core.settings();
    let source = match UpdateSource::for_app(&settings.server_url, &settings.ca_file, core.managed_update_url()) {
        Ok(Some(source)) => source,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(%error, "updates: the update address cannot be used");
            return;
        }
    };
    let found = match fetch::updater_for(app, &source) {
        Ok(updater) => fetch::fetch_verified(&updater).await,
        Err(error) => Err(error),
    };
    match found {
        Ok(Some(update)) => {
            tracing::info!(version = update.version(), "updates: a signed update is ready");
            app.state::<Updates>().keep(update);
        }
        Ok(None) => tracing::debug!("updates: none"),
        Err(error) => tracing::warn!(%error, "updates: no update kept"),
    }
}
