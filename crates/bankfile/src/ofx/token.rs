//! One tokenizer for OFX 1 (SGML) and OFX 2 (XML) bodies: start tags, end tags and text.
//!
//! SGML leaves have no end tag (`<TRNAMT>-12.00<FITID>…`), XML ones do; the tokenizer does not
//! care, the reader decides where an element ends. Comments and processing instructions are
//! skipped, CDATA is text, and any other markup declaration (a DTD, an entity) is refused, so
//! nothing a file says can make the reader expand or fetch anything.

use crate::ParseError;

/// Longest tag name accepted; OFX names are at most about 20 characters.
const NAME_CHARS_MAX: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// A start tag, its name in upper case. `<NAME/>` comes as a start and an end.
    Start(String),
    /// An end tag, its name in upper case.
    End(String),
    /// Character data with the five XML entities and numeric references decoded.
    Text(String),
    /// CDATA content, kept exactly.
    Data(String),
}

pub(crate) struct Tokenizer<'a> {
    text: &'a str,
    position: usize,
    line: usize,
    /// The end tag of a self-closing `<NAME/>`, handed out after its start.
    pending_end: Option<String>,
}

impl<'a> Tokenizer<'a> {
    /// Tokenizes `text` from byte `start`, which is on line `line`.
    pub fn new(text: &'a str, start: usize, line: usize) -> Self {
        Tokenizer {
            text,
            position: start.min(text.len()),
            line,
            pending_end: None,
        }
    }

    /// The line the tokenizer has reached.
    pub fn line(&self) -> usize {
        self.line
    }

    fn advance(&mut self, to: usize) {
        self.line += self.text[self.position..to].matches('\n').count();
        self.position = to;
    }

    fn truncated(&self, element: &str) -> ParseError {
        ParseError::Truncated {
            line: self.line + self.text[self.position..].matches('\n').count(),
            element: element.to_string(),
        }
    }

    fn malformed(&self, message: impl Into<String>) -> ParseError {
        ParseError::Xml {
            line: self.line,
            message: message.into(),
        }
    }

    /// The next token and the line it starts on, or `None` at the end of the text.
    pub fn next_token(&mut self) -> Result<Option<(Token, usize)>, ParseError> {
        if let Some(name) = self.pending_end.take() {
            return Ok(Some((Token::End(name), self.line)));
        }
        loop {
            let rest = &self.text[self.position..];
            if rest.is_empty() {
                return Ok(None);
            }
            let line = self.line;
            if !starts_markup(rest) {
                let end = self.position + next_markup(rest);
                let raw = &self.text[self.position..end];
                self.advance(end);
                return Ok(Some((Token::Text(decode_entities(raw)), line)));
            }
            if let Some(after) = rest.strip_prefix("<!--") {
                let close = after.find("-->").ok_or_else(|| self.truncated("comment"))?;
                self.advance(self.position + 4 + close + 3);
                continue;
            }
            if let Some(after) = rest.strip_prefix("<![CDATA[") {
                let close = after.find("]]>").ok_or_else(|| self.truncated("CDATA"))?;
                let data = after[..close].to_string();
                self.advance(self.position + 9 + close + 3);
                return Ok(Some((Token::Data(data), line)));
            }
            if rest.starts_with("<!") {
                return Err(
                    self.malformed("a DTD or entity declaration is not accepted in bank files")
                );
            }
            if let Some(after) = rest.strip_prefix("<?") {
                let close = after
                    .find("?>")
                    .ok_or_else(|| self.truncated("processing instruction"))?;
                self.advance(self.position + 2 + close + 2);
                continue;
            }
            let closing = rest.starts_with("</");
            let name_start = if closing { 2 } else { 1 };
            let name_length = rest[name_start..]
                .find(|c: char| !is_name_char(c))
                .unwrap_or(rest.len() - name_start);
            let name = &rest[name_start..name_start + name_length];
            if name.len() > NAME_CHARS_MAX {
                return Err(self.malformed(format!(
                    "a tag name longer than {NAME_CHARS_MAX} characters"
                )));
            }
            let after_name = &rest[name_start + name_length..];
            let close = match after_name.find(['>', '<']) {
                Some(index) if after_name.as_bytes()[index] == b'>' => index,
                Some(_) => {
                    return Err(self.malformed(format!(
                        "the tag <{}{name} is not closed with '>'",
                        if closing { "/" } else { "" }
                    )))
                }
                None => return Err(self.truncated(&format!("<{name}>"))),
            };
            let inside = after_name[..close].trim();
            let name = name.to_ascii_uppercase();
            // OFX has no attributes; anything but blanks (and the `/` of `<NAME/>`) is refused.
            let self_closing = !closing && inside == "/";
            if !inside.is_empty() && !self_closing {
                return Err(self.malformed(format!("unexpected '{inside}' in the tag <{name}>")));
            }
            if name.is_empty() {
                return Err(self.malformed("a tag without a name"));
            }
            self.advance(self.position + name_start + name_length + close + 1);
            if closing {
                return Ok(Some((Token::End(name), line)));
            }
            if self_closing {
                self.pending_end = Some(name.clone());
            }
            return Ok(Some((Token::Start(name), line)));
        }
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':')
}

/// Whether the text starts with markup: `<` then a name, `/`, `!` or `?`. Any other `<` is
/// text, as banks sometimes leave one unescaped in a memo.
fn starts_markup(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next() == Some('<')
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
}

fn next_markup(text: &str) -> usize {
    // Past the first character, which may be several bytes long.
    let mut search = text.chars().next().map_or(0, char::len_utf8);
    while let Some(offset) = text[search..].find('<') {
        let at = search + offset;
        if starts_markup(&text[at..]) {
            return at;
        }
        search = at + 1;
    }
    text.len()
}

/// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric references. Any
/// other `&` stays as written: no entity can be declared, so none can be expanded.
pub(crate) fn decode_entities(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|end| *end <= 10);
        let decoded = end.and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = if let Some(hex) =
                        name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    number.and_then(char::from_u32)
                }
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Result<Vec<Token>, ParseError> {
        let mut tokenizer = Tokenizer::new(text, 0, 1);
        let mut out = Vec::new();
        while let Some((token, _)) = tokenizer.next_token()? {
            out.push(token);
        }
        Ok(out)
    }

    #[test]
    fn sgml_and_xml_read_alike() {
        use Token::*;
        assert_eq!(
            tokens("<trnamt>-12.00<NAME>A &amp; B</STMTTRN>").unwrap(),
            [
                Start("TRNAMT".into()),
                Text("-12.00".into()),
                Start("NAME".into()),
                Text("A & B".into()),
                End("STMTTRN".into())
            ]
        );
        assert_eq!(
            tokens("<BALAMT/><!-- x --><?OFX A=\"1\"?><NAME><![CDATA[a<b]]></NAME>").unwrap(),
            [
                Start("BALAMT".into()),
                End("BALAMT".into()),
                Start("NAME".into()),
                Data("a<b".into()),
                End("NAME".into())
            ]
        );
        // A `<` that starts no tag is text.
        assert_eq!(tokens("<MEMO>1 < 2").unwrap()[1], Text("1 < 2".into()));
    }

    #[test]
    fn declarations_and_unfinished_markup_are_refused() {
        assert!(matches!(
            tokens("<!DOCTYPE OFX>"),
            Err(ParseError::Xml { .. })
        ));
        assert!(matches!(
            tokens("<!ENTITY x \"y\">"),
            Err(ParseError::Xml { .. })
        ));
        assert!(matches!(
            tokens("<OFX><!-- open"),
            Err(ParseError::Truncated { .. })
        ));
        assert!(matches!(
            tokens("<OFX></OF"),
            Err(ParseError::Truncated { .. })
        ));
        assert!(matches!(
            tokens("<OFX a=\"1\">"),
            Err(ParseError::Xml { .. })
        ));
        assert_eq!(
            decode_entities("&unknown; &#233; &#x41; &"),
            "&unknown; é A &"
        );
    }
}
