"""Officers' photos: resized and stored by the centre, handed to the boards on request.

A photo is stored once, resized to at most :data:`PHOTO_SIZE` and re-encoded as JPEG,
next to the centre file (``photos/<officer id>.jpg``), so a 5 MB phone picture never
travels to a board. Boards ask the hub with the ``officer.photo`` query; nothing of
officers but their id (in events) and name (in the province's reports, from the
centre's own export) goes upward.

    python -m motcua.hub.officers config/centre.toml cb01 ~/Pictures/ha.jpg

prints the ``photo = "photos/cb01.jpg"`` line to put in the officer's block.
"""

from __future__ import annotations

import argparse
import base64
import io
import logging
import sys
from pathlib import Path
from typing import Any

from motcua.core.centre.model import Centre
from motcua.core.state import DayState
from motcua.hub.domain.errors import refuse

log = logging.getLogger(__name__)

PHOTO_SIZE = (240, 320)
"""Largest stored photo, width × height in pixels (a 3:4 portrait, enough for a board)."""
MAX_INPUT_BYTES = 20 * 1024 * 1024


class PhotoError(ValueError):
    """A photo that cannot be stored, in words (Vietnamese / English)."""


def store_photo(source: Path, config_dir: Path, officer_id: str) -> str:
    """Resize ``source`` into ``config_dir/photos/<officer_id>.jpg``; return that relative path."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        data = source.read_bytes()
    except OSError as exc:
        raise PhotoError(f"không đọc được ảnh {source}: {exc.strerror} / "
                         f"cannot read the photo {source}: {exc.strerror}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise PhotoError(f"ảnh quá lớn ({len(data) // 1_048_576} MB, tối đa 20 MB) / "
                         "the photo is too large (at most 20 MB)")
    try:
        with Image.open(io.BytesIO(data)) as img:
            picture = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError):
        raise PhotoError(f"{source.name} không phải ảnh JPEG/PNG / is not a JPEG/PNG image"
                         ) from None
    picture = ImageOps.fit(picture, PHOTO_SIZE) if _portrait_crop(picture.size) else picture
    picture.thumbnail(PHOTO_SIZE)
    rel = Path("photos") / f"{officer_id}.jpg"
    target = config_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    picture.save(tmp, "JPEG", quality=85, optimize=True)
    tmp.replace(target)  # a board never reads half a file
    log.info("stored photo of %s: %s (%dx%d)", officer_id, target, *picture.size)
    return rel.as_posix()


def _portrait_crop(size: tuple[int, int]) -> bool:
    """Crop to 3:4 when the picture is wider than that (a landscape snapshot)."""
    w, h = size
    return w * PHOTO_SIZE[1] > h * PHOTO_SIZE[0]


def photo_reply(centre: Centre, config_dir: Path | None, body: dict[str, Any], *,
                seated_only: bool = False, state: DayState | None = None) -> dict[str, Any]:
    """The ``officer.photo`` query: what a board shows of one officer (name, title and the
    stored JPEG/PNG, base64). A board (``seated_only``) learns it only for an officer
    signed in at a counter now: what the counter shows the public anyway."""
    officer_id = str(body.get("officer", ""))
    officer = next((o for o in centre.officers if o.id == officer_id), None)
    seated = state is not None and any(c.officer == officer_id and c.status != "closed"
                                       for c in state.counters.values())
    if officer is None or (seated_only and not seated):
        raise refuse("unknown_officer", f"Cán bộ {officer_id!r} không làm việc ở quầy nào",
                     f"Officer {officer_id!r} is not signed in at a counter")
    card = {"officer": officer_id, "name": officer.name, "title": officer.title}
    if not officer.photo or config_dir is None:
        return {**card, "photo": None}
    path = config_dir / officer.photo
    try:
        data = path.read_bytes()
    except OSError:
        log.warning("photo of %s missing: %s", officer_id, path)
        return {**card, "photo": None}
    return {**card, "photo": base64.b64encode(data).decode("ascii")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m motcua.hub.officers",
                                description="Lưu ảnh cán bộ (thu nhỏ) / store an officer's photo")
    p.add_argument("config", help="centre.toml")
    p.add_argument("officer", help="mã cán bộ / officer id, e.g. cb01")
    p.add_argument("image", help="ảnh JPEG/PNG / the picture")
    args = p.parse_args(argv)
    try:
        rel = store_photo(Path(args.image), Path(args.config).resolve().parent, args.officer)
    except PhotoError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f'photo = "{rel}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
