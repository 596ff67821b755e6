//! Reads a PDF the way its readers may, to find what they could act on.
//!
//! Three readings together cover every object a reader can parse:
//! - the whole file from its first byte, stepping over the data of each stream;
//! - every other place where an object or a trailer starts (an `obj` or `trailer` keyword the
//!   first reading did not reach: inside a stream's data, a string or a comment). Readers find
//!   objects through the cross-reference offsets, which can point anywhere, and rebuild them by
//!   searching for `obj` when those offsets are broken, so a hidden object is read on its own;
//! - the content of each object stream, inflated (a filter that cannot be read here is refused).
//!
//! Every name is decoded (`/J#61vaScript` is `/JavaScript`) and checked against the names only
//! active content uses. The reading also notes where metadata sits, for `blank`.

use std::collections::HashSet;
use std::ops::Range;

use super::dict::{self, Dict, Value};
use super::flate;
use super::lexer::{decode_name, is_regular, is_whitespace, word_int, Kind, Lexer, Token};
use super::refusals::{ACTIVE, ENCRYPTED, UNCHECKABLE};
use crate::content::error::ContentError;

/// Names used only by scripts, actions that leave the document or submit data, embedded
/// files and multimedia. An ordinary document (text, images, fonts, links, bookmarks, forms
/// without scripts) has none of them.
const ACTIVE_NAMES: &[&[u8]] = &[
    b"JS",
    b"JavaScript",
    b"AA",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"GoToR",
    b"GoToE",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"EF",
    b"FileAttachment",
    b"RichMedia",
    b"RichMediaExecute",
    b"XFA",
    b"Sound",
    b"Movie",
    b"Rendition",
    b"3D",
];

/// Inflated object streams may take this much memory in all, per upload.
pub const MAX_INFLATED: usize = 16 * 1024 * 1024;
/// Places a reader looks for the document information or an opening action: one per
/// revision of the document, so a few in an ordinary file.
const MAX_POINTERS: usize = 256;
/// Tokens kept for one top-level value (a dictionary is read from them).
const MAX_VALUE_TOKENS: usize = 100_000;

/// Which bytes a position is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    File,
    /// The inflated content of `Scan::packed[i]`.
    Packed(usize),
}

/// An object in the file: `num gen obj` and its body.
pub struct PlainObject {
    pub id: Option<(u64, u64)>,
    pub body: Range<usize>,
}

/// Where the document information dictionary is.
pub enum InfoAt {
    Ref(u64, u64),
    /// Written directly in a trailer: its bytes in the file.
    Direct(Range<usize>),
}

impl InfoAt {
    /// Equal for the same dictionary (each revision's trailer names it again).
    pub fn key(&self) -> (bool, u64, u64) {
        match *self {
            Self::Ref(num, gen) => (true, num, gen),
            Self::Direct(ref range) => (false, range.start as u64, range.end as u64),
        }
    }
}

/// How an object stream's data is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    None,
    Flate,
    /// Anything else: another filter, a chain, a predictor, an indirect filter.
    Unreadable,
}

/// An object stream in the file.
pub struct ObjStmAt {
    pub filter: Filter,
    pub first: Option<u64>,
    pub data_start: usize,
    pub data_end: Option<usize>,
}

/// An object stream's content.
pub struct Packed {
    pub at: ObjStmAt,
    pub data: Vec<u8>,
    /// Input bytes of the zlib stream, when it is whole (needed to write it again).
    pub zlib_len: Option<usize>,
    /// The objects inside: number and bytes.
    pub objects: Vec<(u64, Range<usize>)>,
}

/// An XMP metadata stream in the file.
pub struct MetadataAt {
    pub data: Range<usize>,
    /// The `/Filter` and `/DecodeParms` entries of its dictionary.
    pub filter_entries: Vec<Range<usize>>,
}

/// What the readings found, when nothing was refused.
#[derive(Default)]
pub struct Scan {
    pub objects: Vec<PlainObject>,
    pub packed: Vec<Packed>,
    pub info: Vec<InfoAt>,
    pub metadata: Vec<MetadataAt>,
    /// Where the value of each `/OpenAction` starts.
    pub open_actions: Vec<(Source, usize)>,
    object_streams: Vec<ObjStmAt>,
}

impl Scan {
    pub fn bytes<'a>(&'a self, file: &'a [u8], source: Source) -> &'a [u8] {
        match source {
            Source::File => file,
            Source::Packed(i) => &self.packed[i].data,
        }
    }
}

/// Reads `pdf` and refuses it when a reader could find active content in it, or when a part
/// that could hold some cannot be read here.
pub fn scan(pdf: &[u8]) -> Result<Scan, ContentError> {
    let mut budget = Budget {
        left: pdf.len().saturating_mul(4) + 2 * MAX_INFLATED,
    };
    let mut scan = Scan::default();
    let mut reached = Reached::default();
    Walker::new(pdf, Source::File, Mode::File, &mut budget, &mut scan).run(0, Some(&mut reached))?;
    for (pos, id) in hidden_objects(pdf, &reached.objects) {
        let mut walker = Walker::new(pdf, Source::File, Mode::Hidden, &mut budget, &mut scan);
        walker.ctx = Ctx::Object { id, start: pos + 3 };
        walker.run(pos + 3, None)?;
    }
    for pos in hidden_keywords(pdf, b"trailer", &reached.trailers) {
        let mut walker = Walker::new(pdf, Source::File, Mode::Hidden, &mut budget, &mut scan);
        walker.ctx = Ctx::Trailer;
        walker.run(pos + b"trailer".len(), None)?;
    }
    let mut inflated = 0usize;
    for at in std::mem::take(&mut scan.object_streams) {
        let (data, zlib_len) = unpack(pdf, &at, &mut inflated)?;
        let objects = packed_objects(&data, at.first);
        let index = scan.packed.len();
        scan.packed.push(Packed {
            at,
            data,
            zlib_len,
            objects,
        });
        let data = std::mem::take(&mut scan.packed[index].data);
        let result = Walker::new(&data, Source::Packed(index), Mode::Packed, &mut budget, &mut scan).run(0, None);
        scan.packed[index].data = data;
        result?;
    }
    if scan.info.len() > MAX_POINTERS || scan.open_actions.len() > MAX_POINTERS {
        return Err(UNCHECKABLE);
    }
    Ok(scan)
}

/// The content of an object stream.
fn unpack(pdf: &[u8], at: &ObjStmAt, inflated: &mut usize) -> Result<(Vec<u8>, Option<usize>), ContentError> {
    let cap = MAX_INFLATED - *inflated;
    let start = at.data_start.min(pdf.len());
    let (data, zlib_len) = match at.filter {
        Filter::Unreadable => return Err(UNCHECKABLE),
        Filter::None => {
            let end = at.data_end.unwrap_or(pdf.len()).clamp(start, pdf.len());
            if end - start > cap {
                return Err(UNCHECKABLE);
            }
            (pdf[start..end].to_vec(), None)
        }
        Filter::Flate => {
            // Given the rest of the file: the zlib stream says itself where it ends, so a
            // wrong /Length cannot make this read less than a reader does.
            let zlib = flate::inflate(&pdf[start..], true, cap);
            let (out, is_zlib) = if zlib.data.is_empty() && zlib.consumed.is_none() && !zlib.over_cap {
                // Some readers take a stream without the zlib header.
                (flate::inflate(&pdf[start..], false, cap), false)
            } else {
                (zlib, true)
            };
            if out.over_cap {
                return Err(UNCHECKABLE);
            }
            (out.data, out.consumed.filter(|_| is_zlib))
        }
    };
    *inflated += data.len();
    Ok((data, zlib_len))
}

/// The objects listed in an object stream's header: number and bytes.
fn packed_objects(data: &[u8], first: Option<u64>) -> Vec<(u64, Range<usize>)> {
    let Some(first) = first.and_then(|f| usize::try_from(f).ok()).filter(|&f| f <= data.len()) else {
        return Vec::new();
    };
    let header: Vec<u64> = Lexer::new(&data[..first], 0)
        .map_while(|t| (t.kind == Kind::Word).then(|| word_int(&data[t.span])).flatten())
        .collect();
    let mut starts: Vec<(u64, usize)> = header
        .chunks_exact(2)
        .filter_map(|pair| Some((pair[0], first.checked_add(usize::try_from(pair[1]).ok()?)?)))
        .filter(|&(_, at)| at <= data.len())
        .collect();
    starts.sort_by_key(|&(_, at)| at);
    let ends: Vec<usize> = starts.iter().skip(1).map(|&(_, at)| at).chain([data.len()]).collect();
    starts
        .into_iter()
        .zip(ends)
        .map(|((num, at), end)| (num, at..end))
        .collect()
}

/// Positions of `obj` keywords the first reading did not reach that a reader could take for
/// the start of an object (`num gen obj`, or `obj` at the start of a line, after a comment),
/// with the object's number when it is written.
fn hidden_objects(pdf: &[u8], reached: &HashSet<usize>) -> Vec<(usize, Option<(u64, u64)>)> {
    keyword_positions(pdf, b"obj", |b| !is_regular(b) || b.is_ascii_digit())
        .filter(|pos| !reached.contains(pos))
        .filter_map(|pos| object_header_before(pdf, pos).map(|id| (pos, id)))
        .collect()
}

fn hidden_keywords(pdf: &[u8], keyword: &[u8], reached: &HashSet<usize>) -> Vec<usize> {
    keyword_positions(pdf, keyword, |b| !is_regular(b))
        .filter(|pos| !reached.contains(pos))
        .collect()
}

/// Where `keyword` stands as a word of its own (`ends` decides the byte after it).
fn keyword_positions<'a>(
    pdf: &'a [u8],
    keyword: &'a [u8],
    ends: impl Fn(u8) -> bool + 'a,
) -> impl Iterator<Item = usize> + 'a {
    pdf.windows(keyword.len())
        .enumerate()
        .filter(move |&(pos, w)| {
            w == keyword
                && (pos == 0 || !is_regular(pdf[pos - 1]))
                && pdf.get(pos + keyword.len()).is_none_or(|&b| ends(b))
        })
        .map(|(pos, _)| pos)
}

/// `Some(Some(id))` after `num gen`, `Some(None)` after a line end, `None` otherwise.
fn object_header_before(pdf: &[u8], pos: usize) -> Option<Option<(u64, u64)>> {
    let skip_back = |mut at: usize, keep: fn(u8) -> bool| {
        while at > 0 && keep(pdf[at - 1]) {
            at -= 1;
        }
        at
    };
    let gen_end = skip_back(pos, is_whitespace);
    let after_line_end = pdf[gen_end..pos].iter().any(|&b| b == b'\r' || b == b'\n');
    let gen_start = skip_back(gen_end, |b| b.is_ascii_digit());
    let num_end = skip_back(gen_start, is_whitespace);
    let num_start = skip_back(num_end, |b| b.is_ascii_digit());
    let written = gen_start < gen_end
        && num_end < gen_start
        && num_start < num_end
        && (num_start == 0 || !is_regular(pdf[num_start - 1]));
    if written {
        let id = word_int(&pdf[num_start..num_end]).zip(word_int(&pdf[gen_start..gen_end]));
        Some(id)
    } else {
        after_line_end.then_some(None)
    }
}

struct Budget {
    left: usize,
}

impl Budget {
    /// A file built so that its parts are read many times over is refused, not read forever.
    fn spend(&mut self, bytes: usize) -> Result<(), ContentError> {
        self.left = self.left.checked_sub(bytes.max(1)).ok_or(UNCHECKABLE)?;
        Ok(())
    }
}

#[derive(Default)]
struct Reached {
    objects: HashSet<usize>,
    trailers: HashSet<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The whole file in order.
    File,
    /// One object or trailer, from inside another's bytes.
    Hidden,
    /// An object stream's content: objects without headers, and no streams.
    Packed,
}

enum Ctx {
    None,
    Object { id: Option<(u64, u64)>, start: usize },
    Trailer,
}

struct Walker<'a, 'b> {
    buf: &'a [u8],
    source: Source,
    mode: Mode,
    budget: &'b mut Budget,
    out: &'b mut Scan,
    ctx: Ctx,
    depth: usize,
    /// The tokens of the current (or last) top-level value.
    value: Vec<Token>,
    value_overflow: bool,
    /// The last top-level value was a dictionary and nothing followed it yet.
    dict_just_closed: bool,
    /// The last two words at the top level (an object's number and generation).
    words: [Option<Range<usize>>; 2],
}

impl<'a, 'b> Walker<'a, 'b> {
    fn new(buf: &'a [u8], source: Source, mode: Mode, budget: &'b mut Budget, out: &'b mut Scan) -> Self {
        Self {
            buf,
            source,
            mode,
            budget,
            out,
            ctx: Ctx::None,
            depth: 0,
            value: Vec::new(),
            value_overflow: false,
            dict_just_closed: false,
            words: [None, None],
        }
    }

    fn run(mut self, from: usize, mut reached: Option<&mut Reached>) -> Result<(), ContentError> {
        let mut lexer = Lexer::new(self.buf, from);
        while let Some(token) = lexer.next() {
            self.budget.spend(token.span.len())?;
            if token.kind == Kind::Name {
                self.name(&token)?;
            }
            if token.kind == Kind::Word {
                let at = token.span.start;
                match (&self.buf[token.span.clone()], self.mode) {
                    (b"obj", Mode::File) => {
                        if let Some(reached) = reached.as_deref_mut() {
                            reached.objects.insert(at);
                        }
                        self.end_object(at);
                        let id = self.object_id();
                        self.ctx = Ctx::Object {
                            id,
                            start: token.span.end,
                        };
                        self.reset();
                        continue;
                    }
                    (b"trailer", Mode::File) => {
                        if let Some(reached) = reached.as_deref_mut() {
                            reached.trailers.insert(at);
                        }
                        self.end_object(at);
                        self.ctx = Ctx::Trailer;
                        self.reset();
                        continue;
                    }
                    (b"endobj", Mode::File | Mode::Hidden) if self.depth == 0 => {
                        self.end_object(at);
                        if self.mode == Mode::Hidden {
                            return Ok(());
                        }
                        continue;
                    }
                    (b"stream", _) if self.depth == 0 && self.dict_just_closed => {
                        if self.mode == Mode::Packed || self.value_overflow {
                            return Err(UNCHECKABLE);
                        }
                        let data_end = self.stream(token.span.end)?;
                        if self.mode == Mode::Hidden {
                            self.end_object(at);
                            return Ok(());
                        }
                        if let Some(end) = data_end {
                            lexer.seek(end);
                        }
                        self.dict_just_closed = false;
                        continue;
                    }
                    _ => {}
                }
            }
            if self.value(token) && self.mode == Mode::Hidden && matches!(self.ctx, Ctx::Trailer) {
                return Ok(());
            }
        }
        self.end_object(self.buf.len());
        Ok(())
    }

    /// Refuses active names and encryption; notes where an opening action is.
    fn name(&mut self, token: &Token) -> Result<(), ContentError> {
        let Some(name) = decode_name(&self.buf[token.span.clone()]) else {
            return Ok(());
        };
        match name.as_bytes() {
            n if ACTIVE_NAMES.contains(&n) => Err(ACTIVE),
            b"Encrypt" => Err(ENCRYPTED),
            b"OpenAction" => {
                self.out.open_actions.push((self.source, token.span.end));
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn reset(&mut self) {
        self.depth = 0;
        self.value.clear();
        self.value_overflow = false;
        self.dict_just_closed = false;
        self.words = [None, None];
    }

    /// Follows brackets and keeps the tokens of the current top-level value. True when the
    /// token closed a top-level dictionary.
    fn value(&mut self, token: Token) -> bool {
        let kind = token.kind;
        self.dict_just_closed = false;
        if self.depth == 0 {
            self.value.clear();
            self.value_overflow = false;
            if kind == Kind::Word {
                self.words = [self.words[1].take(), Some(token.span.clone())];
            } else {
                self.words = [None, None];
            }
        }
        match kind {
            Kind::DictOpen | Kind::ArrayOpen => self.depth += 1,
            Kind::DictClose | Kind::ArrayClose => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        if self.value.len() < MAX_VALUE_TOKENS {
            self.value.push(token);
        } else {
            self.value_overflow = true;
        }
        let closed_dict =
            kind == Kind::DictClose && self.depth == 0 && self.value.first().is_some_and(|t| t.kind == Kind::DictOpen);
        if closed_dict {
            self.dict_just_closed = true;
            if self.mode != Mode::Packed && !self.value_overflow {
                self.dict_done();
            }
        }
        closed_dict
    }

    /// A trailer's dictionary, or a cross-reference stream's, says where the document
    /// information is.
    fn dict_done(&mut self) {
        let dict = dict::read(self.buf, &self.value, 0);
        let is_trailer = matches!(self.ctx, Ctx::Trailer) || dict.name_is(b"Type", b"XRef");
        let Some(entry) = dict.get(b"Info").filter(|_| is_trailer) else {
            return;
        };
        match &entry.value {
            Value::Ref(num, gen) => self.out.info.push(InfoAt::Ref(*num, *gen)),
            Value::Dict(tokens) => {
                let span = self.value[tokens.start].span.start..self.value[tokens.end - 1].span.end;
                self.out.info.push(InfoAt::Direct(span));
            }
            _ => {}
        }
    }

    fn object_id(&self) -> Option<(u64, u64)> {
        let [Some(num), Some(gen)] = &self.words else {
            return None;
        };
        word_int(&self.buf[num.clone()]).zip(word_int(&self.buf[gen.clone()]))
    }

    fn end_object(&mut self, end: usize) {
        if let Ctx::Object { id, start } = std::mem::replace(&mut self.ctx, Ctx::None) {
            if self.source == Source::File {
                self.out.objects.push(PlainObject {
                    id,
                    body: start..end.max(start),
                });
            }
        }
    }

    /// A stream starts after `keyword_end`: notes it when it is an object stream or metadata,
    /// and returns where its data ends when that is known.
    fn stream(&mut self, keyword_end: usize) -> Result<Option<usize>, ContentError> {
        let dict = dict::read(self.buf, &self.value, 0);
        let data_start = data_start(self.buf, keyword_end);
        let data_end = data_end(self.buf, data_start, dict.int(b"Length"));
        self.budget.spend(data_end.unwrap_or(self.buf.len()) - data_start)?;
        if dict.name_is(b"Type", b"ObjStm") || dict.get(b"First").is_some() {
            self.out.object_streams.push(ObjStmAt {
                filter: object_stream_filter(self.buf, &self.value, &dict),
                first: dict.int(b"First"),
                data_start,
                data_end,
            });
        } else if dict.name_is(b"Type", b"Metadata") || dict.name_is(b"Subtype", b"XML") {
            if let Some(end) = data_end {
                let filter_entries = dict
                    .entries
                    .iter()
                    .filter(|e| e.is(b"Filter") || e.is(b"DecodeParms"))
                    .map(|e| e.span.clone())
                    .collect();
                self.out.metadata.push(MetadataAt {
                    data: data_start..end,
                    filter_entries,
                });
            }
        }
        Ok(data_end)
    }
}

/// Data starts after the end of the line that holds `stream`.
fn data_start(buf: &[u8], keyword_end: usize) -> usize {
    let Some(eol) = buf[keyword_end..].iter().position(|&b| b == b'\r' || b == b'\n') else {
        return buf.len();
    };
    let at = keyword_end + eol;
    if buf[at..].starts_with(b"\r\n") {
        at + 2
    } else {
        at + 1
    }
}

/// Where a stream's data ends: after `/Length` bytes when `endstream` follows there, else at
/// the first `endstream`.
fn data_end(buf: &[u8], start: usize, length: Option<u64>) -> Option<usize> {
    const END: &[u8] = b"endstream";
    let by_length = length
        .and_then(|l| usize::try_from(l).ok())
        .and_then(|l| start.checked_add(l))
        .filter(|&end| end <= buf.len())
        .filter(|&end| {
            let after = &buf[end..];
            let ws = after.iter().take_while(|&&b| is_whitespace(b)).count();
            after[ws..].starts_with(END)
        });
    by_length.or_else(|| {
        buf[start..]
            .windows(END.len())
            .position(|w| w == END)
            .map(|n| start + n)
    })
}

fn is_flate(value: &Value) -> bool {
    matches!(value, Value::Name(Some(n)) if matches!(n.as_bytes(), b"FlateDecode" | b"Fl"))
}

/// The one encoding of object streams read here: none, or Flate without a predictor.
fn object_stream_filter(buf: &[u8], tokens: &[Token], dict: &Dict) -> Filter {
    let filter = match dict.get(b"Filter").map(|e| &e.value) {
        None => Filter::None,
        Some(v) if is_flate(v) => Filter::Flate,
        Some(Value::Array(range)) => match dict::value_at(buf, tokens, range.start + 1) {
            (v, next) if is_flate(&v) && next + 1 == range.end => Filter::Flate,
            _ => Filter::Unreadable,
        },
        Some(_) => Filter::Unreadable,
    };
    let parms = dict.get(b"DecodeParms").map(|e| e.value.clone());
    let parms = match parms {
        Some(Value::Array(range)) if range.len() == 3 => Some(dict::value_at(buf, tokens, range.start + 1).0),
        other => other,
    };
    let plain_parms = match parms {
        None => true,
        Some(Value::Other) => true, // null
        Some(Value::Dict(range)) => {
            dict::read(buf, tokens, range.start).int(b"Predictor").unwrap_or(1) <= 1
                && dict::read(buf, tokens, range.start)
                    .get(b"Predictor")
                    .is_none_or(|e| matches!(e.value, Value::Int(_)))
        }
        Some(_) => false,
    };
    if plain_parms {
        filter
    } else {
        Filter::Unreadable
    }
}
