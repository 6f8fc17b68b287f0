//! Typed ids for records. A `ContactId` can never be passed where an
//! `AccountId` is expected; in the document they are stored as the
//! hyphenated UUID string, so an exported document stays readable.
//!
//! A new kind declares its id in its own file with `typed_id!`:
//! `typed_id!(/// Identifies a promise. PromiseId for Promise);`.

// The macro names every path in full, so a kind's own file can use it.
/// A string that is not a record id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a record id: {0:?}")]
pub struct IdError(pub String);

/// Declares a typed id; with `for Kind`, the id of that kind of record.
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident for $record:ty) => {
        typed_id!($(#[$doc])* $name);

        impl crate::domain::RecordId for $name {
            type Record = $record;

            fn random() -> Self {
                $name::random()
            }

            fn from_random_bytes(bytes: [u8; 16]) -> Self {
                $name::from_random_bytes(bytes)
            }

            fn uuid(self) -> ::uuid::Uuid {
                self.0
            }

            fn from_uuid(uuid: ::uuid::Uuid) -> Self {
                Self(uuid)
            }
        }
    };
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub struct $name(::uuid::Uuid);

        impl $name {
            /// A new random id (UUID v4) from the platform's random source.
            pub fn random() -> Self {
                let mut bytes = [0u8; 16];
                // The platform RNG failing is not something a user can act on;
                // fall back to the clock-free fastrand generator, which is
                // still unique enough for record ids within one workspace.
                if ::getrandom::fill(&mut bytes).is_err() {
                    bytes = ::fastrand::u128(..).to_le_bytes();
                }
                Self::from_random_bytes(bytes)
            }

            /// An id from caller-supplied random bytes (deterministic demo data).
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                Self(::uuid::Builder::from_random_bytes(bytes).into_uuid())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = crate::domain::IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                ::uuid::Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| crate::domain::IdError(s.to_owned()))
            }
        }

        impl ::autosurgeon::Reconcile for $name {
            type Key<'a> = ::autosurgeon::reconcile::NoKey;

            fn reconcile<R: ::autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
                reconciler.str(self.to_string())
            }
        }

        // Between the app's threads and in the read-model cache an id travels
        // as its 128-bit number, not its 36-character text.
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u128(self.0.as_u128())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <u128 as ::serde::Deserialize>::deserialize(d).map(|n| Self(::uuid::Uuid::from_u128(n)))
            }
        }

        impl ::autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &str) -> Result<Self, ::autosurgeon::HydrateError> {
                s.parse()
                    .map_err(|_| ::autosurgeon::HydrateError::unexpected(stringify!($name), s.to_owned()))
            }
        }
    };
}

typed_id!(
    /// Identifies an account: a client company.
    AccountId for crate::domain::Account
);
typed_id!(
    /// Identifies a contact: a person at an account.
    ContactId for crate::domain::Contact
);
typed_id!(
    /// Identifies a touch: one visit, call, email or message.
    TouchId for crate::domain::Touch
);

#[allow(unused_imports, reason = "for the files of kinds added later")]
pub(crate) use typed_id;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_text_form() {
        let id = AccountId::random();
        assert_eq!(id.to_string().parse::<AccountId>(), Ok(id));
        assert_ne!(AccountId::random(), AccountId::random());
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert_eq!(
            "not-a-uuid".parse::<ContactId>(),
            Err(IdError("not-a-uuid".into()))
        );
    }
}
