"""Image checks and thumbnails with Pillow: only real JPEG, PNG and WebP, never a decompression bomb."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000
THUMB_BOX = (320, 1280)
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ROTATED = {5, 6, 7, 8}


@dataclass(frozen=True)
class ImageInfo:
    """What sniffing learnt: the media type and the size as displayed (EXIF orientation applied)."""

    media_type: str
    width: int
    height: int


def sniff_image(data: bytes) -> ImageInfo | None:
    """Return the image's type and size when the bytes really are a JPEG, PNG or WebP; else None."""
    try:
        with warnings.catch_warnings():
            # Cosmetic warnings (odd EXIF) are ignored in tests and production alike; a bomb is refused.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as probe:
                kind, (width, height) = probe.format, probe.size
                if kind not in MEDIA_TYPES or width * height > MAX_PIXELS:
                    return None
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as image:
                turned = image.getexif().get(0x0112) in ROTATED
                # A JPEG decoded at 1/8 scale still reads every byte, in 1/64 of the memory.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except (Exception, Image.DecompressionBombWarning):
        return None
    return ImageInfo(MEDIA_TYPES[kind], *((height, width) if turned else (width, height)))


def make_thumbnail(data: bytes) -> bytes:
    """Return a JPEG at most 320 px wide, turned upright by its EXIF orientation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as image:
            image.draft("RGB", (THUMB_BOX[1], THUMB_BOX[1]))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail(THUMB_BOX)
            flat = _on_white(upright)
    buffer = io.BytesIO()
    flat.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
