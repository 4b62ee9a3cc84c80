//! The server side of SCRAM-SHA-256 (RFC 5802/7677), PostgreSQL's password authentication.
//! The verifier (salt, StoredKey, ServerKey) comes from postgres-protocol's `password` module;
//! only the exchange of messages is ours.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// A password's SCRAM verifier, built once at server start.
#[derive(Clone)]
pub(crate) struct Verifier {
    iterations: u32,
    salt: Vec<u8>,
    stored_key: Vec<u8>,
    server_key: Vec<u8>,
}

impl Verifier {
    pub fn new(password: &str) -> Option<Self> {
        // "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"
        let text = postgres_protocol::password::scram_sha_256(password.as_bytes());
        let rest = text.strip_prefix("SCRAM-SHA-256$")?;
        let (params, keys) = rest.split_once('$')?;
        let (iterations, salt) = params.split_once(':')?;
        let (stored, server) = keys.split_once(':')?;
        Some(Verifier {
            iterations: iterations.parse().ok()?,
            salt: STANDARD.decode(salt).ok()?,
            stored_key: STANDARD.decode(stored).ok()?,
            server_key: STANDARD.decode(server).ok()?,
        })
    }
}

/// The exchange after the client's first message.
pub(crate) struct Exchange {
    client_first_bare: String,
    server_first: String,
    nonce: String,
}

/// Reads client-first-message (`n,,n=user,r=nonce`) and answers with server-first-message.
pub(crate) fn server_first(
    verifier: &Verifier,
    client_first: &[u8],
    server_nonce: &str,
) -> Option<Exchange> {
    let text = std::str::from_utf8(client_first).ok()?;
    // Channel binding is not offered (no TLS), so only "n" or "y" gs2 headers are valid.
    let bare = text
        .strip_prefix("n,,")
        .or_else(|| text.strip_prefix("y,,"))?;
    let client_nonce = bare.split(',').find_map(|attr| attr.strip_prefix("r="))?;
    let nonce = format!("{client_nonce}{server_nonce}");
    let server_first = format!(
        "r={nonce},s={},i={}",
        STANDARD.encode(&verifier.salt),
        verifier.iterations
    );
    Some(Exchange {
        client_first_bare: bare.to_owned(),
        server_first,
        nonce,
    })
}

impl Exchange {
    pub fn server_first_message(&self) -> &[u8] {
        self.server_first.as_bytes()
    }

    /// Checks client-final-message's proof; on success returns server-final-message.
    pub fn verify(&self, verifier: &Verifier, client_final: &[u8]) -> Option<String> {
        let text = std::str::from_utf8(client_final).ok()?;
        let (without_proof, proof) = text.rsplit_once(",p=")?;
        let nonce = without_proof
            .split(',')
            .find_map(|attr| attr.strip_prefix("r="))?;
        if nonce != self.nonce {
            return None;
        }
        let proof = STANDARD.decode(proof).ok()?;
        let auth_message = format!(
            "{},{},{without_proof}",
            self.client_first_bare, self.server_first
        );
        let client_signature = hmac(&verifier.stored_key, auth_message.as_bytes())?;
        if proof.len() != client_signature.len() {
            return None;
        }
        let client_key: Vec<u8> = proof
            .iter()
            .zip(&client_signature)
            .map(|(p, s)| p ^ s)
            .collect();
        if Sha256::digest(&client_key).as_slice() != verifier.stored_key.as_slice() {
            return None;
        }
        let server_signature = hmac(&verifier.server_key, auth_message.as_bytes())?;
        Some(format!("v={}", STANDARD.encode(server_signature)))
    }
}

fn hmac(key: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(message);
    Some(mac.finalize().into_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use postgres_protocol::authentication::sasl::{ChannelBinding, ScramSha256};

    use super::*;

    /// Drives postgres-protocol's client against our server half.
    fn exchange(server_password: &str, client_password: &str) -> bool {
        let verifier = Verifier::new(server_password).expect("verifier");
        let mut client =
            ScramSha256::new(client_password.as_bytes(), ChannelBinding::unrequested());
        let Some(exchange) = server_first(&verifier, client.message(), "servernonce") else {
            return false;
        };
        client
            .update(exchange.server_first_message())
            .expect("client accepts server-first");
        let Some(server_final) = exchange.verify(&verifier, client.message()) else {
            return false;
        };
        client.finish(server_final.as_bytes()).is_ok()
    }

    #[test]
    fn right_password_authenticates_both_ways() {
        assert!(exchange("s3cret", "s3cret"));
    }

    #[test]
    fn wrong_password_is_refused() {
        assert!(!exchange("s3cret", "guess"));
    }
}
