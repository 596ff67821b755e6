//! Small hand-made PDFs, hostile and ordinary, through the whole upload check. They go
//! through `content::sanitize` and read errors as text, as the service does.

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;

use crate::content::sanitize;

/// A PDF of `objects` (numbered from 1; object 1 is the catalog) with a cross-reference
/// table and `trailer_extra` in the trailer.
pub fn pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).expect("write");
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).expect("write");
    for offset in offsets {
        writeln!(out, "{offset:010} 00000 n ").expect("write");
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .expect("write");
    out
}

pub fn obj(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("compress")
}

/// An object stream holding `objects` (number, text), compressed.
pub fn object_stream(dict: &str, objects: &[(u32, &str)]) -> Vec<u8> {
    let mut header = String::new();
    let mut content = String::new();
    for (num, text) in objects {
        header.push_str(&format!("{num} {} ", content.len()));
        content.push_str(text);
        content.push('\n');
    }
    let plain = format!("{header}{content}");
    stream(
        &format!(
            "{dict} /N {} /First {} /Filter /FlateDecode",
            objects.len(),
            header.len()
        ),
        &zlib(plain.as_bytes()),
    )
}

const PAGES: &str = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
const PAGE: &str = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>";

fn page_content() -> Vec<u8> {
    stream("", b"BT /F1 12 Tf 72 712 Td (Lab results) Tj ET")
}

/// A one-page document whose catalog has `catalog_extra`, and more objects from number 5.
fn document(catalog_extra: &str, more: &[Vec<u8>]) -> Vec<u8> {
    let mut objects = vec![
        obj(&format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>")),
        obj(PAGES),
        obj(PAGE),
        page_content(),
    ];
    objects.extend_from_slice(more);
    pdf(&objects, "")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn refusal(bytes: &[u8]) -> String {
    match sanitize(bytes) {
        Ok(_) => panic!("a hostile PDF passed"),
        Err(e) => e.to_string(),
    }
}

fn assert_refused_as_active(bytes: &[u8]) {
    let message = refusal(bytes);
    assert!(
        message.contains("active content") && message.contains("print it to a new PDF"),
        "{message}"
    );
}

#[test]
fn javascript_in_a_plain_object_is_refused() {
    let doc = document(
        "/OpenAction 5 0 R",
        &[obj("<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>")],
    );
    assert_refused_as_active(&doc);
    let named = document(
        "/Names << /JavaScript 5 0 R >>",
        &[obj("<< /Names [(a) << /S /JavaScript /JS 6 0 R >>] >>")],
    );
    assert_refused_as_active(&named);
}

#[test]
fn hex_escaped_names_are_read_as_readers_read_them() {
    let doc = document(
        "/OpenAction 5 0 R",
        &[obj("<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")],
    );
    assert_refused_as_active(&doc);
    let launch = document("", &[obj("<< /S /#4C#61#75#6E#63#68 /F (calc.exe) >>")]);
    assert_refused_as_active(&launch);
}

#[test]
fn javascript_inside_a_compressed_object_stream_is_refused() {
    let widths = format!("[{}]", "600 ".repeat(100));
    let packed = object_stream(
        "/Type /ObjStm",
        &[(6, "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), (7, &widths)],
    );
    assert!(!contains(&packed, b"JavaScript"), "compressed: not visible in the file");
    assert_refused_as_active(&document("/OpenAction 6 0 R", &[packed]));
    // A reader takes any stream an xref stream points at, whatever its /Type says.
    let untyped = object_stream("/Type /XObject", &[(6, "<< /S /Launch /F (x) >>")]);
    assert_refused_as_active(&document("", &[untyped]));
    let escaped = object_stream("/Type /Obj#53tm", &[(6, "<< /JS (x) >>")]);
    assert_refused_as_active(&document("", &[escaped]));
}

#[test]
fn launch_embedded_files_and_additional_actions_are_refused() {
    for doc in [
        document(
            "",
            &[obj(
                "<< /Type /Annot /Subtype /Link /A << /S /Launch /F (cmd.exe) >> >>",
            )],
        ),
        document(
            "/Names << /EmbeddedFiles << /Names [(invoice.pdf.exe) 5 0 R] >> >>",
            &[obj("<< /Type /Filespec /F (x) >>")],
        ),
        document("", &[stream("/Type /EmbeddedFile", b"MZ\x90\x00")]),
        document("", &[obj("<< /Type /Annot /Subtype /FileAttachment /FS 6 0 R >>")]),
        document("/AA << /WC << /S /GoTo /D [3 0 R /Fit] >> >>", &[]),
        document("/AcroForm << /XFA 5 0 R >>", &[stream("", b"<xdp/>")]),
        document("", &[obj("<< /S /SubmitForm /F (https://example.invalid/) >>")]),
        document("", &[obj("<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>")]),
        document("", &[obj("<< /Type /Annot /Subtype /RichMedia >>")]),
    ] {
        assert_refused_as_active(&doc);
    }
}

#[test]
fn an_opening_action_may_only_show_a_page() {
    assert_refused_as_active(&document(
        "/OpenAction << /S /URI /URI (https://example.invalid/) >>",
        &[],
    ));
    assert_refused_as_active(&document("/OpenAction 5 0 R", &[obj("<< /S /Named /N /Print >>")]));
    assert_refused_as_active(&document(
        "/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>",
        &[obj("<< /S /URI /URI (x) >>")],
    ));
    for ordinary in [
        document("/OpenAction [3 0 R /Fit]", &[]),
        document("/OpenAction 5 0 R", &[obj("[3 0 R /XYZ 0 792 1]")]),
        document("/OpenAction << /S /GoTo /D [3 0 R /Fit] >>", &[]),
    ] {
        assert!(sanitize(&ordinary).is_ok());
    }
}

#[test]
fn an_object_hidden_in_another_streams_data_is_found() {
    // The cross-reference table can point into a stream's data; readers then parse the
    // object found there.
    let mut image = vec![0xFF, 0xD8, 0xFF, 0xE0];
    image.extend_from_slice(b"\n9 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj\n");
    image.extend_from_slice(&[0xFF, 0xD9]);
    let doc = document(
        "",
        &[stream("/Type /XObject /Subtype /Image /Filter /DCTDecode", &image)],
    );
    assert_refused_as_active(&doc);
    // Or into a string.
    let doc = document("", &[obj("<< /Note (\n9 0 obj << /AA << >> >> endobj) >>")]);
    assert_refused_as_active(&doc);
}

#[test]
fn encrypted_pdfs_are_refused() {
    let mut doc = document("", &[obj("<< /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>")]);
    let at = doc.windows(7).rposition(|w| w == b"/Root 1").expect("trailer");
    doc.splice(at..at, b"/Encrypt 5 0 R ".iter().copied());
    let message = refusal(&doc);
    assert!(message.contains("password or encryption"), "{message}");
}

#[test]
fn object_streams_that_cannot_be_read_are_refused() {
    for filter in [
        "/LZWDecode",
        "[/ASCIIHexDecode /FlateDecode]",
        "/FlateDecode /DecodeParms << /Predictor 12 >>",
        "7 0 R",
    ] {
        let doc = document(
            "",
            &[stream(
                &format!("/Type /ObjStm /N 1 /First 4 /Filter {filter}"),
                b"\x00\x01",
            )],
        );
        let message = refusal(&doc);
        assert!(message.contains("cannot check"), "{filter}: {message}");
    }
}

#[test]
fn an_ordinary_pdf_passes_without_its_author() {
    let xmp = b"<?xpacket begin=''?><x:xmpmeta><dc:creator>Jane Q. Patient</dc:creator></x:xmpmeta><?xpacket end='w'?>";
    let doc = pdf(
        &[
            obj("<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R /OpenAction [3 0 R /Fit] >>"),
            obj(PAGES),
            obj(PAGE),
            page_content(),
            obj("<< /Author (Jane Q. Patient) /Creator <4A616E65> /Producer (Office \\(tm\\) 2024) /Title (My results) /CreationDate (D:20250101120000Z) /Trapped /False >>"),
            stream("/Type /Metadata /Subtype /XML", xmp),
            stream("/Type /Metadata /Subtype /XML /Filter /FlateDecode", &zlib(xmp)),
        ],
        "/Info 5 0 R /ID [<0123> <4567>]",
    );
    let clean = sanitize(&doc).expect("an ordinary PDF passes").bytes;
    assert_eq!(clean.len(), doc.len(), "nothing moves");
    for gone in [
        &b"Jane"[..],
        b"4A616E65",
        b"Office",
        b"My results",
        b"D:2025",
        b"dc:creator",
    ] {
        assert!(
            contains(&doc, gone) && !contains(&clean, gone),
            "{}",
            String::from_utf8_lossy(gone)
        );
    }
    assert!(contains(&clean, format!("/Author ({})", " ".repeat(15)).as_bytes()));
    assert!(contains(&clean, b"/Creator <20202020>"));
    assert!(contains(&clean, b"/Trapped /False"));
    assert!(contains(&clean, b"(Lab results) Tj"), "the page is untouched");
    assert!(
        !contains(&clean, b"/FlateDecode"),
        "the compressed metadata is now plain spaces"
    );
    let differing: Vec<usize> = (0..doc.len()).filter(|&i| doc[i] != clean[i]).collect();
    let info = find(&doc, b"5 0 obj");
    let first_metadata = find(&doc, b"6 0 obj");
    assert!(differing.iter().all(|&i| i > info), "only the metadata changed");
    assert!(differing.iter().any(|&i| i > first_metadata));
    assert_eq!(
        sanitize(&clean).expect("again").bytes,
        clean,
        "a clean file stays as it is"
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("present")
}

const PACKED_INFO: &str =
    "<< /Author (Jane Q. Patient) /Producer (Some Office Suite 2024) /CreationDate (D:20250101120000Z) >>";

/// A document whose information dictionary is inside a compressed object stream.
pub fn with_packed_metadata() -> Vec<u8> {
    let packed = object_stream(
        "/Type /ObjStm",
        &[
            (6, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
            (7, PACKED_INFO),
        ],
    );
    pdf(
        &[
            obj("<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"),
            obj(PAGES),
            obj(PAGE),
            page_content(),
            packed,
        ],
        "/Info 7 0 R",
    )
}

#[test]
fn metadata_inside_a_compressed_object_stream_is_blanked() {
    let doc = with_packed_metadata();
    let clean = sanitize(&doc).expect("passes").bytes;
    assert_eq!(clean.len(), doc.len());
    let data = |pdf: &[u8]| {
        let dict = find(pdf, b"/Type /ObjStm");
        let start = dict + find(&pdf[dict..], b"stream\n") + 7;
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&pdf[start..]), &mut out).expect("valid zlib");
        out
    };
    let (before, after) = (data(&doc), data(&clean));
    assert!(contains(&before, b"Jane Q. Patient"));
    let mut expected = String::from_utf8(before.clone()).expect("text");
    for value in ["Jane Q. Patient", "Some Office Suite 2024", "D:20250101120000Z"] {
        expected = expected.replace(value, &" ".repeat(value.len()));
    }
    assert_eq!(
        &after[..before.len()],
        expected.as_bytes(),
        "the same objects at the same offsets, blanked"
    );
    assert!(
        after[before.len()..].iter().all(|&b| b == b' '),
        "padding after the last object"
    );
    assert_eq!(sanitize(&clean).expect("again").bytes, clean);
}

#[test]
fn ordinary_content_is_not_mistaken_for_active_content() {
    // Binary image data may hold the bytes "/JS " by chance; only objects are read.
    let mut image = vec![0xFF, 0xD8];
    image.extend_from_slice(b"\x12/JS /AA (x) /Launch\x00\x9F");
    image.extend_from_slice(&[0xFF, 0xD9]);
    let doc = document(
        "/Outlines 6 0 R",
        &[
            stream(
                "/Type /XObject /Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode",
                &image,
            ),
            obj("<< /Title (How /JavaScript and /Launch are written) >>"),
            obj("<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://example.org/) >> >>"),
        ],
    );
    let clean = sanitize(&doc).expect("passes").bytes;
    assert_eq!(clean, doc, "nothing to blank");
}

/// Real PDFs from a folder (`PDF_CORPUS_IN`), cleaned into `PDF_CORPUS_OUT`, to look at with
/// other readers: `PDF_CORPUS_IN=… PDF_CORPUS_OUT=… cargo test … -- --ignored corpus`.
#[test]
#[ignore = "needs a folder of PDFs"]
fn corpus() {
    let (Ok(input), Ok(output)) = (std::env::var("PDF_CORPUS_IN"), std::env::var("PDF_CORPUS_OUT")) else {
        return;
    };
    for entry in std::fs::read_dir(input).expect("folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let started = std::time::Instant::now();
        let result = sanitize(&bytes);
        eprintln!(
            "{}: {:?} in {:?}",
            path.display(),
            result.as_ref().map(|s| s.bytes.len()),
            started.elapsed()
        );
        if let Ok(clean) = result {
            let name = path.file_name().expect("name");
            std::fs::write(std::path::Path::new(&output).join(name), clean.bytes).expect("write");
        }
    }
}
