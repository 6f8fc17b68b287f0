//! The small per-device settings, kept in localStorage (as JSON) through gloo-storage:
//! this device's id, the rep's name and the UI language. Nothing here is
//! workspace data; losing it loses no records.

/// The localStorage key.
pub const KEY: &str = "rapport.device";

/// Settings of this device (browser profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSettings {
    /// A random id made on first start; names this device in record stamps.
    pub device_id: String,
    /// The rep's name, shown on everything they write.
    pub rep_name: String,
    /// UI language: "en" or "ru" ("en" when missing from what was saved).
    pub language: String,
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
        if let Some(settings) = Self::load() {
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

    /// The saved settings, if any are stored and readable.
    ///
    /// They are stored as JSON, parsed by the browser's own `JSON` rather
    /// than serde_json: that keeps a JSON parser out of the shipped wasm
    /// (about 12 KB) for three strings.
    fn load() -> Option<Self> {
        use gloo_storage::{LocalStorage, Storage};
        let text = LocalStorage::raw().get_item(KEY).ok()??;
        let value = js_sys::JSON::parse(&text).ok()?;
        let field = |name: &str| {
            js_sys::Reflect::get(&value, &name.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        Some(Self {
            device_id: field("device_id").filter(|id| !id.is_empty())?,
            rep_name: field("rep_name")?,
            language: field("language").unwrap_or_else(|| "en".into()),
        })
    }

    /// Saves the settings; failure only means they are asked for again.
    pub fn save(&self) {
        use gloo_storage::{LocalStorage, Storage};
        let value = js_sys::Object::new();
        for (name, text) in [
            ("device_id", &self.device_id),
            ("rep_name", &self.rep_name),
            ("language", &self.language),
        ] {
            let _ = js_sys::Reflect::set(&value, &name.into(), &text.into());
        }
        if let Ok(text) = js_sys::JSON::stringify(&value) {
            let _ = LocalStorage::raw().set_item(KEY, &String::from(text));
        }
    }
}
