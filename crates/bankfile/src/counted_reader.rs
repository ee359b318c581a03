//! For the streaming parsers' tests: a reader that hands out a few bytes at a time and counts
//! them, so a sink can tell how much of the input had been read when an event came.

use std::cell::Cell;
use std::io::{BufReader, Read};
use std::rc::Rc;

pub(crate) struct Counted<'a> {
    bytes: &'a [u8],
    read: Rc<Cell<usize>>,
    step: usize,
}

impl Read for Counted<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let at = self.read.get();
        let n = out.len().min(self.bytes.len() - at).min(self.step);
        out[..n].copy_from_slice(&self.bytes[at..at + n]);
        self.read.set(at + n);
        Ok(n)
    }
}

/// Buffer of the readers below; a sink's view of what was read is this coarse.
pub(crate) const BUFFER_BYTES: usize = 4096;

/// A buffered reader over `bytes` handing out at most `step` bytes a read, and the count of
/// bytes read so far.
pub(crate) fn counted(bytes: &[u8], step: usize) -> (BufReader<Counted<'_>>, Rc<Cell<usize>>) {
    let read = Rc::new(Cell::new(0));
    let reader = Counted {
        bytes,
        read: Rc::clone(&read),
        step,
    };
    (BufReader::with_capacity(BUFFER_BYTES, reader), read)
}
