"""The public site's demo: the editorial accounts in their groups, three stories, the Circular Letter resource
and the standard pages, each published in Bahasa Indonesia and English. Idempotent: pages are found by their
slug under their parent and left alone when they exist.

Images are drawn here with Pillow (abstract landscapes, never a photo of a child); the resource's PDF is a
tiny hand-written PDF file."""

import datetime
import io
import math
import random

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Locale

from . import demo_content as content
from .models import ResourcePage, StandardPage, StoryIndexPage, StoryPage, StoryPartner, Theme
from .services import EDITORS, MODERATORS, cms_setup, page_publish, page_translate, site_follow_base_url


def draw_landscape(seed: str, accent: tuple[int, int, int], size=(1200, 675)) -> bytes:
    """An abstract landscape: a sky gradient, a sun, layered hills and field lines. PNG bytes."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    rng = random.Random(seed)
    width, height = size
    img = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(img)
    top, bottom = (30, 58, 95), (250, 214, 165)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(top[i] + (bottom[i] - top[i]) * t) for i in range(3)))
    sun_x, sun_y, r = rng.randint(width // 5, 4 * width // 5), rng.randint(height // 6, height // 3), 70
    draw.ellipse([sun_x - r, sun_y - r, sun_x + r, sun_y + r], fill=(255, 236, 179))
    for layer in range(4):
        base = int(height * (0.45 + layer * 0.13))
        amp, freq, phase = rng.randint(20, 60), rng.uniform(1.0, 2.5), rng.uniform(0, math.pi)
        shade = tuple(max(0, min(255, int(c * (0.55 + layer * 0.18)))) for c in accent)
        points = [(0, height)]
        for x in range(0, width + 1, 20):
            points.append((x, base + amp * math.sin(freq * x / width * math.pi * 2 + phase)))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    for i in range(8):
        y = int(height * 0.86) + i * 12
        draw.line([(0, y), (width, y - 40)], fill=tuple(min(255, c + 40) for c in accent), width=2)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with Helvetica text, written by hand (no library needed)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream_lines = ["BT", "/F1 12 Tf", "15 TL", "60 780 Td"]
    for line in lines:
        stream_lines.append(f"({escape(line)}) Tj T*")
    stream_lines.append("ET")
    stream = "\n".join(stream_lines).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _image(key: str, title: str, accent) -> Image:
    image = Image.objects.filter(title=title).first()
    if image is None:
        png = draw_landscape(key, accent)
        image = Image(title=title, file=ImageFile(io.BytesIO(png), name=f"pelita-{key}.png"))
        image.save()
    return image


def _document() -> Document:
    title = "Ringkasan SE Gubernur NTB 400/10/BP3AKB (2017)"
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(
            "ringkasan-se-gubernur-ntb-400-10-bp3akb-2017.pdf",
            ContentFile(tiny_pdf(content.PDF_LINES)),
            save=False,
        )
        document.save()
    return document


def _child(parent, model, slug):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _add(parent, page, user):
    parent.add_child(instance=page)
    return page_publish(page=page, user=user)


def _translate(page, language, fields, user):
    translated = page.get_translations().filter(locale__language_code=language).first()
    if translated is not None:
        return translated.specific
    translated = page_translate(page=page, language=language, user=user, **fields)
    return page_publish(page=translated, user=user)


def _editorial_accounts(users: dict) -> tuple:
    editor, moderator = users.get("editor"), users.get("moderator")
    if editor is not None:
        editor.groups.add(Group.objects.get(name=EDITORS))
    if moderator is not None:
        moderator.groups.add(Group.objects.get(name=MODERATORS), Group.objects.get(name=EDITORS))
    return editor, moderator


@transaction.atomic
def seed(context: dict) -> dict:
    home = cms_setup()
    site_follow_base_url()
    editor, moderator = _editorial_accounts(context.get("users", {}))
    publisher = moderator
    en = Locale.objects.get(language_code="en")
    home_en = home.get_translation(en).specific

    for page, language in ((home, "id"), (home_en, "en")):
        if not page.body:
            page.body = content.HOME_BODY[language]
            page_publish(page=page, user=publisher)

    index = _child(home, StoryIndexPage, content.STORY_INDEX["id"]["slug"])
    if index is None:
        index = _add(home, StoryIndexPage(**content.STORY_INDEX["id"]), publisher)
    _translate(index, "en", content.STORY_INDEX["en"], publisher)

    areas = context.get("areas", {})
    from portal.areas.models import Area

    stories = []
    for story in content.STORIES:
        text = story["id"]
        page = _child(index, StoryPage, text["slug"])
        if page is None:
            key, title, accent = story["image"]
            image = _image(key, title, accent)
            area = areas.get(story["area"]) or Area.objects.filter(code=story["area"]).first()
            page = StoryPage(
                title=text["title"],
                slug=text["slug"],
                summary=text["summary"],
                date=datetime.date(*story["date"]),
                area=area,
                image=image,
                image_alt=text["alt"],
                body=text["body"],
                owner=editor,
            )
            page.themes = list(Theme.objects.filter(slug__in=story["themes"]))
            page.partners = [StoryPartner(name=name, url=url) for name, url in story["partners"]]
            page = _add(index, page, publisher)
        english = story["en"]
        _translate(
            page,
            "en",
            {
                "title": english["title"],
                "slug": english["slug"],
                "summary": english["summary"],
                "image_alt": english["alt"],
                "body": english["body"],
            },
            publisher,
        )
        stories.append(page)

    for standard in content.STANDARD_PAGES:
        text = standard["id"]
        page = _child(home, StandardPage, text["slug"])
        if page is None:
            page = _add(home, StandardPage(**text), publisher)
        _translate(page, "en", standard["en"], publisher)

    resource = content.RESOURCE
    page = _child(home, ResourcePage, resource["id"]["slug"])
    if page is None:
        page = _add(
            home,
            ResourcePage(
                **resource["id"],
                issued_by=resource["issued_by"],
                reference=resource["reference"],
                issued_on=datetime.date(*resource["issued_on"]),
                document=_document(),
            ),
            publisher,
        )
    _translate(page, "en", {**resource["en"], "issued_by": "Governor of West Nusa Tenggara"}, publisher)

    context["cms"] = {"home": home, "story_index": index, "stories": stories}
    return context
