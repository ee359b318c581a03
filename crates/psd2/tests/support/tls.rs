//! A test PKI and a TLS listener for the simulator behind mutual TLS, shared by
//! `crates/psd2/tests/mtls.rs` (the client's handshakes, accepted and refused) and
//! `tests/integration/secrets.rs` (a sync over mutual TLS that leaks no key), each including
//! this file with `#[path]`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// A handshake that never finishes must not hold up the connections behind it.
pub(crate) const HANDSHAKE_WAIT: Duration = Duration::from_secs(5);

/// A CA and what it signed, all made fresh for each test.
pub(crate) struct Pki {
    ca: Certificate,
    issuer: Issuer<'static, KeyPair>,
}

impl Pki {
    pub(crate) fn new(name: &str) -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        let ca = params.self_signed(&key).unwrap();
        Pki {
            ca,
            issuer: Issuer::new(params, key),
        }
    }

    /// The CA's certificate (PEM), the root a client is given to trust the bank.
    pub(crate) fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    fn sign(
        &self,
        names: &[&str],
        common_name: &str,
        usage: ExtendedKeyUsagePurpose,
    ) -> (Certificate, KeyPair) {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let certificate = params.signed_by(&key, &self.issuer).unwrap();
        (certificate, key)
    }

    /// A TPP certificate the CA signed, and its key (PKCS#8 PEM).
    pub(crate) fn client_certificate(&self) -> (String, String) {
        let (certificate, key) =
            self.sign(&[], "Cashline TPP", ExtendedKeyUsagePurpose::ClientAuth);
        (certificate.pem(), key.serialize_pem())
    }

    /// The bank's side: a certificate for 127.0.0.1 and localhost signed by the CA, and a
    /// certificate signed by the CA required of every client.
    pub(crate) fn server_config(&self) -> ServerConfig {
        let (certificate, key) = self.sign(
            &["127.0.0.1", "localhost"],
            "bank.test",
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let mut roots = RootCertStore::empty();
        roots.add(self.ca.der().clone()).unwrap();
        // `builder` requires a certificate of every client unless told otherwise.
        let verifier = WebPkiClientVerifier::builder(Arc::new(roots))
            .build()
            .unwrap();
        let mut config = ServerConfig::builder()
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![CertificateDer::from(certificate.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config
    }
}

/// Accepts TCP connections and finishes each TLS handshake before axum sees it. A refused
/// handshake is dropped; with a `refused` sender its server's reason is recorded too, for a
/// test to check it was the one meant.
pub(crate) struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    refused: Option<mpsc::UnboundedSender<String>>,
}

impl TlsListener {
    /// Listens on a free port of 127.0.0.1 with `config`.
    pub(crate) async fn bind(
        config: ServerConfig,
        refused: Option<mpsc::UnboundedSender<String>>,
    ) -> TlsListener {
        let tcp = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        TlsListener {
            tcp,
            acceptor: TlsAcceptor::from(Arc::new(config)),
            refused,
        }
    }

    /// `https://127.0.0.1:PORT`, the base URL the listener serves.
    pub(crate) fn base_url(&self) -> String {
        format!(
            "https://127.0.0.1:{}",
            self.tcp.local_addr().unwrap().port()
        )
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            let why = match tokio::time::timeout(HANDSHAKE_WAIT, self.acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => return (tls, addr),
                Ok(Err(error)) => error.to_string(),
                Err(_) => "the handshake did not finish".to_string(),
            };
            if let Some(refused) = &self.refused {
                let _ = refused.send(why);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}
