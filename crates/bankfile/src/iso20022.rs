//! What the whole-document ISO 20022 payment messages (pain.001 in, pain.002 in) share: one
//! walk over the elements that knows the line of each, and the readings of their simple types.
//! The camt statements stream instead; they are read element by element in `camt`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::ParseError;

/// One step of [`walk`]: an element opens or closes. `path` holds the names of its ancestors,
/// outermost first, without the element itself.
#[derive(Clone, Copy)]
pub(crate) enum Step<'a> {
    Open {
        name: &'a str,
        line: usize,
        path: &'a [String],
        /// Its attributes by local name, for the few values ISO 20022 keeps there (`Ccy`).
        attributes: &'a [(String, String)],
    },
    Close {
        name: &'a str,
        line: usize,
        path: &'a [String],
        /// Its own text, unescaped (empty for an element holding only elements).
        text: &'a str,
    },
}

impl Step<'_> {
    /// The name of the enclosing element, `""` at the root.
    pub(crate) fn parent(&self) -> &str {
        let path = match self {
            Step::Open { path, .. } | Step::Close { path, .. } => path,
        };
        path.last().map(String::as_str).unwrap_or("")
    }

    /// Whether the element lies anywhere inside one named `ancestor`.
    pub(crate) fn within(&self, ancestor: &str) -> bool {
        let path = match self {
            Step::Open { path, .. } | Step::Close { path, .. } => path,
        };
        path.iter().any(|p| p == ancestor)
    }
}

/// Walks a whole document, calling `on` for every element that opens and closes (local names,
/// namespaces dropped), and returns the line the document ends on. Malformed XML, nesting
/// deeper than `depth_max` and a document that ends inside an element are errors with their
/// line.
pub(crate) fn walk(
    bytes: &[u8],
    depth_max: usize,
    mut on: impl FnMut(Step<'_>) -> Result<(), ParseError>,
) -> Result<usize, ParseError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    let line_of = |position: u64| -> usize {
        let end = usize::try_from(position)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        1 + memchr::memchr_iter(b'\n', &bytes[..end]).count()
    };
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut attributes: Vec<(String, String)> = Vec::new();
    let mut buffer = Vec::new();
    loop {
        let line = line_of(reader.buffer_position());
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|e| ParseError::Xml {
                line,
                message: e.to_string(),
            })?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                attributes_of(&start, line, &mut attributes)?;
                if stack.len() >= depth_max {
                    return Err(invalid(
                        line,
                        &name,
                        "nested deeper than this message ever is",
                    ));
                }
                on(Step::Open {
                    name: &name,
                    line,
                    path: &stack,
                    attributes: &attributes,
                })?;
                stack.push(name);
                text.clear();
            }
            Event::Empty(empty) => {
                let name = String::from_utf8_lossy(empty.local_name().as_ref()).into_owned();
                attributes_of(&empty, line, &mut attributes)?;
                on(Step::Open {
                    name: &name,
                    line,
                    path: &stack,
                    attributes: &attributes,
                })?;
                on(Step::Close {
                    name: &name,
                    line,
                    path: &stack,
                    text: "",
                })?;
                text.clear();
            }
            Event::Text(t) => {
                let decoded = t.unescape().map_err(|e| ParseError::Xml {
                    line,
                    message: e.to_string(),
                })?;
                text.push_str(&decoded);
            }
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    return Err(ParseError::Xml {
                        line,
                        message: "an end tag without its start".into(),
                    });
                };
                on(Step::Close {
                    name: &name,
                    line,
                    path: &stack,
                    text: &text,
                })?;
                text.clear();
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(ParseError::Truncated {
                        line,
                        element: open.clone(),
                    });
                }
                break;
            }
            _ => {}
        }
        buffer.clear();
    }
    Ok(line_of(reader.buffer_position()))
}

fn attributes_of(
    start: &quick_xml::events::BytesStart<'_>,
    line: usize,
    into: &mut Vec<(String, String)>,
) -> Result<(), ParseError> {
    into.clear();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| ParseError::Xml {
            line,
            message: e.to_string(),
        })?;
        let value = attribute.unescape_value().map_err(|e| ParseError::Xml {
            line,
            message: e.to_string(),
        })?;
        into.push((
            String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned(),
            value.into_owned(),
        ));
    }
    Ok(())
}

pub(crate) fn invalid(line: usize, element: &str, message: impl Into<String>) -> ParseError {
    ParseError::Invalid {
        line,
        element: element.to_string(),
        message: message.into(),
    }
}

/// ISODateTime: with an offset, or local time without one, read as UTC.
pub(crate) fn instant(text: &str, line: usize, element: &str) -> Result<DateTime<Utc>, ParseError> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(|at| at.and_utc())
        .ok_or_else(|| {
            invalid(
                line,
                element,
                format!("'{}' is not a date and time", cashline_domain::shown(text)),
            )
        })
}

/// ISODate (`2026-11-23`); a time after it (`DtTm` where a date is asked) keeps its date.
pub(crate) fn date(text: &str, line: usize, element: &str) -> Result<NaiveDate, ParseError> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| instant(text, line, element).map(|at| at.date_naive()))
        .map_err(|_| {
            invalid(
                line,
                element,
                format!("'{}' is not a date", cashline_domain::shown(text)),
            )
        })
}

/// The trimmed text, or `None` when there is none.
pub(crate) fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}
