"""Reading one mail: who wrote, about what, the new text without the quoted history, the photos; and
whether a person wrote it at all (auto-replies and bounces must not open cases or be answered).

The standard library's parser with `policy.default` does the MIME work (RFC 2047 subjects,
quoted-printable and base64 bodies, charsets); HTML-only mail is turned into text with BeautifulSoup.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from bs4 import BeautifulSoup

from cases.attachments import IMAGE_MAX_BYTES
from cases.codes import tracking_code_clean
from channels.mail.models import DIGEST_PREFIX

MESSAGE_ID_MAX = 250
REFERENCES_MAX = 20
PHOTOS_MAX = 5
# An image the HTML shows inline and this small is a logo or a signature picture, not evidence.
INLINE_LOGO_MAX = 20 * 1024

_ID = re.compile(r"<[^<>\s]{3,248}>")
# Nine digits, in groups of three or not, standing alone: "[1022 #482 913 075]", "482-913-075".
_CODE = re.compile(r"(?<![\d])(\d{3}[ .\-]?\d{3}[ .\-]?\d{3})(?![\d])")
_TAG = re.compile(r"\s*\[1022\s*#[\d .\-]+\]\s*")
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|tl|trả lời|aw|sv|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)

_AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon", "no-reply", "noreply", "do-not-reply")
_BULK_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")


class Unreadable(ValueError):
    """Not a mail the hotline can take in: no sender, or headers that do not parse."""


@dataclass(frozen=True)
class ParsedMail:
    sender: str
    sender_name: str
    subject: str
    text: str
    # Message-IDs this mail answers (In-Reply-To, then References), newest first.
    references: tuple[str, ...] = ()
    photos: tuple[bytes, ...] = field(default=(), repr=False)
    # Empty for a person's mail; otherwise what kind of automatic mail it is.
    automatic: str = ""

    @property
    def codes(self) -> list[str]:
        """Tracking codes the subject names (a reply to the hotline's mail keeps its "[1022 #…]")."""
        found = []
        for candidate in _CODE.findall(self.subject):
            code = tracking_code_clean(candidate)
            if code and code not in found:
                found.append(code)
        return found

    @property
    def topic(self) -> str:
        """The subject without "Re:"/"Fwd:" and without the hotline's tag: what the mail is about."""
        return _REPLY_PREFIX.sub("", _TAG.sub(" ", self.subject)).strip()


def message_bytes(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def message_id_of(raw: bytes) -> str:
    """The key a mail is stored under: its Message-ID, or a digest of its bytes when it has none."""
    try:
        headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        value = str(headers.get("Message-ID", "") or "")
    except Exception:  # the parser's own bugs on hostile headers: the digest still identifies the bytes
        value = ""
    found = _ID.search(value)
    return found.group(0) if found else DIGEST_PREFIX + hashlib.sha256(raw).hexdigest()


def mail_readable(raw: bytes) -> bool:
    """Whether the bytes are a mail with a sender: what the webhook answers 400 without."""
    try:
        sender_of(BytesParser(policy=policy.default).parsebytes(raw, headersonly=True))
    except Unreadable:
        return False
    return True


def sender_of(message: EmailMessage) -> tuple[str, str]:
    """(lower-cased address, display name) of the From header."""
    try:
        header = message["From"]
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        address = addresses[0] if addresses else None
        addr_spec = (address.addr_spec if address else "").strip().lower()
        name = " ".join((address.display_name if address else "").split())
    except Exception as exc:  # hostile headers can break the parser itself
        raise Unreadable("the From header does not parse") from exc
    try:
        validate_email(addr_spec)
    except ValidationError as exc:
        raise Unreadable("no sender address") from exc
    return addr_spec, name


def mail_parse(raw: bytes, *, own_address: str = "") -> ParsedMail:
    message = message_bytes(raw)
    sender, name = sender_of(message)
    try:
        subject = " ".join(str(message.get("Subject", "") or "").split())
        references = _references(message)
        html = _html_of(message)
        text = _text_of(message, html)
        photos = _photos(message, html)
        automatic = automatic_kind(message, sender, own_address=own_address)
    except Unreadable:
        raise
    except Exception as exc:  # a part the parser cannot read is a malformed mail, not a server error
        raise Unreadable(f"the message does not parse ({type(exc).__name__})") from exc
    return ParsedMail(
        sender=sender,
        sender_name=name,
        subject=subject,
        text=text,
        references=references,
        photos=photos,
        automatic=automatic,
    )


# --- automatic mail ---------------------------------------------------------------------------------


def automatic_kind(message: EmailMessage, sender: str, *, own_address: str = "") -> str:
    """Why the mail is not a person's (RFC 3834 and the headers mailers use in practice), or ""."""
    if own_address and sender == own_address.strip().lower():
        return "sent by the hotline's own address"
    auto_submitted = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted[:40]}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if message.get(header) is not None:
            return header
    precedence = str(message.get("Precedence", "") or "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    if message.get("List-Id") is not None or message.get("List-Unsubscribe") is not None:
        return "mailing list"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    if str(message.get("Return-Path", "") or "").strip() == "<>":
        return "bounce (empty Return-Path)"
    if sender.partition("@")[0] in _AUTOMATIC_SENDERS:
        return "automatic sender"
    return ""


# --- threading ------------------------------------------------------------------------------------


def _references(message: EmailMessage) -> tuple[str, ...]:
    ids: list[str] = []
    in_reply_to = _ID.findall(str(message.get("In-Reply-To", "") or ""))
    references = _ID.findall(str(message.get("References", "") or ""))
    # The mail answered first, then the thread from the newest back.
    for value in [*in_reply_to, *reversed(references)]:
        if value not in ids and len(value) <= MESSAGE_ID_MAX:
            ids.append(value)
    return tuple(ids[:REFERENCES_MAX])


# --- text -----------------------------------------------------------------------------------------

# Where a reply's quoted history starts, as the common mail programs write it (English and Vietnamese).
_QUOTE_STARTS = [
    # Gmail, Apple Mail, Thunderbird: "On Tue, 1 Dec 2026 at 09:12, An <an@…> wrote:" (may wrap once).
    re.compile(r"^[ \t]*On\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bwrote:[ \t]*$", re.MULTILINE),
    # Gmail in Vietnamese: "Vào Th 3, 1 thg 12, 2026 vào lúc 09:12 An <an@…> đã viết:".
    re.compile(r"^[ \t]*Vào\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bviết:[ \t]*$", re.MULTILINE),
    re.compile(
        r"^[ \t]*-{2,}[ \t]*(?:Original Message|Thư gốc|Tin nhắn gốc|Bản gốc)[ \t]*-{2,}", re.MULTILINE | re.IGNORECASE
    ),
    # Outlook: a rule, then "From:/Từ:" followed by "Sent:/Đã gửi:/Date:".
    re.compile(r"^[ \t]*_{10,}[ \t]*$", re.MULTILINE),
    re.compile(
        r"^[ \t]*(?:From|Từ)[ \t]*:[^\n]*\n[ \t]*(?:Sent|Date|Đã gửi|Ngày|Gửi)[ \t]*:", re.MULTILINE | re.IGNORECASE
    ),
]
# A signature: the standard "-- " line.
_SIGNATURE_START = re.compile(r"^-- ?$", re.MULTILINE)
# A phone's footer ("Sent from my iPhone", "Được gửi từ điện thoại Samsung"); only as the mail's last lines,
# since "Gửi từ …" also starts ordinary Vietnamese sentences.
_DEVICE_FOOTER = re.compile(
    r"^[ \t]*(?:Sent from|Gửi từ|Được gửi từ)\s+(?:my\s+|của\s+)?"
    r"(?:iPhone|iPad|Android|Samsung|Galaxy|Xiaomi|Oppo|Mail|Outlook|Yahoo|Gmail|điện thoại|thiết bị)"
    r"\b[^\n]{0,60}\s*\Z",
    re.MULTILINE | re.IGNORECASE,
)


def text_trimmed(text: str) -> str:
    """The new text of a mail: up to the quoted history and the signature, without "> " lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cut = len(text)
    for pattern in (*_QUOTE_STARTS, _SIGNATURE_START):
        found = pattern.search(text)
        # A marker on the first line would leave nothing: it is part of what the person wrote.
        if found and 0 < found.start() < cut and text[: found.start()].strip():
            cut = found.start()
    text = text[:cut]
    footer = _DEVICE_FOOTER.search(text)
    if footer and text[: footer.start()].strip():
        text = text[: footer.start()]
    lines = [line.rstrip() for line in text.split("\n") if not line.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _text_of(message: EmailMessage, html: str) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return text_trimmed(_content(part))
    return text_trimmed(html_text(html)) if html else ""


def _html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return _content(part) if part is not None else ""


def _content(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AttributeError):
        # An unknown or wrong charset: the text as UTF-8, unreadable bytes replaced, is better than nothing.
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


_HTML_QUOTES = (
    "blockquote",
    "div.gmail_quote",
    "div.gmail_signature",
    "div.gmail_extra",
    "div.moz-cite-prefix",
    "div.moz-signature",
    "div.yahoo_quoted",
    "div#appendonsend",
    "div.OutlookMessageHeader",
)
_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol")


def html_text(html: str) -> str:
    """The text a person sees in an HTML mail, without the quoted history mail programs mark up."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "head", "title"]):
        element.decompose()
    # Outlook puts the quoted mail after this marker, as its following siblings.
    marker = soup.find(id="divRplyFwdMsg")
    if marker is not None:
        for sibling in list(marker.find_next_siblings()):
            sibling.decompose()
        marker.decompose()
    for selector in _HTML_QUOTES:
        for element in soup.select(selector):
            element.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCKS):
        block.append("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- photos ---------------------------------------------------------------------------------------


def _photos(message: EmailMessage, html: str) -> tuple[bytes, ...]:
    photos = []
    for part in message.walk():
        if part.get_content_maintype() != "image" or part.is_multipart():
            continue
        content = part.get_payload(decode=True) or b""
        if not content or len(content) > IMAGE_MAX_BYTES:
            continue
        content_id = str(part.get("Content-ID", "") or "").strip().strip("<>")
        if content_id and f"cid:{content_id}" in html and len(content) <= INLINE_LOGO_MAX:
            continue
        photos.append(content)
        if len(photos) == PHOTOS_MAX:
            break
    return tuple(photos)
