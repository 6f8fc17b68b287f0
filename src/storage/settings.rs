//! The small per-device settings, kept in localStorage (as JSON) through gloo-storage:
//! this device's id, the rep's name and the UI language. Nothing here is
//! workspace data; losing it loses no records.

use crate::domain::DeviceId;

/// The localStorage key.
pub const KEY: &str = "rapport.device";

/// Settings of this device (browser profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSettings {
    /// This device's id, made on first start: in the stamps of what its rep
    /// writes, in storage and to the relay.
    pub device_id: DeviceId,
    /// The rep's name, shown on everything they write.
    pub rep_name: String,
    /// UI language: "en" or "ru" ("en" when missing from what was saved).
    pub language: String,
}

impl DeviceSettings {
    /// Fresh settings with a new device id.
    pub fn new(device_id: DeviceId, language: &str) -> Self {
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
        let settings = Self::new(random_device(), language);
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
            device_id: field("device_id").as_deref().and_then(parse_device)?,
            rep_name: field("rep_name")?,
            language: field("language").unwrap_or_else(|| "en".into()),
        })
    }

    /// Saves the settings; failure only means they are asked for again.
    pub fn save(&self) {
        use gloo_storage::{LocalStorage, Storage};
        let value = js_sys::Object::new();
        for (name, text) in [
            ("device_id", &self.device_id.to_string()),
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

/// A stored device id: 32 hex digits, or the hyphenated UUID the first
/// versions made (the same 16 bytes).
pub fn parse_device(text: &str) -> Option<DeviceId> {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    digits.parse().ok()
}

/// A new random device id from the platform's random source.
pub fn random_device() -> DeviceId {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = fastrand::u128(..).to_le_bytes();
    }
    DeviceId::from_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_stored_by_the_first_versions_is_the_same_device() {
        let old = "4f2a91c3-0b1d-4e5f-8a9b-0c1d2e3f4a5b";
        let id = parse_device(old).unwrap();
        assert_eq!(id.to_string(), old.replace('-', ""));
        assert_eq!(parse_device(&id.to_string()), Some(id));
        assert_eq!(parse_device("tablet"), None);
        assert_eq!(parse_device(""), None);
    }
}
