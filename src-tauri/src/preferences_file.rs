//! [`PreferencesStore`] on tauri-plugin-store: `settings.json` in the app's data folder. It
//! holds the two preference keys and nothing else; keys earlier versions wrote that are no
//! longer kept (the last email address) are removed when the preferences are first loaded.

use std::sync::Arc;

use serde_json::Value;
use tauri::Runtime;
use tauri_plugin_store::Store;

use crate::core::{Preferences, PreferencesError, PreferencesStore};

/// File name, relative to the app's data folder.
pub const PREFERENCES_FILE: &str = "settings.json";

const SERVER_URL: &str = "server_url";
const CA_FILE: &str = "ca_file";
/// Written by earlier versions; removed at start (issue 9, 5.10).
const RETIRED: [&str; 1] = ["last_email"];

pub struct PluginStorePreferences<R: Runtime> {
    store: Arc<Store<R>>,
}

impl<R: Runtime> PluginStorePreferences<R> {
    pub fn new(store: Arc<Store<R>>) -> Self {
        Self { store }
    }

    fn text(&self, key: &str) -> Option<String> {
        match self.store.get(key) {
            Some(Value::String(text)) if !text.trim().is_empty() => Some(text),
            _ => None,
        }
    }

    fn put(&self, key: &str, value: Option<&String>) {
        match value {
            Some(text) => self.store.set(key, text.as_str()),
            None => {
                self.store.delete(key);
            }
        }
    }
}

impl<R: Runtime> PreferencesStore for PluginStorePreferences<R> {
    fn load(&self) -> Result<Preferences, PreferencesError> {
        let mut retired = false;
        for key in RETIRED {
            retired |= self.store.delete(key);
        }
        if retired {
            self.store.save().map_err(|e| PreferencesError(e.to_string()))?;
        }
        Ok(Preferences {
            server_url: self.text(SERVER_URL),
            ca_file: self.text(CA_FILE),
        })
    }

    fn save(&self, preferences: &Preferences) -> Result<(), PreferencesError> {
        self.put(SERVER_URL, preferences.server_url.as_ref());
        self.put(CA_FILE, preferences.ca_file.as_ref());
        self.store.save().map_err(|e| PreferencesError(e.to_string()))
    }
}
