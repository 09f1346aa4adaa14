//! `Stream`: stdout or stderr as the commands write to them. When the reader goes away
//! (`topicgate plan | head -1`), further output is dropped silently and the command runs to its
//! real end, so the exit code is still the command's outcome: a broken pipe is not an error, and
//! it never hides one (pending changes, findings, an unmet gate, a failed apply).

use std::io::{self, ErrorKind, Write};

pub struct Stream<W> {
    inner: W,
    name: &'static str,
    closed: bool,
}

impl<W: Write> Stream<W> {
    /// `name` (`stdout`, `stderr`) is only for the debug log line saying the reader is gone.
    pub fn new(inner: W, name: &'static str) -> Self {
        Stream {
            inner,
            name,
            closed: false,
        }
    }

    /// Whether the reader has gone away (output since then was dropped).
    pub fn closed(&self) -> bool {
        self.closed
    }

    fn gone(&mut self) {
        if !self.closed {
            self.closed = true;
            log::debug!(
                "{} was closed by its reader; further output to it is dropped",
                self.name
            );
        }
    }
}

impl<W: Write> Write for Stream<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.gone();
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.gone();
                Ok(())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that goes away after `room` bytes.
    struct Pipe {
        got: Vec<u8>,
        room: usize,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.got.len() >= self.room {
                return Err(io::Error::from(ErrorKind::BrokenPipe));
            }
            let n = buf.len().min(self.room - self.got.len());
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn output_after_the_reader_left_is_dropped_without_an_error() {
        let mut s = Stream::new(
            Pipe {
                got: Vec::new(),
                room: 4,
            },
            "stdout",
        );
        writeln!(s, "first line").unwrap();
        assert!(s.closed());
        writeln!(s, "second line").unwrap();
        s.flush().unwrap();
        assert_eq!(s.inner.got, b"firs");
    }

    #[test]
    fn other_errors_still_surface() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(ErrorKind::StorageFull))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut s = Stream::new(Full, "stdout");
        assert!(writeln!(s, "x").is_err());
        assert!(!s.closed());
    }
}
