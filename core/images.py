"""Lead images: checked by their content before anything is stored (decoded to the end, so
a file cut short is refused), stored without their metadata under the extension of their
kind in Django's default storage (STORAGES["default"]: the media folder, or S3 through
django-storages), and resized on upload to a few widths for `srcset`."""

import io
import posixpath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024
MIN_WIDTH = 400
MAX_PIXELS = 40_000_000  # checked from the header: decoding one takes about 5 bytes a pixel
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # kind: the extension it is stored under
WIDTHS = (400, 800, 1600)


def validate_lead_image(file):
    """Type by content (Pillow reads and verifies it; the name proves nothing), size in
    bytes and pixels (from the header, before decoding), then decoded to the end: JPEG's
    verify reads only its headers, and a file cut short would fail when it is resized.
    Raises ValidationError with a message in plain words."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    if file.size > MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the largest allowed is %(max)s. Save it smaller."),
            code="image_too_large",
            params={"size": filesizeformat(file.size), "max": filesizeformat(MAX_BYTES)},
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _(
                        "The image has %(megapixels)s megapixels (%(width)s × %(height)s); the "
                        "largest allowed is %(max)s. Save it smaller."
                    ),
                    code="image_too_many_pixels",
                    params={
                        "megapixels": number_format(width * height / 1e6, 1),
                        "width": width,
                        "height": height,
                        "max": MAX_PIXELS // 1_000_000,
                    },
                )
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The file is not an image that can be read. Upload a JPEG, PNG or WebP image."),
            code="image_unreadable",
        ) from None
    finally:
        file.seek(0)
    if kind not in FORMATS:
        raise ValidationError(
            _("Images of the kind %(kind)s cannot be used. Upload a JPEG, PNG or WebP image."),
            code="image_format",
            params={"kind": kind},
        )
    if width < MIN_WIDTH:
        raise ValidationError(
            _("The image is %(width)s pixels wide; it needs to be at least %(min)s."),
            code="image_too_narrow",
            params={"width": width, "min": MIN_WIDTH},
        )
    # Decoded to the end whatever another library set process-wide (WeasyPrint, imported
    # for the PDFs, makes Pillow accept files cut short).
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(file) as image:
            image.draft(image.mode, (MIN_WIDTH, MIN_WIDTH))  # JPEG: decoded at a fraction
            image.load()
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _(
                "The image could not be read to the end: the file is damaged or incomplete. "
                "Save or export it again and upload it."
            ),
            code="image_damaged",
        ) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
        file.seek(0)


def cleaned_original(file):
    """The image to store and the extension of its kind: turned as its EXIF orientation
    says and saved again in its own kind without metadata (EXIF with the place and the
    camera, XMP, comments), keeping only its colour profile."""
    from PIL import Image, ImageOps

    file.seek(0)
    with Image.open(file) as original:
        kind, profile = original.format, original.info.get("icc_profile")
        out = io.BytesIO()
        ImageOps.exif_transpose(original).save(
            out, kind, quality=90, **({"icc_profile": profile} if profile else {})
        )
    file.seek(0)
    return ContentFile(out.getvalue()), FORMATS[kind]


def make_renditions(field_file):
    """Smaller copies (WebP) at the widths below the original's, stored beside it:
    [{"width", "height", "name"}], narrowest first."""
    from PIL import Image, ImageOps

    storage = field_file.storage
    stem = posixpath.splitext(field_file.name)[0]
    renditions = []
    field_file.open("rb")
    try:
        with Image.open(field_file) as original:
            image = ImageOps.exif_transpose(original)  # stored turned already; older files not
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            for width in WIDTHS:
                if width >= image.width:
                    break
                height = round(image.height * width / image.width)
                out = io.BytesIO()
                image.resize((width, height), Image.Resampling.LANCZOS).save(
                    out, "WEBP", quality=82
                )
                name = storage.save(f"{stem}-{width}w.webp", ContentFile(out.getvalue()))
                renditions.append({"width": width, "height": height, "name": name})
    except BaseException:
        delete_files(storage, [r["name"] for r in renditions])
        raise
    finally:
        field_file.close()
    return renditions


def delete_files(storage, names):
    for name in names:
        storage.delete(name)
