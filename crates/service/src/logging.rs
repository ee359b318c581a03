//! Logging for every front, set up in one place: everything from `info` on to
//! `<data folder>/logs/cashline.log`, and to stderr only what `CASHLINE_LOG` asks for. Every
//! field value, message and span field passes through [`cashline_domain::shown`] in the
//! formatter itself, so no call site can forget: a file name holding a newline cannot forge a
//! log line, ANSI escapes cannot reach a terminal, and an IBAN in a file name or path is masked
//! like the account numbers the domain types print.

use std::fmt;
use std::fs::OpenOptions;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;

use cashline_domain::shown;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::filter::EnvFilter;
use tracing_subscriber::fmt::format::{DefaultFields, Writer};
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// The variable choosing what also goes to stderr (an `EnvFilter` directive such as `info`).
pub const LOG_FILTER_VAR: &str = "CASHLINE_LOG";
/// What the log file records: sqlx logs every statement at `info`, which would bury the rest.
const FILE_FILTER: &str = "info,sqlx=warn";

/// Formats fields as tracing-subscriber's default formatter does (`message key=value …`), then
/// makes the whole text safe with [`shown`]. Field names are identifiers, so only values and
/// messages can change.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShownFields;

impl<'writer> FormatFields<'writer> for ShownFields {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        let mut raw = String::new();
        // Formatted without ANSI styling: an escape code here would be escaped by `shown`.
        DefaultFields::new().format_fields(Writer::new(&mut raw), fields)?;
        writer.write_str(&shown(&raw))
    }
}

/// The CLI's logging: the log file in `data_dir/logs`, stderr off unless `CASHLINE_LOG` is
/// set (stderr otherwise carries only the one plain sentence of an error). A log folder that
/// cannot be created leaves the file layer out rather than stopping the command.
pub fn init(data_dir: &Path) {
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
            .fmt_fields(ShownFields)
            .with_writer(Mutex::new(file))
            .with_ansi(false)
            .with_filter(EnvFilter::new(FILE_FILTER))
    });
    // A second init (tests calling main twice) is harmless; ignore it.
    let _ = tracing_subscriber::registry()
        .with(stderr_layer("off"))
        .with(file_layer)
        .try_init();
}

/// The desktop app's logging: stderr from `info` on (or what `CASHLINE_LOG` asks for), where
/// the launcher or the terminal that started the window collects it.
pub fn init_desktop() {
    let _ = tracing_subscriber::registry()
        .with(stderr_layer("info"))
        .try_init();
}

fn stderr_layer<S>(default_filter: &str) -> impl Layer<S>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    let filter =
        EnvFilter::try_from_env(LOG_FILTER_VAR).unwrap_or_else(|_| EnvFilter::new(default_filter));
    // Colours only on a terminal: piped into a file or another program, the escape codes
    // would be control characters in someone else's log.
    let ansi = std::io::stderr().is_terminal();
    tracing_subscriber::fmt::layer()
        .fmt_fields(ShownFields)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .with_filter(filter)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    /// A log sink the test reads back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    #[test]
    fn a_file_name_cannot_forge_a_log_line_or_leak_an_iban() {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::registry().with(
            tracing_subscriber::fmt::layer()
                .fmt_fields(ShownFields)
                .with_writer(captured.clone())
                .with_ansi(false),
        );
        let forged = "fake.xml\n2026-11-23T09:00:00Z  INFO inbox file imported file=x \
                      status=imported\u{1b}[2J.xml";
        let named = "/inbox/DE89370400440532013000_2026-11.xml";
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("import", file = forged, path = %named);
            let _entered = span.enter();
            tracing::info!(file = %forged, "inbox file imported");
            tracing::warn!("cannot read {named}: {forged}");
            tracing::info!(path = ?named, status = "imported", "done");
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "one line per event: {text}");
        for line in &lines {
            assert!(
                !line.chars().any(cashline_domain::shown::is_unsafe_to_show),
                "{line:?}"
            );
            assert!(!line.contains("DE89370400440532013000"), "{line}");
            assert!(line.contains("…3000_2026-11.xml"), "{line}");
        }
        assert!(
            lines[0].contains("file=fake.xml\\n2026-11-23"),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains("\\u{1b}[2J.xml"), "{}", lines[1]);
    }
}
