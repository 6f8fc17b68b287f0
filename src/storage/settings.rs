//! The small per-device settings, kept in localStorage through gloo-storage:
//! this device's id, the rep's name and the UI language. Nothing here is
//! workspace data; losing it loses no records.

use serde::{Deserialize, Serialize};

/// The localStorage key.
pub const KEY: &str = "rapport.device";

/// Settings of this device (browser profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSettings {
    /// A random id made on first start; names this device in record stamps.
    pub device_id: String,
    /// The rep's name, shown on everything they write.
    pub rep_name: String,
    /// UI language: "en" or "ru".
    #[serde(default = "default_language")]
    pub language: String,
}

fn default_language() -> String {
    "en".into()
}

impl DeviceSettings {
    /// Fresh settings with a new device id.
    pub fn new(device_id: String, language: &str) -> Self {
        Self {
            device_id,
            rep_name: String::new(),
            language: language.into(),
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl DeviceSettings {
    /// Loads the settings, creating and saving them on first start.
    pub fn load_or_create() -> Self {
        use gloo_storage::{LocalStorage, Storage};
        if let Ok(settings) = LocalStorage::get::<DeviceSettings>(KEY) {
            return settings;
        }
        let language = web_sys::window()
            .and_then(|w| w.navigator().language())
            .filter(|l| l.starts_with("ru"))
            .map_or("en", |_| "ru");
        let settings = Self::new(crate::domain::DeviceId::random().to_string(), language);
        settings.save();
        settings
    }

    /// Saves the settings; failure only means they are asked for again.
    pub fn save(&self) {
        use gloo_storage::{LocalStorage, Storage};
        let _ = LocalStorage::set(KEY, self);
    }
}
