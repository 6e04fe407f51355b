"""Image checks and thumbnails with Pillow: only real JPEG, PNG and WebP, decoded in bounded memory."""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image

from .decode_budget import PROCESS_BUDGET

# A 50 Mpx phone sensor's full-size shot is 8160×6120 (49.9 Mpx); 200 Mpx sensors bin to 50 Mpx by default.
# Phones do not shoot WebP, and Pillow holds 16 bytes a WebP pixel while decoding: half the pixels.
MAX_PIXELS = {"JPEG": 52_000_000, "PNG": 52_000_000, "WEBP": 26_000_000}
# Bytes a decode holds per pixel (measured with Pillow 13): a JPEG is drafted to 1/2–1/8 scale, but a
# progressive one keeps every DCT coefficient (2 bytes per component); Pillow stores 1, 2 or 4 bytes a pixel.
JPEG_BYTES = {"baseline": 1, "progressive per component": 2}
PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2}
WEBP_BYTES = 16
STRIP_ROWS = 256
THUMB_BOX = (320, 1280)
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# EXIF orientation → the turn that makes the picture upright; 5 to 8 swap width and height.
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
ROTATED = {5, 6, 7, 8}
# The first bytes of each accepted type, at their offsets, to refuse a resumable upload at its first chunk.
SIGNATURES = (((0, b"\xff\xd8\xff"),), ((0, b"\x89PNG\r\n\x1a\n"),), ((0, b"RIFF"), (8, b"WEBP")))


class NotAPhoto(Exception):
    """The bytes are not a JPEG, PNG or WebP that decodes completely."""


class TooManyPixels(Exception):
    """The image declares more than MAX_PIXELS: refused from its header, before any decoding."""


@dataclass(frozen=True)
class ImageInfo:
    """What checking learnt: the media type and the size as displayed (EXIF orientation applied)."""

    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class CheckedImage:
    """A photo that decoded completely, with the thumbnail made in that same decode."""

    info: ImageInfo
    thumbnail: bytes


def check_image(data: bytes) -> CheckedImage:
    """Decode the bytes once, within the process's decode budget, to prove them whole and make a thumbnail."""
    kind, width, height, cost = _header(data)
    with PROCESS_BUDGET.hold(cost):
        try:
            with _quiet(), Image.open(io.BytesIO(data), formats=[kind]) as image:
                orientation = image.getexif().get(0x0112)
                thumbnail = _thumbnail(image, orientation)
        except Exception as error:
            raise NotAPhoto(str(error)) from None
    upright = (height, width) if orientation in ROTATED else (width, height)
    return CheckedImage(ImageInfo(MEDIA_TYPES[kind], *upright), thumbnail)


def make_thumbnail(data: bytes) -> bytes:
    """Return a JPEG at most 320 px wide, turned upright by its EXIF orientation."""
    return check_image(data).thumbnail


def looks_like_image_start(head: bytes) -> bool:
    """Tell whether the first bytes of an upload can begin a JPEG, PNG or WebP."""
    return any(_fits(head, signature) for signature in SIGNATURES)


def _header(data: bytes) -> tuple[str, int, int, int]:
    """Return (format, width, height, decode cost in bytes) from the header alone; check PNG CRCs."""
    try:
        with _quiet(), Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as probe:
            kind, (width, height) = probe.format, probe.size
            if width * height > MAX_PIXELS[kind]:
                raise TooManyPixels()
            cost = width * height * _bytes_per_pixel(probe)
            probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels() from None
    except TooManyPixels:
        raise
    except Exception as error:
        raise NotAPhoto(str(error)) from None
    return kind, width, height, cost


def _bytes_per_pixel(probe: Image.Image) -> int:
    if probe.format == "WEBP":
        return WEBP_BYTES
    if probe.format == "JPEG":
        if probe.info.get("progressive"):
            return JPEG_BYTES["progressive per component"] * len(probe.getbands())
        return JPEG_BYTES["baseline"]
    return PIXEL_BYTES.get(probe.mode, 4)


def _thumbnail(image: Image.Image, orientation: int | None) -> bytes:
    box_width, box_height = (THUMB_BOX[1], THUMB_BOX[0]) if orientation in ROTATED else THUMB_BOX
    scale = min(1.0, box_width / image.width, box_height / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # A JPEG is drafted to 1/2–1/8 scale (still ≥ 2× the thumbnail) before loading: every byte is
    # decoded, in up to 64 times less memory. PNG and WebP are decoded whole.
    image.draft(None, (size[0] * 2, size[1] * 2))
    image.load()
    image = _reduced(image, min(image.width // (size[0] * 2), image.height // (size[1] * 2)))
    image.thumbnail(size)
    if orientation in UPRIGHT:
        image = image.transpose(UPRIGHT[orientation])
    flat = _on_white(image)
    buffer = io.BytesIO()
    flat.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def _reduced(image: Image.Image, factor: int) -> Image.Image:
    """Shrink by a whole factor; with alpha, by strips (Pillow premultiplies a copy of what it reduces)."""
    if factor < 2 or image.mode not in ("RGB", "RGBA", "LA", "L"):
        return image
    if image.mode not in ("RGBA", "LA"):
        return image.reduce(factor)
    width, height = image.size
    rows = STRIP_ROWS // factor * factor or factor
    small = Image.new(image.mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(top + rows, height)))
        small.paste(strip.reduce(factor), (0, top // factor))
    return small


@contextmanager
def _quiet():
    # Cosmetic warnings (odd EXIF) are ignored in tests and production alike; a bomb is refused.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _fits(head: bytes, signature: tuple[tuple[int, bytes], ...]) -> bool:
    # A head shorter than the signature fits when what it has agrees.
    return all(head[at : at + len(part)] == part[: max(0, len(head) - at)] for at, part in signature)


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
