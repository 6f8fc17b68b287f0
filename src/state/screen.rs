//! The app's screens and their paths (the address bar's part of the state;
//! `ui::screen` follows the browser's history with it).

use crate::domain::AccountId;

/// A screen of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// `/`: the accounts.
    Accounts,
    /// `/accounts/<id>`: one account.
    Account(AccountId),
    /// Any other path.
    Missing,
}

impl Screen {
    /// The screen at `path` (the URL's path, without query or fragment).
    pub fn at(path: &str) -> Screen {
        match path {
            "" | "/" | "/index.html" => Screen::Accounts,
            _ => path
                .strip_prefix("/accounts/")
                .map(|id| id.trim_end_matches('/'))
                .and_then(|id| id.parse().ok())
                .map_or(Screen::Missing, Screen::Account),
        }
    }

    /// The path that shows this screen.
    pub fn path(self) -> String {
        match self {
            Screen::Account(id) => format!("/accounts/{id}"),
            Screen::Accounts | Screen::Missing => "/".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_its_screen_and_back() {
        let id = AccountId::random();
        assert_eq!(Screen::at("/"), Screen::Accounts);
        assert_eq!(Screen::at(""), Screen::Accounts);
        assert_eq!(Screen::at(&Screen::Account(id).path()), Screen::Account(id));
        assert_eq!(Screen::at(&format!("/accounts/{id}/")), Screen::Account(id));
        assert_eq!(Screen::Accounts.path(), "/");
        for missing in ["/accounts/", "/accounts/nope", "/team", "/accounts"] {
            assert_eq!(Screen::at(missing), Screen::Missing, "{missing}");
        }
    }
}
