//! `get_image_metadata(path, allow_missing?)`: a local image's size and
//! format, read from its header (and its EXIF block) without decoding it,
//! answered as Zola 0.23 answers: `{width, height, format, mime,
//! description, created}`.

use std::collections::HashMap;
use std::io::Seek;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::files::inside_site;
use crate::lookup::Lookup;

const NAME: &str = "`get_image_metadata`";

pub struct GetImageMetadata {
    lookup: Arc<Lookup>,
    /// By the path as found: a listing that shows the same thumbnail on
    /// every card reads its header once.
    read: Mutex<HashMap<PathBuf, Value>>,
}

impl GetImageMetadata {
    pub fn new(lookup: Arc<Lookup>) -> Self {
        Self {
            lookup,
            read: Mutex::new(HashMap::new()),
        }
    }

    /// Where Zola looks: the site's folder, then `static/`, then `content/`;
    /// `@/` names a file of `content/`.
    fn find(&self, path: &str) -> TeraResult<Option<PathBuf>> {
        let relative = match path.strip_prefix("@/") {
            Some(in_content) => format!("content/{in_content}"),
            None => path.trim_start_matches('/').to_owned(),
        };
        let in_site = inside_site(NAME, &self.lookup, &relative)?;
        if in_site.is_file() {
            return Ok(Some(in_site));
        }
        let elsewhere = [
            self.lookup.static_dir.join(&relative),
            self.lookup.root.join("content").join(&relative),
        ];
        Ok(elsewhere.into_iter().find(|candidate| candidate.is_file()))
    }
}

impl Function<TeraResult<Value>> for GetImageMetadata {
    fn call(&self, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let allow_missing = kwargs.get::<bool>("allow_missing")?.unwrap_or(false);
        let Some(found) = self.find(path)? else {
            if allow_missing {
                return Ok(Value::none());
            }
            return Err(Error::message(format!("{NAME}: Cannot find path: {path}")));
        };
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = read.get(&found) {
            return Ok(known.clone());
        }
        let metadata = ImageMetadata::read(&found).map_err(|why| {
            Error::message(format!(
                "{NAME}: Failed to read image metadata: {}: {why}",
                found.display()
            ))
        })?;
        let value = Value::from_serializable(&metadata);
        read.insert(found, value.clone());
        Ok(value)
    }
}

/// Zola's answer, field for field and in its order.
#[derive(Debug, PartialEq, Eq, Serialize)]
struct ImageMetadata {
    width: u32,
    height: u32,
    format: Option<&'static str>,
    mime: Option<&'static str>,
    description: Option<String>,
    created: Option<String>,
}

impl ImageMetadata {
    fn read(path: &Path) -> Result<Self, String> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        // As Zola: an SVG by its extension (its size is in its attributes).
        if extension == "svg" {
            return Self::svg(path);
        }
        // The header and the EXIF block only: a photo may be megabytes.
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let mut file = std::io::BufReader::new(file);
        let kind = imagesize::reader_type(&mut file).map_err(|e| e.to_string())?;
        let (format, mime) = names(&kind).ok_or("The image format could not be determined")?;
        file.rewind().map_err(|e| e.to_string())?;
        let size = imagesize::reader_size(&mut file).map_err(|e| e.to_string())?;
        let (width, height) = (dimension(size.width)?, dimension(size.height)?);
        file.rewind().map_err(|e| e.to_string())?;
        let exif = exif::Reader::new().read_from_container(&mut file).ok();
        let field = |tag| exif.as_ref()?.get_field(tag, exif::In::PRIMARY);
        let text = |tag| match &field(tag)?.value {
            exif::Value::Ascii(lines) => lines
                .first()
                .map(|line| String::from_utf8_lossy(line).into_owned()),
            _ => None,
        };
        // Orientations 5 to 8 turn the picture a quarter: it shows the other way round.
        let turned = field(exif::Tag::Orientation)
            .and_then(|f| f.value.get_uint(0))
            .is_some_and(|orientation| (5..=8).contains(&orientation));
        let (width, height) = if turned {
            (height, width)
        } else {
            (width, height)
        };
        Ok(Self {
            width,
            height,
            format: Some(format),
            mime: Some(mime),
            description: text(exif::Tag::ImageDescription),
            created: text(exif::Tag::DateTimeOriginal),
        })
    }

    fn svg(path: &Path) -> Result<Self, String> {
        let svg = svg_metadata::Metadata::parse_file(path).map_err(|e| e.to_string())?;
        let (width, height) = match (svg.width(), svg.height(), svg.view_box()) {
            (Some(width), Some(height), _) => (width, height),
            (_, _, Some(view_box)) => (view_box.width, view_box.height),
            _ => return Err("Invalid dimensions: SVG width/height and viewbox not set.".into()),
        };
        // Zola truncates the lengths to whole pixels.
        Ok(Self {
            width: width as u32,
            height: height as u32,
            format: Some("svg"),
            mime: Some("text/svg+xml"),
            description: None,
            created: None,
        })
    }
}

fn dimension(pixels: usize) -> Result<u32, String> {
    u32::try_from(pixels).map_err(|_| format!("{pixels} pixels is not an image's size"))
}

/// The extension and MIME type Zola's image library gives each format.
fn names(kind: &imagesize::ImageType) -> Option<(&'static str, &'static str)> {
    use imagesize::ImageType;
    Some(match kind {
        ImageType::Png => ("png", "image/png"),
        ImageType::Jpeg => ("jpg", "image/jpeg"),
        ImageType::Gif => ("gif", "image/gif"),
        ImageType::Webp => ("webp", "image/webp"),
        ImageType::Bmp => ("bmp", "image/bmp"),
        ImageType::Ico => ("ico", "image/x-icon"),
        ImageType::Tiff => ("tiff", "image/tiff"),
        ImageType::Tga => ("tga", "image/x-targa"),
        ImageType::Qoi => ("qoi", "image/x-qoi"),
        ImageType::Exr => ("exr", "image/x-exr"),
        ImageType::Hdr => ("hdr", "image/vnd.radiance"),
        ImageType::Farbfeld => ("ff", "application/octet-stream"),
        ImageType::Dds => ("dds", "image/vnd-ms.dds"),
        ImageType::Pnm => ("pbm", "image/x-portable-anymap"),
        ImageType::Heif(imagesize::Compression::Av1) => ("avif", "image/avif"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, call, site};

    /// The 1×1 PNG every PNG encoder writes for one black pixel, cut to its header.
    const PNG_HEADER: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0,
        0, 0x01, 0x2c, 0, 0, 0, 0xc8, 8, 2, 0, 0, 0,
    ];

    fn path(path: &str) -> Kwargs {
        Kwargs::from([("path", path.into())])
    }

    #[test]
    fn a_png_answers_its_size_and_format_and_no_text() {
        let (_dir, lookup) = site();
        std::fs::write(lookup.static_dir.join("wide.png"), PNG_HEADER).unwrap();
        let metadata = call(&GetImageMetadata::new(lookup), path("wide.png"), None).unwrap();
        let expected = ImageMetadata {
            width: 300,
            height: 200,
            format: Some("png"),
            mime: Some("image/png"),
            description: None,
            created: None,
        };
        assert_eq!(metadata, Value::from_serializable(&expected));
    }

    #[test]
    fn an_image_is_read_once_however_often_it_is_asked_for() {
        let (_dir, lookup) = site();
        let file = lookup.static_dir.join("wide.png");
        std::fs::write(&file, PNG_HEADER).unwrap();
        let function = GetImageMetadata::new(lookup);
        let first = call(&function, path("wide.png"), None).unwrap();
        std::fs::remove_file(&file).unwrap();
        std::fs::write(&file, b"no longer an image").unwrap();
        assert_eq!(call(&function, path("wide.png"), None).unwrap(), first);
    }

    #[test]
    fn a_missing_image_is_refused_unless_allowed() {
        let (_dir, lookup) = site();
        let function = GetImageMetadata::new(lookup);
        let allowed = Kwargs::from([("path", "none.png".into()), ("allow_missing", true.into())]);
        assert_eq!(call(&function, allowed, None).unwrap(), Value::none());
        assert_errors(
            &function,
            [(
                path("none.png"),
                "`get_image_metadata`: Cannot find path: none.png",
            )],
        );
    }

    #[test]
    fn what_is_not_an_image_or_not_in_the_site_is_refused() {
        let (_dir, lookup) = site();
        assert_errors(
            &GetImageMetadata::new(lookup),
            [
                (path("site.css"), "Failed to read image metadata"),
                (path("../secret.txt"), "is not inside the site's folder"),
                (path("/etc/hostname"), "Cannot find path"),
            ],
        );
    }
}
