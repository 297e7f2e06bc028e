//! The reading half of an ingest, on a thread of its own: read -> parse -> normalize, handing
//! normalized sections over in batches while the other thread stores the previous ones. The two
//! halves overlap, so an ingest takes about as long as the slower of them.

use crate::anomaly::Anomaly;
use crate::crosscheck::{ProsePorts, check_section};
use crate::error::{Error, Problem, Result};
use crate::normalize::dynamic_range::{DocumentRanges, StatedRange};
use crate::normalize::{NormalizeOptions, NormalizedSection, Summaries, normalize_section};
use crate::parse::sections::{Event, Sections};
use crate::parse::{Block, document_blocks};
use crate::read::Input;
use crate::stop::Stop;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

/// What the reading half hands over.
pub enum Item {
    /// A normalized section, how many port tables it had, and the ports its prose mentions.
    Section(NormalizedSection, usize, ProsePorts),
    /// An anomaly outside any section.
    Anomaly(Anomaly),
    /// A row that cannot be read, outside any section.
    Problem(Problem),
    /// What the document's prose says its dynamic range is (the last item of a document).
    DynamicRange(StatedRange),
}

/// Items per batch: enough to make handing over cheap, few enough to keep memory flat.
const BATCH: usize = 256;
/// Batches in flight between the halves.
const QUEUE: usize = 4;

/// The running reading half of one input.
pub struct Pipeline {
    /// Batches of items in document order; an error ends the stream.
    pub items: Receiver<Result<Vec<Item>>>,
    /// Where stored batches go back, to be freed by the thread that allocated them: freeing across
    /// threads made the storing thread contend for the allocator's locks.
    used: Sender<Vec<Item>>,
    worker: JoinHandle<()>,
}

impl Pipeline {
    /// Starts reading `input` on its own thread.
    /// HTML and Markdown, parsed whole, are refused beyond `max_whole_bytes`; `stop` is asked while
    /// reading.
    pub fn start(input: Input, options: NormalizeOptions, max_whole_bytes: u64, stop: Stop) -> Result<Pipeline> {
        let (sender, items) = sync_channel(QUEUE);
        let (used, returned) = channel();
        let path = input.path.clone();
        let worker = std::thread::Builder::new()
            .name("kbingest-read".into())
            .spawn(move || {
                run(input, options, max_whole_bytes, stop, &sender, &returned);
                drop(sender);
                // Free what the storing thread hands back until it is done.
                returned.iter().for_each(drop);
            })
            .map_err(Error::io("start the reading thread for", &path))?;
        Ok(Pipeline { items, used, worker })
    }

    /// Hands a stored batch back to the reading thread, which frees it.
    pub fn recycle(&self, batch: Vec<Item>) {
        // If the reading thread is gone, the batch is freed here instead.
        let _ = self.used.send(batch);
    }

    /// Waits for the reading thread to end (after its last batch was received).
    pub fn finish(self) {
        drop(self.items);
        drop(self.used);
        // The thread only ends by returning; a panic there is a bug and shows as one.
        if let Err(panic) = self.worker.join() {
            std::panic::resume_unwind(panic);
        }
    }
}

fn run(
    input: Input,
    options: NormalizeOptions,
    max_whole_bytes: u64,
    stop: Stop,
    sender: &SyncSender<Result<Vec<Item>>>,
    returned: &Receiver<Vec<Item>>,
) {
    // The prose is read for the dynamic range it states as the blocks go by to the section finder.
    let ranges = Rc::new(RefCell::new(DocumentRanges::default()));
    let seen = Rc::clone(&ranges);
    let events = match document_blocks(input, max_whole_bytes, stop) {
        Ok(blocks) => Sections::new(blocks.inspect(move |block| {
            if let Ok(Block::Paragraph(text) | Block::Note(text)) = block {
                seen.borrow_mut().see(text);
            }
        })),
        Err(e) => return drop(sender.send(Err(e))),
    };
    let mut batch = Vec::with_capacity(BATCH);
    let mut summaries = Summaries::default();
    for event in events {
        let item = match event {
            Ok(Event::Section(section)) => {
                let mut normalized = normalize_section(&section, &options);
                let tables = normalized.port_tables;
                let prose = check_section(&section, &mut normalized);
                summaries.record(&normalized);
                Item::Section(normalized, tables, prose)
            }
            Ok(Event::Summary(table)) => {
                let (sections, anomaly) = summaries.judge(&table, &options);
                batch.extend(sections.into_iter().map(|s| Item::Section(s, 0, ProsePorts::default())));
                Item::Anomaly(anomaly)
            }
            Ok(Event::Anomaly(anomaly)) => Item::Anomaly(anomaly),
            Ok(Event::Problem(problem)) => Item::Problem(problem),
            Err(e) => {
                let _ = sender.send(Ok(std::mem::take(&mut batch)));
                return drop(sender.send(Err(e)));
            }
        };
        batch.push(item);
        if batch.len() == BATCH {
            returned.try_iter().for_each(drop);
        }
        if batch.len() == BATCH && sender.send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))).is_err() {
            // The storing half has stopped (an error, or a stop asked for): nothing more to do.
            return;
        }
    }
    batch.push(Item::DynamicRange(ranges.borrow().stated()));
    let _ = sender.send(Ok(batch));
}
