//! The function's logs: a small `tracing` subscriber that prints each event as one flat line,
//! the event's fields and then those of its spans (innermost first), each field once, with no
//! span nesting. `main` installs it with [`init`] in place of
//! `lambda_http::tracing::init_default_subscriber` (whose JSON repeated the request span's fields
//! under `span` and `spans` and cost about 100k instructions per line).
//!
//! Settings as before: `AWS_LAMBDA_LOG_FORMAT=JSON` for JSON lines (text otherwise), the level
//! from `RUST_LOG` / `AWS_LAMBDA_LOG_LEVEL` ([`filter`]), and the runtime crates pinned at `INFO`
//! or quieter whatever the level, so no raw event or signed request reaches the logs.

pub mod filter;
mod line;

use std::cell::RefCell;
use std::io::Write;
use std::num::NonZeroU64;
use std::sync::Mutex;

use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::{Interest, Subscriber};
use tracing::{Event, Metadata};
use tracing_core::span::Current;

pub use filter::Filter;
pub use line::Format;
use line::{Fields, Line};

/// Installs the subscriber for the process, configured from the environment, writing to stdout.
/// Does nothing when a subscriber is already installed.
pub fn init() {
    let format = Format::from_setting(std::env::var("AWS_LAMBDA_LOG_FORMAT").ok().as_deref());
    let _ = tracing::subscriber::set_global_default(FlatSubscriber::new(Filter::from_env(), format, Stdout));
}

/// Where finished lines go: each line is written whole, newline included.
pub trait LineSink: Send + Sync + 'static {
    fn write_line(&self, line: &[u8]);
}

/// Standard output (what Lambda sends to CloudWatch Logs).
#[derive(Debug, Clone, Copy)]
pub struct Stdout;

impl LineSink for Stdout {
    fn write_line(&self, line: &[u8]) {
        let _ = std::io::stdout().lock().write_all(line);
    }
}

/// A span while it lives: its fields, its parent (kept alive by the child), its handle count.
#[derive(Debug)]
struct SpanData {
    metadata: &'static Metadata<'static>,
    parent: Option<Id>,
    fields: Fields,
    refs: usize,
}

/// Live spans by id (`index + 1`), with free slots reused.
#[derive(Debug, Default)]
struct Spans {
    slots: Vec<Option<SpanData>>,
    free: Vec<usize>,
}

impl Spans {
    fn get(&self, id: &Id) -> Option<&SpanData> {
        self.slots.get(id.into_u64() as usize - 1)?.as_ref()
    }

    fn get_mut(&mut self, id: &Id) -> Option<&mut SpanData> {
        self.slots.get_mut(id.into_u64() as usize - 1)?.as_mut()
    }

    fn insert(&mut self, data: SpanData) -> Id {
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index] = Some(data);
                index
            }
            None => {
                self.slots.push(Some(data));
                self.slots.len() - 1
            }
        };
        Id::from_non_zero_u64(NonZeroU64::MIN.saturating_add(index as u64))
    }

    /// Drops one handle; frees the span (and its hold on its parent) with the last one.
    fn release(&mut self, id: &Id) -> bool {
        let mut next = Some(id.clone());
        let mut closed = false;
        while let Some(id) = next.take() {
            let Some(span) = self.get_mut(&id) else { break };
            span.refs -= 1;
            if span.refs > 0 {
                break;
            }
            let index = id.into_u64() as usize - 1;
            next = self.slots[index].take().and_then(|s| s.parent);
            self.free.push(index);
            closed = true;
        }
        closed
    }
}

thread_local! {
    /// The spans this thread is inside, innermost last.
    static STACK: RefCell<Vec<Id>> = const { RefCell::new(Vec::new()) };
    /// The line under construction (its buffers reused).
    static LINE: RefCell<Option<Line>> = const { RefCell::new(None) };
}

/// The subscriber: [`Filter`] decides, [`Format`] shapes, a [`LineSink`] receives.
#[derive(Debug)]
pub struct FlatSubscriber<S> {
    filter: Filter,
    max_level: LevelFilter,
    format: Format,
    spans: Mutex<Spans>,
    sink: S,
}

impl<S: LineSink> FlatSubscriber<S> {
    /// A subscriber writing `format` lines to `sink`.
    pub fn new(filter: Filter, format: Format, sink: S) -> Self {
        FlatSubscriber { max_level: filter.max_level(), filter, format, spans: Mutex::default(), sink }
    }

    fn spans(&self) -> std::sync::MutexGuard<'_, Spans> {
        self.spans.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn current(&self) -> Option<Id> {
        STACK.with(|s| s.borrow().last().cloned())
    }

    fn write_event(&self, event: &Event<'_>, line: &mut Line) {
        line.begin(event.metadata().level());
        event.record(line);
        let parent = if event.is_contextual() { self.current() } else { event.parent().cloned() };
        let spans = self.spans();
        let mut next = parent;
        while let Some(span) = next.as_ref().and_then(|id| spans.get(id)) {
            for (name, value) in &span.fields.0 {
                line.value(name, value);
            }
            next = span.parent.clone();
        }
        drop(spans);
        self.sink.write_line(line.finish());
    }
}

impl<S: LineSink> Subscriber for FlatSubscriber<S> {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if self.enabled(metadata) { Interest::always() } else { Interest::never() }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.filter.level_for(metadata.target())
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.max_level)
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let parent = if attributes.is_contextual() { self.current() } else { attributes.parent().cloned() };
        let mut fields = Fields::default();
        attributes.record(&mut fields);
        let mut spans = self.spans();
        let parent = parent.filter(|p| match spans.get_mut(p) {
            Some(span) => {
                span.refs += 1;
                true
            }
            None => false,
        });
        spans.insert(SpanData { metadata: attributes.metadata(), parent, fields, refs: 1 })
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(span) = self.spans().get_mut(span) {
            values.record(&mut span.fields);
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        LINE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut slot) => {
                let line = match &mut *slot {
                    Some(line) if line.format() == self.format => line,
                    _ => slot.insert(Line::new(self.format)),
                };
                self.write_event(event, line)
            }
            // An event raised while a line is being written on this thread: a fresh buffer.
            Err(_) => self.write_event(event, &mut Line::new(self.format)),
        });
    }

    fn enter(&self, span: &Id) {
        STACK.with(|s| s.borrow_mut().push(span.clone()));
    }

    fn exit(&self, span: &Id) {
        STACK.with(|s| {
            let mut stack = s.borrow_mut();
            if let Some(i) = stack.iter().rposition(|id| id == span) {
                stack.remove(i);
            }
        });
    }

    fn clone_span(&self, id: &Id) -> Id {
        if let Some(span) = self.spans().get_mut(id) {
            span.refs += 1;
        }
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        self.spans().release(&id)
    }

    fn current_span(&self) -> Current {
        match self.current() {
            Some(id) => match self.spans().get(&id) {
                Some(span) => Current::new(id, span.metadata),
                None => Current::none(),
            },
            None => Current::none(),
        }
    }
}

#[cfg(test)]
mod tests;
