//! A TCP stream that stops reading once a connection has sent its budget.
//!
//! Before `Hello` succeeded a connection may send only a few KiB
//! ([`crate::ConnectionLimits::before_hello_bytes`]). Checking frame sizes
//! after the WebSocket layer has read them would be too late: it buffers a
//! whole frame, up to the relay's frame limit, before handing it over. So the
//! budget is enforced below it, on the socket: past the budget a read fails
//! with [`OverBudget`] and no further byte leaves the kernel's buffer.
//!
//! The meter also notes when bytes last arrived, so a device in the middle
//! of sending one large frame over a slow link (which the WebSocket layer
//! reports only once it is whole) does not count as idle.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::admission::Slot;

/// No budget: reads pass straight through.
const UNMETERED: usize = usize::MAX;

/// A connection's remaining read budget, shared between the socket and the
/// code that arms it (at the upgrade) and lifts it (after `Hello`).
#[derive(Debug)]
pub(crate) struct Meter {
    remaining: AtomicUsize,
    limit: AtomicUsize,
    /// When the meter was made.
    origin: Instant,
    /// Milliseconds from `origin` to the last read that brought bytes.
    last_read: AtomicU64,
}

impl Default for Meter {
    fn default() -> Self {
        Meter {
            remaining: AtomicUsize::new(UNMETERED),
            limit: AtomicUsize::new(UNMETERED),
            origin: Instant::now(),
            last_read: AtomicU64::new(0),
        }
    }
}

impl Meter {
    /// When bytes last arrived (or the meter was made).
    pub(crate) fn last_read(&self) -> Instant {
        self.origin + Duration::from_millis(self.last_read.load(Ordering::Relaxed))
    }

    fn note_read(&self) {
        let millis = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_read.store(millis, Ordering::Relaxed);
    }

    /// From now on at most `bytes` more may be read (0: no budget).
    pub(crate) fn arm(&self, bytes: usize) {
        let bytes = if bytes == 0 { UNMETERED } else { bytes };
        self.limit.store(bytes, Ordering::Relaxed);
        self.remaining.store(bytes, Ordering::Relaxed);
    }

    /// Lifts the budget.
    pub(crate) fn lift(&self) {
        self.remaining.store(UNMETERED, Ordering::Relaxed);
    }
}

/// The error a read past the budget fails with.
#[derive(Debug)]
pub(crate) struct OverBudget {
    /// The budget that was spent.
    pub(crate) limit: usize,
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the connection sent more than the {} bytes allowed before Hello",
            self.limit
        )
    }
}

impl std::error::Error for OverBudget {}

/// A TCP stream with a [`Meter`] on its reads and a connection [`Slot`]
/// that it gives back when dropped.
pub(crate) struct MeteredStream {
    stream: TcpStream,
    meter: Arc<Meter>,
    _slot: Slot,
}

impl MeteredStream {
    pub(crate) fn new(stream: TcpStream, meter: Arc<Meter>, slot: Slot) -> MeteredStream {
        MeteredStream {
            stream,
            meter,
            _slot: slot,
        }
    }
}

/// The most one metered read copies (metered reads are few and small).
const METERED_READ: usize = 1024;

impl AsyncRead for MeteredStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let remaining = this.meter.remaining.load(Ordering::Relaxed);
        if remaining == UNMETERED {
            let before = buf.filled().len();
            ready!(Pin::new(&mut this.stream).poll_read(cx, buf))?;
            if buf.filled().len() > before {
                this.meter.note_read();
            }
            return Poll::Ready(Ok(()));
        }
        if remaining == 0 {
            let limit = this.meter.limit.load(Ordering::Relaxed);
            return Poll::Ready(Err(io::Error::other(OverBudget { limit })));
        }
        // Read no more than the budget into a small buffer of our own, so
        // not a byte past it is taken from the kernel.
        let mut scratch = [0u8; METERED_READ];
        let room = buf.remaining().min(remaining).min(METERED_READ);
        let mut limited = ReadBuf::new(&mut scratch[..room]);
        ready!(Pin::new(&mut this.stream).poll_read(cx, &mut limited))?;
        let read = limited.filled();
        buf.put_slice(read);
        if !read.is_empty() {
            this.meter.note_read();
        }
        // Only this task reads, so nothing raced the load above, except
        // `lift`, which a later read will see.
        let _ = this.meter.remaining.compare_exchange(
            remaining,
            remaining - read.len(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for MeteredStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
