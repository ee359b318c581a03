//! Logging: everything from `info` on to a log file in the data folder; stderr carries only the
//! one plain sentence of an error, unless `CASHLINE_LOG` asks for log lines there too. Account
//! numbers are masked where they are logged (their types print masked).

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::filter::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

pub fn init(data_dir: &Path) {
    let stderr_filter =
        EnvFilter::try_from_env("CASHLINE_LOG").unwrap_or_else(|_| EnvFilter::new("off"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_filter(stderr_filter);
    let log_dir = data_dir.join("logs");
    let file = std::fs::create_dir_all(&log_dir).ok().and_then(|_| {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_dir.join("cashline.log"))
            .ok()
    });
    let file_layer = file.map(|file| {
        tracing_subscriber::fmt::layer()
            .with_writer(Mutex::new(file))
            .with_ansi(false)
            .with_filter(EnvFilter::new("info,sqlx=warn"))
    });
    // A second init (tests calling main twice) is harmless; ignore it.
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init();
}
