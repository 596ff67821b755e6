//! [`PreferencesStore`] on tauri-plugin-store: `settings.json` in the app's data folder. It
//! holds the three preference keys (server, CA file, language chosen) and nothing else; keys
//! earlier versions wrote that are no longer kept (the last email address) are removed when
//! the preferences are first loaded.

use std::sync::Arc;

use serde_json::Value;
use tauri::Runtime;
use tauri_plugin_store::Store;

use portal_api::Language;

use crate::core::settings::parse_language;
use crate::core::{Preferences, PreferencesError, PreferencesStore};

/// File name, relative to the app's data folder.
pub const PREFERENCES_FILE: &str = "settings.json";

const SERVER_URL: &str = "server_url";
const CA_FILE: &str = "ca_file";
/// "en" or "es", once the person chose with the switch.
const LANGUAGE: &str = "language";
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
            language: language_kept(self.store.get(LANGUAGE).as_ref()),
        })
    }

    fn save(&self, preferences: &Preferences) -> Result<(), PreferencesError> {
        self.put(SERVER_URL, preferences.server_url.as_ref());
        self.put(CA_FILE, preferences.ca_file.as_ref());
        self.put(LANGUAGE, preferences.language.map(|l| l.as_str().to_owned()).as_ref());
        self.store.save().map_err(|e| PreferencesError(e.to_string()))
    }
}

/// The language kept under `language`: none when there is no value or one this version does
/// not have (a newer version's, or an edited file): the system's language is followed then.
fn language_kept(value: Option<&Value>) -> Option<Language> {
    match value {
        Some(Value::String(tag)) => parse_language(tag).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_language_kept_is_read_back_and_anything_else_is_none() {
        assert_eq!(language_kept(Some(&json!("en"))), Some(Language::English));
        assert_eq!(language_kept(Some(&json!("es"))), Some(Language::Spanish));
        for other in [
            json!("fr"),
            json!(""),
            json!("ES"),
            json!(1),
            json!(null),
            json!(["es"]),
        ] {
            assert_eq!(language_kept(Some(&other)), None, "{other}");
        }
        assert_eq!(language_kept(None), None);
        // What `save` writes is what `load` reads.
        for language in Language::ALL {
            assert_eq!(language_kept(Some(&json!(language.as_str()))), Some(language));
        }
    }
}
