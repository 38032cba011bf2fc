//! An incremental Server-Sent Events parser (the WHATWG event-stream format): bytes in,
//! events out. It owns no I/O so that it can be fed chunk by chunk and tested alone.

use crate::error::StreamError;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// `event:` (defaults to `message`).
    pub(crate) event: String,
    /// The `data:` lines joined by `\n`.
    pub(crate) data: String,
    /// The `id:` of this event, if it set one.
    pub(crate) id: Option<String>,
}

/// What a complete block of lines produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SseItem {
    Event(SseEvent),
    /// A `retry:` hint, in milliseconds.
    Retry(u64),
    /// A comment line (keep-alive).
    Comment,
}

/// Parser state.
#[derive(Debug)]
pub(crate) struct SseParser {
    buf: Vec<u8>,
    /// Bytes of `buf` already consumed.
    pos: usize,
    /// Bytes after `pos` already scanned without finding a line end.
    scanned: usize,
    event: Option<String>,
    data: String,
    has_data: bool,
    id: Option<String>,
    /// Items completed but not yet returned.
    ready: std::collections::VecDeque<SseItem>,
    max_event_bytes: usize,
}

impl SseParser {
    pub(crate) fn new(max_event_bytes: usize) -> SseParser {
        SseParser {
            buf: Vec::new(),
            pos: 0,
            scanned: 0,
            event: None,
            data: String::new(),
            has_data: false,
            id: None,
            ready: std::collections::VecDeque::new(),
            max_event_bytes,
        }
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The next complete item, `None` when more bytes are needed.
    pub(crate) fn next_item(&mut self) -> Option<Result<SseItem, StreamError>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(Ok(item));
            }
            let rest = &self.buf[self.pos..];
            let Some(end) = rest[self.scanned..].iter().position(|&b| b == b'\n' || b == b'\r') else {
                self.scanned = rest.len();
                if rest.len() + self.data.len() > self.max_event_bytes {
                    return Some(Err(StreamError::TooLarge { max_bytes: self.max_event_bytes }));
                }
                return None;
            };
            let end = self.scanned + end;
            // A CR at the very end may be the first half of CRLF: wait for the next byte.
            if rest[end] == b'\r' && end + 1 == rest.len() {
                self.scanned = end;
                return None;
            }
            let skip = if rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n') { 2 } else { 1 };
            let line = match std::str::from_utf8(&rest[..end]) {
                Ok(l) => l.to_owned(),
                Err(_) => return Some(Err(StreamError::NotUtf8)),
            };
            self.pos += end + skip;
            self.scanned = 0;
            if let Err(e) = self.line(&line) {
                return Some(Err(e));
            }
        }
    }

    fn line(&mut self, line: &str) -> Result<(), StreamError> {
        if line.is_empty() {
            self.dispatch();
            return Ok(());
        }
        if line.starts_with(':') {
            self.ready.push_back(SseItem::Comment);
            return Ok(());
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                if self.data.len() + value.len() > self.max_event_bytes {
                    return Err(StreamError::TooLarge { max_bytes: self.max_event_bytes });
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            "retry" => {
                if let Ok(ms) = value.parse::<u64>() {
                    self.ready.push_back(SseItem::Retry(ms));
                }
            }
            // Unknown fields are ignored, as the format requires.
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self) {
        let event = self.event.take();
        let id = self.id.take();
        if !self.has_data {
            return;
        }
        self.has_data = false;
        self.ready.push_back(SseItem::Event(SseEvent {
            event: event.filter(|e| !e.is_empty()).unwrap_or_else(|| "message".to_owned()),
            data: std::mem::take(&mut self.data),
            id,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(chunks: &[&[u8]]) -> Vec<SseItem> {
        let mut p = SseParser::new(1 << 20);
        let mut out = Vec::new();
        for c in chunks {
            p.push(c);
            while let Some(item) = p.next_item() {
                out.push(item.unwrap());
            }
        }
        out
    }

    fn ev(event: &str, data: &str, id: Option<&str>) -> SseItem {
        SseItem::Event(SseEvent { event: event.into(), data: data.into(), id: id.map(Into::into) })
    }

    #[test]
    fn parses_the_servers_frames() {
        let items =
            parse_all(&[b"retry: 2000\n\nid: 4\nevent: snapshot\ndata: {\"a\":1}\n\n: keep-alive\n\n"]);
        assert_eq!(items, [SseItem::Retry(2000), ev("snapshot", "{\"a\":1}", Some("4")), SseItem::Comment]);
    }

    #[test]
    fn events_split_across_chunks_at_any_byte_come_out_whole() {
        let whole = b"id: 7\r\nevent: flag\r\ndata: {\"key\":\"f\"}\r\n\r\nevent: x\rdata: 1\rdata: 2\r\r\n";
        for cut in 0..whole.len() {
            let items = parse_all(&[&whole[..cut], &whole[cut..]]);
            assert_eq!(
                items,
                [ev("flag", "{\"key\":\"f\"}", Some("7")), ev("x", "1\n2", None)],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn blocks_without_data_dispatch_nothing_and_unknown_fields_are_ignored() {
        let items = parse_all(&[b"event: flag\nid: 3\n\nfoo: bar\ndata\n\n"]);
        assert_eq!(items, [ev("message", "", None)]);
    }

    #[test]
    fn invalid_utf8_and_oversized_events_are_errors() {
        let mut p = SseParser::new(1 << 20);
        p.push(b"data: \xff\xfe\n\n");
        assert!(matches!(p.next_item(), Some(Err(StreamError::NotUtf8))));
        let mut p = SseParser::new(16);
        p.push(b"data: 0123456789");
        p.push(b"0123456789");
        assert!(matches!(p.next_item(), Some(Err(StreamError::TooLarge { .. }))));
    }

    #[test]
    fn a_large_event_in_many_small_chunks_is_assembled() {
        let data = "x".repeat(100_000);
        let frame = format!("event: snapshot\nid: 1\ndata: {data}\n\n");
        let mut p = SseParser::new(1 << 20);
        let mut out = Vec::new();
        for chunk in frame.as_bytes().chunks(7) {
            p.push(chunk);
            while let Some(item) = p.next_item() {
                out.push(item.unwrap());
            }
        }
        assert_eq!(out, [ev("snapshot", &data, Some("1"))]);
    }
}
