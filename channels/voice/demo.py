"""The demo phone line of each demo province: menus, transfer numbers, operators' phones and a month of calls.

Cà Mau's menu is its real one (key 1 policy support for people affected by the epidemic, key 2
epidemic-control reports handled by the provincial CDC, key 3 health advice); the others follow
what each hotline handles (FACTS, "The provincial 1022 hotlines"). Outside working hours every
province plays a short night menu.

The call history is generated, not replayed through the webhooks (thousands of HTTP steps would
take minutes), but each record is what `channels.voice.flow` and `channels.voice.services` leave:
the same chain (agency numbers in order, then the operators' queue, then voicemail), the same
outcomes, and missed calls of the last two days owed a callback through `missed_call_callback`.
Cà Mau's CDC picks up about 40 % of its transfers: the failure on record, there to be seen in the
supervisors' per-key report. Deterministic per province; idempotent.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import prefetch_related_objects

from cases import clock
from cases.callbacks import callback_record
from cases.defaults import CALENDAR_OFFICE, place_name
from cases.demo import DAYS, MOBILE_PREFIXES
from cases.models import Agency, AgencyPhone, BusinessCalendar, Callback, Category, Reporter
from cases.sla import VN_TZ
from channels.voice.defaults import voice_defaults_withdraw
from channels.voice.flow import menu_of_the_hour
from channels.voice.measures import measures_recent
from channels.voice.models import Call, CallTransfer, IvrMenu, IvrOption, OperatorLine, Voice, VoiceSettings
from channels.voice.services import caller_e164, missed_call_callback, missed_call_note

Action = IvrOption.Action

# --- The menus -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionSpec:
    key: str
    label: str
    action: str
    agency: str = ""  # code of the agency a transfer rings
    category: str = ""  # code of the category given to cases and callbacks from this key
    text: str = ""  # read first; for an announcement, the announcement
    submenu: MenuSpec | None = None
    # How often callers choose this key, relative to the other keys of its menu (the history only).
    weight: int = 0


@dataclass(frozen=True)
class MenuSpec:
    name: str
    options: tuple[OptionSpec, ...]


@dataclass(frozen=True)
class LineSpec:
    area_code: str
    # The Department of Science and Technology's duty phone, rung when this system is down.
    fallback_number: str
    voice: str
    day_menu: MenuSpec
    # Share of transfers each agency (by code) picks up; an agency not listed picks up DEFAULT_PICKUP.
    pickup: tuple[tuple[str, float], ...]


STATUS = OptionSpec("9", "Tra cứu tình trạng phản ánh", Action.STATUS, weight=4)
OPERATOR = OptionSpec("0", "Gặp điện thoại viên", Action.OPERATOR, weight=10)
REPEAT = OptionSpec("*", "Nghe lại", Action.REPEAT)

NIGHT_MENU = MenuSpec(
    "Ngoài giờ hành chính",
    (
        OptionSpec("1", "Cấp cứu 115", Action.EMERGENCY, category="cap-cuu", weight=8),
        OptionSpec("2", "Để lại lời nhắn", Action.VOICEMAIL, weight=10),
        OptionSpec("9", "Tra cứu tình trạng phản ánh", Action.STATUS, weight=7),
        OptionSpec("0", "Gặp điện thoại viên trực", Action.OPERATOR, weight=60),
        REPEAT,
    ),
)

LINES = {
    "camau": LineSpec(
        area_code="290",
        fallback_number="+842903567022",
        voice=Voice.WAVENET_A,
        day_menu=MenuSpec(
            "Menu chính",
            (
                OptionSpec(
                    "1",
                    "Hỗ trợ chính sách cho người dân bị ảnh hưởng bởi dịch",
                    Action.TRANSFER,
                    agency="SNV",
                    category="chinh-sach-an-sinh",
                    weight=30,
                ),
                OptionSpec(
                    "2",
                    "Phản ánh công tác phòng chống dịch",
                    Action.TRANSFER,
                    agency="CDC",
                    category="phong-chong-dich",
                    weight=35,
                ),
                OptionSpec("3", "Tư vấn sức khỏe", Action.TRANSFER, agency="SYT", category="tu-van-y-te", weight=20),
                STATUS,
                OPERATOR,
                REPEAT,
            ),
        ),
        # The failure on record: many key-2 calls unanswered because the CDC did not pick up.
        pickup=(("CDC", 0.40), ("SNV", 0.88), ("SYT", 0.80)),
    ),
    "binhduong": LineSpec(
        area_code="274",
        fallback_number="+842743822022",
        voice=Voice.WAVENET_C,
        day_menu=MenuSpec(
            "Menu chính",
            (
                OptionSpec(
                    "1",
                    "Hỗ trợ người dân gặp khó khăn",
                    Action.TRANSFER,
                    agency="SNV",
                    category="chinh-sach-an-sinh",
                    weight=30,
                ),
                OptionSpec("2", "Cấp cứu 115", Action.EMERGENCY, category="cap-cuu", weight=8),
                OptionSpec(
                    "3",
                    "Tư vấn F0, F1 và sức khỏe",
                    Action.SUBMENU,
                    weight=25,
                    submenu=MenuSpec(
                        "Tư vấn F0, F1 (phím 3)",
                        (
                            OptionSpec(
                                "1",
                                "Hướng dẫn chăm sóc F0 tại nhà",
                                Action.ANNOUNCEMENT,
                                text=(
                                    "Người mắc bệnh điều trị tại nhà cần đo nhiệt độ và nồng độ ô-xy trong máu "
                                    "hai lần mỗi ngày. Khi khó thở hoặc nồng độ ô-xy dưới 96 phần trăm, "
                                    "xin gọi ngay cấp cứu 115."
                                ),
                                weight=40,
                            ),
                            OptionSpec(
                                "2",
                                "Tư vấn với nhân viên y tế",
                                Action.TRANSFER,
                                agency="SYT",
                                category="tu-van-y-te",
                                weight=50,
                            ),
                            OPERATOR,
                            REPEAT,
                        ),
                    ),
                ),
                OptionSpec("4", "An ninh trật tự", Action.TRANSFER, agency="CA", category="an-ninh-trat-tu", weight=12),
                STATUS,
                OPERATOR,
                REPEAT,
            ),
        ),
        pickup=(("SNV", 0.78), ("SYT", 0.86), ("CA", 0.93)),
    ),
    "thanhhoa": LineSpec(
        area_code="237",
        fallback_number="+842373852022",
        voice=Voice.WAVENET_B,
        day_menu=MenuSpec(
            "Menu chính",
            (
                OptionSpec(
                    "1",
                    "Dịch bệnh, cách ly, xét nghiệm, tiêm chủng",
                    Action.SUBMENU,
                    weight=35,
                    submenu=MenuSpec(
                        "Dịch bệnh và y tế (phím 1)",
                        (
                            OptionSpec(
                                "1",
                                "Tình hình dịch bệnh trong tỉnh",
                                Action.ANNOUNCEMENT,
                                text=(
                                    "Tình hình dịch bệnh và các quy định phòng chống dịch mới nhất được cập nhật "
                                    "hằng ngày trên cổng thông tin điện tử của tỉnh và trang Zalo của Tổng đài 1022."
                                ),
                                weight=30,
                            ),
                            OptionSpec(
                                "2",
                                "Cách ly, khai báo trường hợp nghi nhiễm",
                                Action.TRANSFER,
                                agency="CDC",
                                category="phong-chong-dich",
                                weight=35,
                            ),
                            OptionSpec(
                                "3",
                                "Tư vấn sức khỏe, xét nghiệm, tiêm chủng",
                                Action.TRANSFER,
                                agency="SYT",
                                category="tu-van-y-te",
                                weight=30,
                            ),
                            OPERATOR,
                            REPEAT,
                        ),
                    ),
                ),
                OptionSpec(
                    "2",
                    "Chính sách an sinh xã hội, hỗ trợ nhân đạo",
                    Action.TRANSFER,
                    agency="SNV",
                    category="chinh-sach-an-sinh",
                    weight=25,
                ),
                OptionSpec("3", "Vận chuyển hàng hóa, giá vật tư y tế", Action.TRANSFER, agency="SCT", weight=10),
                OptionSpec(
                    "4",
                    "Thông tin sai sự thật, an ninh trật tự",
                    Action.TRANSFER,
                    agency="CA",
                    category="an-ninh-trat-tu",
                    weight=8,
                ),
                STATUS,
                OPERATOR,
                REPEAT,
            ),
        ),
        pickup=(("CDC", 0.82), ("SYT", 0.88), ("SNV", 0.85), ("SCT", 0.76), ("CA", 0.94)),
    ),
    "binhphuoc": LineSpec(
        area_code="271",
        fallback_number="+842713879022",
        voice=Voice.WAVENET_A,
        day_menu=MenuSpec(
            "Menu chính",
            (
                OptionSpec(
                    "1",
                    "Hỏi đáp về COVID-19",
                    Action.SUBMENU,
                    weight=30,
                    submenu=MenuSpec(
                        "Hỏi đáp COVID-19 (phím 1)",
                        (
                            OptionSpec(
                                "1",
                                "Quy định đi lại, cách ly y tế",
                                Action.ANNOUNCEMENT,
                                text=(
                                    "Người từ vùng có dịch về tỉnh cần khai báo y tế với trạm y tế xã, phường "
                                    "nơi cư trú và tự theo dõi sức khỏe trong 7 ngày."
                                ),
                                weight=45,
                            ),
                            OptionSpec(
                                "2", "Tư vấn y tế", Action.TRANSFER, agency="SYT", category="tu-van-y-te", weight=45
                            ),
                            OPERATOR,
                            REPEAT,
                        ),
                    ),
                ),
                OptionSpec(
                    "2",
                    "Phản ánh công tác phòng chống dịch",
                    Action.TRANSFER,
                    agency="CDC",
                    category="phong-chong-dich",
                    weight=25,
                ),
                OptionSpec(
                    "3",
                    "Hỗ trợ người gặp khó khăn, chính sách",
                    Action.TRANSFER,
                    agency="SNV",
                    category="chinh-sach-an-sinh",
                    weight=25,
                ),
                OptionSpec(
                    "4",
                    "Góp ý, kiến nghị",
                    Action.VOICEMAIL,
                    category="gop-y",
                    text="Xin quý vị để lại góp ý, kiến nghị sau tiếng bíp. Xin cảm ơn.",
                    weight=8,
                ),
                STATUS,
                OPERATOR,
                REPEAT,
            ),
        ),
        pickup=(("CDC", 0.79), ("SYT", 0.90), ("SNV", 0.84)),
    ),
    # The two successors of the 2025 mergers the demo shows: after `province_merge`, calls to the
    # merged units' numbers (0274 1022, 0271 1022) hear these menus.
    "hochiminh": LineSpec(
        area_code="28",
        fallback_number="+842838221022",
        voice=Voice.WAVENET_B,
        day_menu=MenuSpec(
            "Menu chính",
            (
                OptionSpec(
                    "1",
                    "Y tế, khám chữa bệnh",
                    Action.SUBMENU,
                    weight=30,
                    submenu=MenuSpec(
                        "Y tế (phím 1)",
                        (
                            OptionSpec(
                                "1",
                                "Lịch tiêm chủng mở rộng",
                                Action.ANNOUNCEMENT,
                                text=(
                                    "Lịch tiêm chủng mở rộng hằng tháng được niêm yết tại trạm y tế phường, xã "
                                    "và trên cổng thông tin của Sở Y tế Thành phố."
                                ),
                                weight=40,
                            ),
                            OptionSpec(
                                "2", "Tư vấn y tế", Action.TRANSFER, agency="SYT", category="tu-van-y-te", weight=60
                            ),
                            OPERATOR,
                            REPEAT,
                        ),
                    ),
                ),
                OptionSpec(
                    "2",
                    "Chính sách an sinh xã hội",
                    Action.TRANSFER,
                    agency="SNV",
                    category="chinh-sach-an-sinh",
                    weight=25,
                ),
                OptionSpec("3", "An ninh trật tự", Action.TRANSFER, agency="CA", category="an-ninh-trat-tu", weight=15),
                STATUS,
                OPERATOR,
                REPEAT,
            ),
        ),
        pickup=(("SYT", 0.86), ("SNV", 0.83), ("CA", 0.93)),
    ),
    "dongnai": LineSpec(
        area_code="251",
        fallback_number="+842513821022",
        voice=Voice.WAVENET_A,
        day_menu=MenuSpec(
            "Menu chính",
            (
                OptionSpec(
                    "1",
                    "Y tế",
                    Action.SUBMENU,
                    weight=35,
                    submenu=MenuSpec(
                        "Y tế (phím 1)",
                        (
                            OptionSpec(
                                "1",
                                "Giờ làm việc của bệnh viện tỉnh",
                                Action.ANNOUNCEMENT,
                                text="Bệnh viện đa khoa tỉnh khám bệnh từ 7 giờ đến 17 giờ, kể cả sáng thứ Bảy.",
                                weight=40,
                            ),
                            OptionSpec(
                                "2", "Tư vấn y tế", Action.TRANSFER, agency="SYT", category="tu-van-y-te", weight=60
                            ),
                            OPERATOR,
                            REPEAT,
                        ),
                    ),
                ),
                OptionSpec(
                    "2",
                    "Chính sách, hỗ trợ người dân",
                    Action.TRANSFER,
                    agency="SNV",
                    category="chinh-sach-an-sinh",
                    weight=30,
                ),
                STATUS,
                OPERATOR,
                REPEAT,
            ),
        ),
        pickup=(("SYT", 0.88), ("SNV", 0.84)),
    ),
}
DEFAULT_PICKUP = 0.85
# 115 nearly always answers; an operator who takes a call from the console is at the phone.
EMERGENCY_PICKUP = 0.97
KEY_WORDS = {"*": "sao", "#": "thăng"}
DEMO_OPERATORS = ("operator", "supervisor")


def voice_demo_ensure(slug: str, *, days: int = DAYS) -> list[str]:
    """Set up the demo phone line of the active province and its history. Returns a line per change."""
    spec = LINES.get(slug)
    if spec is None:
        return []
    with transaction.atomic():
        # Provisioning gave the line the standard menus (channels.voice.defaults): the demo's take their place.
        changes = voice_defaults_withdraw()
        changes += _line_ensure(slug, spec)
        changes += _agency_phones_ensure(slug, spec)
        changes += _operator_lines_ensure(slug)
        changes += _history_ensure(slug, spec, days=days)
    return changes


# --- Configuration ------------------------------------------------------------------------------------


def _line_ensure(slug: str, spec: LineSpec) -> list[str]:
    """Fill what the province has not set: an admin's edits (and the secret) are never overwritten."""
    line = VoiceSettings.load()
    before = _line_state(line)
    changes = []
    if not line.account_sid:
        # A fake but well-formed SID, the same on every run; the greeting and voice come with it.
        line.account_sid = "AC" + hashlib.sha256(f"tongdai1022-demo:{slug}".encode()).hexdigest()[:32]
        line.voice = spec.voice
        line.greeting = f"Tổng đài 1022 {_place()} xin kính chào quý vị."
        changes.append("đường dây điện thoại (tài khoản Twilio mẫu, lời chào)")
    if not line.auth_token:
        line.auth_token = secrets.token_hex(16)
    if not line.fallback_number:
        line.fallback_number = spec.fallback_number
    if line.calendar_id is None:
        # Working hours decide between the two menus.
        line.calendar = BusinessCalendar.objects.filter(code=CALENDAR_OFFICE).first()
    if line.day_menu_id is None:
        line.day_menu = _menu_create(spec.day_menu)
        changes.append(f"menu giờ hành chính «{line.day_menu.name}»")
    if line.night_menu_id is None:
        line.night_menu = _menu_create(NIGHT_MENU)
        changes.append(f"menu ngoài giờ «{line.night_menu.name}»")
    if _line_state(line) != before:
        line.save()
    return changes


def _line_state(line: VoiceSettings) -> tuple:
    return (
        line.account_sid,
        line.auth_token,
        line.voice,
        line.greeting,
        line.fallback_number,
        line.calendar_id,
        line.day_menu_id,
        line.night_menu_id,
    )


def _place() -> str:
    province = connection.tenant
    return place_name(name=province.name, division_type=province.division_type)


def _menu_create(spec: MenuSpec) -> IvrMenu:
    menu, created = IvrMenu.objects.get_or_create(name=spec.name, defaults={"prompt": _prompt(spec)})
    if not created:
        return menu  # an earlier run, or an admin, made it: keep it as it is
    agencies = Agency.objects.in_bulk([o.agency for o in spec.options if o.agency], field_name="code")
    categories = Category.objects.in_bulk([o.category for o in spec.options if o.category], field_name="code")
    for order, option in enumerate(spec.options):
        agency = agencies.get(option.agency)
        IvrOption.objects.create(
            menu=menu,
            sort_order=order,
            key=option.key,
            label=option.label,
            action=option.action,
            submenu=_menu_create(option.submenu) if option.submenu else None,
            agency=agency,
            category=categories.get(option.category),
            text=option.text or (f"Đang chuyển máy tới {agency.name}, xin quý vị giữ máy." if agency else ""),
        )
    return menu


def _prompt(spec: MenuSpec) -> str:
    return " ".join(f"{o.label}: xin bấm phím {KEY_WORDS.get(o.key, o.key)}." for o in spec.options)


def _transfer_agencies(spec: LineSpec) -> set[str]:
    def walk(menu: MenuSpec):
        for option in menu.options:
            if option.agency:
                yield option.agency
            if option.submenu:
                yield from walk(option.submenu)

    return set(walk(spec.day_menu))


def _agency_phones_ensure(slug: str, spec: LineSpec) -> list[str]:
    """A main and a backup landline for each agency the menu transfers to, unless it has numbers already."""
    rng = random.Random(f"phones:{slug}")
    agencies = Agency.objects.filter(code__in=sorted(_transfer_agencies(spec)), phones__isnull=True).order_by("code")
    phones = []
    for agency in agencies:
        exchange = rng.randrange(3810, 3899)
        for order, label in enumerate(("Số trực chính", "Số dự phòng")):
            number = f"+84{spec.area_code}{exchange}{rng.randrange(1000):03d}"
            phones.append(AgencyPhone(agency=agency, number=number, order=order, label=label))
    AgencyPhone.objects.bulk_create(phones)
    return [f"{len(phones)} số chuyển máy của cơ quan"] if phones else []


def _operator_lines_ensure(slug: str) -> list[str]:
    """Operators answer on a softphone: a SIP address of the province's Twilio domain."""
    changes = []
    users = get_user_model().objects.filter(username__in=[f"{prefix}.{slug}" for prefix in DEMO_OPERATORS])
    for user in users.order_by("username"):
        _line, created = OperatorLine.objects.get_or_create(
            user=user, defaults={"number": f"sip:{user.username}@tongdai1022-{slug}.sip.twilio.com"}
        )
        if created:
            changes.append(f"máy điện thoại viên của «{user.username}»")
    return changes


# --- The history ------------------------------------------------------------------------------------------

# Calls per hour of the day, relative: office hours busiest, the lunch break quieter, a trickle at night.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 5, 14, 24, 24, 24, 18, 6, 12, 24, 24, 22, 8, 6, 5, 4, 3, 2, 1)
# Callers who hang up during the greeting, or press nothing (the menu then hands them to an operator).
HANG_UP_WEIGHT = 2
NO_KEY_WEIGHT = 3
# Missed calls this recent are owed callbacks through the real service; older ones were called back.
RECENT = timedelta(days=2)
# Nothing starts this close to now, so no demo call is still in progress.
QUIET = timedelta(minutes=15)
# People call the hotline again: some callers come from this pool of regulars.
REGULAR_CALLERS = 150


def _history_ensure(slug: str, spec: LineSpec, *, days: int) -> list[str]:
    if Call.objects.filter(direction=Call.Direction.INBOUND, simulated=False).exists():
        return []  # the province has calls: the demo never adds to real or earlier data
    history = _History(slug, spec)
    if history.line.day_menu_id is None:
        return []
    calls, transfers = history.generate(days=days)
    Call.objects.bulk_create(calls)
    CallTransfer.objects.bulk_create(transfers)
    owed = _callbacks_make(history, [c for c in calls if c.outcome in Call.UNANSWERED])
    today = history.now.astimezone(VN_TZ).date()
    measures_recent(today=today, days=days + 1)
    return [f"{len(calls)} cuộc gọi mẫu trong {days} ngày qua ({owed} cuộc gọi nhỡ cần gọi lại)"]


class _History:
    """Walks generated callers through the province's actual menus, as `channels.voice.flow` would."""

    def __init__(self, slug: str, spec: LineSpec) -> None:
        self.rng = random.Random(f"voice:{slug}")
        self.now = clock.now()
        self.line = VoiceSettings.load()
        self.hotline = f"+84{spec.area_code}1022"
        self.options = self._options_by_menu(spec)
        pickup = dict(spec.pickup)
        self.numbers: dict[int, list[str]] = {}
        self.pickup: dict[int, float] = {}
        for agency in Agency.objects.filter(ivr_options__isnull=False).distinct().prefetch_related("phones"):
            self.numbers[agency.pk] = [p.number for p in sorted(agency.phones.all(), key=lambda p: (p.order, p.pk))]
            self.pickup[agency.pk] = pickup.get(agency.code, DEFAULT_PICKUP)
        self.operators = list(OperatorLine.objects.select_related("user").order_by("user__username"))
        self.regulars = [self.mobile() for _ in range(REGULAR_CALLERS)]

    def _options_by_menu(self, spec: LineSpec) -> dict[int, list[tuple[IvrOption, int]]]:
        weights = {}

        def note(menu: MenuSpec):
            for option in menu.options:
                weights[(menu.name, option.key)] = option.weight
                if option.submenu:
                    note(option.submenu)

        note(spec.day_menu)
        note(NIGHT_MENU)
        by_menu: dict[int, list[tuple[IvrOption, int]]] = {}
        for option in IvrOption.objects.select_related("menu", "agency", "submenu").order_by("menu", "sort_order"):
            # A menu an admin changed still gets callers: one share per key the demo does not know.
            weight = weights.get((option.menu.name, option.key), 0 if option.action == Action.REPEAT else 5)
            by_menu.setdefault(option.menu_id, []).append((option, weight))
        return by_menu

    def mobile(self) -> str:
        return f"+84{self.rng.choice(MOBILE_PREFIXES)[1:]}{self.rng.randrange(10**7):07d}"

    def sid(self, prefix: str) -> str:
        return f"{prefix}{self.rng.getrandbits(128):032x}"

    def generate(self, *, days: int) -> tuple[list[Call], list[CallTransfer]]:
        today = self.now.astimezone(VN_TZ).date()
        calls, transfers = [], []
        for offset in range(days, -1, -1):
            for started_at in self._starts(today - timedelta(days=offset)):
                walk = _Walk(self, started_at)
                walk.enter()
                calls.append(walk.call)
                transfers += walk.transfers
        return calls, transfers

    def _starts(self, day: date) -> list[datetime]:
        count = self.rng.randint(40, 120)
        if day.weekday() >= 5:
            count = count * 3 // 4
        midnight = datetime.combine(day, time.min, tzinfo=VN_TZ)
        hours = self.rng.choices(range(24), weights=HOUR_WEIGHTS, k=count)
        starts = sorted(midnight + timedelta(hours=h, seconds=self.rng.randrange(3600)) for h in hours)
        return [s for s in starts if s < self.now - QUIET]


class _Walk:
    """One caller's way through the menu: the call record and its transfers, built as the flow builds them."""

    def __init__(self, history: _History, started_at: datetime) -> None:
        self.h, self.rng = history, history.rng
        caller = self.rng.choice(history.regulars) if self.rng.random() < 0.3 else history.mobile()
        self.call = Call(
            call_sid=history.sid("CA"),
            direction=Call.Direction.INBOUND,
            from_number=caller,
            to_number=history.hotline,
            status="completed",
            started_at=started_at,
        )
        self.transfers: list[CallTransfer] = []
        self.t = started_at

    def wait(self, low: float, high: float) -> None:
        self.t += timedelta(seconds=round(self.rng.uniform(low, high)))

    def enter(self) -> None:
        line = self.h.line
        menu = menu_of_the_hour(line, self.call.started_at)
        self.call.night = menu is not None and menu == line.night_menu and menu != line.day_menu
        self.wait(6, 10)  # the greeting
        if menu is None:
            self.queue()
        else:
            self.menu(menu)
        self.finish()

    def menu(self, menu: IvrMenu, *, depth: int = 0) -> None:
        options = self.h.options.get(menu.pk, [])
        choices = [None, "no-key", *(option for option, _w in options)]
        weights = [HANG_UP_WEIGHT, NO_KEY_WEIGHT, *(w for _o, w in options)]
        choice = self.rng.choices(choices, weights=weights)[0]
        self.wait(8, 25)  # the prompt
        if choice is None:
            return  # hung up in the menu
        if choice == "no-key":
            self.wait(menu.timeout * menu.attempts, menu.timeout * menu.attempts + 5)
            self.queue()
            return
        self.press(choice)
        self.act(choice, depth=depth)

    def press(self, option: IvrOption) -> None:
        call = self.call
        call.digits = (call.digits + option.key)[:100]
        if not call.ivr_key:
            call.ivr_key, call.option = option.key, option

    def act(self, option: IvrOption, *, depth: int) -> None:
        if option.action == Action.SUBMENU and option.submenu is not None and depth < 2:
            self.menu(option.submenu, depth=depth + 1)
        elif option.action == Action.TRANSFER:
            self.transfer(option)
        elif option.action == Action.EMERGENCY:
            self.wait(2, 4)
            if not self.dial(CallTransfer.Kind.EMERGENCY, self.h.line.emergency_number, option, EMERGENCY_PICKUP):
                self.queue()
        elif option.action == Action.ANNOUNCEMENT:
            self.wait(15, 45)
            self.self_served()
            self.then_operator(option, share=0.25)
        elif option.action == Action.STATUS:
            self.wait(15, 30)
            if self.rng.random() < 0.85:
                self.self_served()
            else:
                self.then_operator(option, share=0.8)  # "not found": some ask a person
        elif option.action == Action.VOICEMAIL:
            self.voicemail()
        elif option.action == Action.REPEAT and depth < 2:
            self.menu(option.menu, depth=depth + 1)
        else:
            self.queue()

    def then_operator(self, option: IvrOption, *, share: float) -> None:
        """Back at the menu after an answer: some callers press the operator's key, the rest hang up."""
        operator = next((o for o, _w in self.h.options.get(option.menu_id, []) if o.action == Action.OPERATOR), None)
        if operator is not None and self.rng.random() < share:
            self.wait(3, 8)
            self.press(operator)
            self.queue()

    def self_served(self) -> None:
        if self.call.outcome == Call.Outcome.IN_PROGRESS:
            self.call.outcome = Call.Outcome.SELF_SERVICE

    def transfer(self, option: IvrOption) -> None:
        """The agency's numbers in order; then the operators (or voicemail), as `flow.after_agency`."""
        agency = option.agency
        numbers = self.h.numbers.get(agency.pk, []) if agency is not None and agency.is_active else []
        for number in numbers:
            if self.dial(CallTransfer.Kind.AGENCY, number, option, self.h.pickup.get(agency.pk, DEFAULT_PICKUP)):
                return
        if option.fallback_to_operators:
            self.wait(4, 6)
            self.queue()
        else:
            self.voicemail()

    def dial(self, kind: str, number: str, option: IvrOption | None, pickup: float) -> bool:
        call, started = self.call, self.t
        transfer = CallTransfer(
            call=call,
            leg=len(self.transfers),
            kind=kind,
            agency=option.agency if option is not None and kind == CallTransfer.Kind.AGENCY else None,
            ivr_key=option.key if option is not None else "",
            number=number,
            started_at=started,
        )
        self.transfers.append(transfer)
        if self.rng.random() < pickup:
            self.wait(4, 18)  # rings
            call.answered_at = self.t
            talk = self.rng.randint(40, 420)
            transfer.dial_status, transfer.dial_duration = "completed", talk
            transfer.dial_call_sid = self.h.sid("CA")
            self.t += timedelta(seconds=talk)
            call.outcome = {
                CallTransfer.Kind.OPERATOR: Call.Outcome.OPERATOR,
                CallTransfer.Kind.EMERGENCY: Call.Outcome.EMERGENCY,
            }.get(kind, Call.Outcome.AGENCY)
            answered = True
        else:
            roll = self.rng.random()
            if roll < 0.8:
                transfer.dial_status = "no-answer"
                self.wait(self.h.line.dial_timeout, self.h.line.dial_timeout + 2)
            elif roll < 0.95:
                transfer.dial_status = "busy"
                self.wait(2, 6)
            else:
                transfer.dial_status = "failed"
                self.wait(1, 2)
            transfer.dial_duration = 0
            answered = False
        transfer.ended_at = self.t
        return answered

    def queue(self) -> None:
        """The operators' queue: most callers are taken from the console, some hang up, a few wait too long."""
        call = self.call
        call.queued_at = self.t
        answer_share, hang_up_share = (0.78, 0.14) if call.night else (0.88, 0.09)
        roll = self.rng.random()
        if roll < answer_share and self.h.operators:
            wait = self._answer_wait()
            call.queue_result, call.queue_wait = "redirected", wait
            self.t += timedelta(seconds=wait)
            operator = self.rng.choice(self.h.operators)
            call.operator = operator.user
            self.dial(CallTransfer.Kind.OPERATOR, operator.number, None, 1.0)
        elif roll < answer_share + hang_up_share:
            # About a third hang up within seconds: short abandons, left out of the service level.
            wait = self.rng.randint(1, 4) if self.rng.random() < 0.3 else self.rng.randint(5, 100)
            call.queue_result, call.queue_wait = "hangup", wait
            self.t += timedelta(seconds=wait)
        else:
            wait = self.h.line.queue_max_wait + self.rng.randint(0, 14)
            call.queue_result, call.queue_wait = "leave", wait
            self.t += timedelta(seconds=wait)
            self.voicemail()

    def _answer_wait(self) -> int:
        roll = self.rng.random()
        quick, slow = (0.65, 0.93) if self.call.night else (0.8, 0.97)
        if roll < quick:
            return self.rng.randint(4, 20)
        if roll < slow:
            return self.rng.randint(21, 60)
        return self.rng.randint(61, 110)

    def voicemail(self) -> None:
        call = self.call
        self.wait(6, 10)  # the prompt and the beep
        if self.rng.random() < 0.75:
            seconds = self.rng.randint(6, 70)
            sid = self.h.sid("RE")
            call.recording_sid, call.recording_duration = sid, seconds
            call.recording_url = (
                f"https://api.twilio.com/2010-04-01/Accounts/{self.h.line.account_sid}/Recordings/{sid}"
            )
            self.t += timedelta(seconds=seconds)
            if call.outcome == Call.Outcome.IN_PROGRESS:
                call.outcome = Call.Outcome.VOICEMAIL
        else:
            self.wait(5, 6)  # silence until the recording times out

    def finish(self) -> None:
        """The status callback: `services.call_finish` and its `_unanswered_outcome`, on the record in memory."""
        call = self.call
        self.wait(1, 3)
        call.ended_at = self.t
        call.duration = int((call.ended_at - call.started_at).total_seconds())
        if call.outcome != Call.Outcome.IN_PROGRESS:
            return
        if call.recording_url:
            call.outcome = Call.Outcome.VOICEMAIL
        elif any(not t.answered for t in self.transfers) or call.queue_result in ("leave", "error", "system-error"):
            call.outcome = Call.Outcome.MISSED
        else:
            call.outcome = Call.Outcome.ABANDONED


def _callbacks_make(history: _History, missed: list[Call]) -> int:
    """Missed calls of the last two days go through `missed_call_callback`; older ones were called back.

    Returns how many callbacks are still pending.
    """
    recent_since = history.now - RECENT
    old = [c for c in missed if c.started_at < recent_since]
    recent = [c for c in missed if c.started_at >= recent_since]
    _callbacks_done(history, old)
    operator = next((o.user for o in history.operators if o.user.has_perm("cases.work_case")), None)
    # Each callback, with the end of the last missed call it stands for (a caller may try several times).
    owed: dict[int, tuple[Callback, datetime]] = {}
    for call in recent:
        with clock.at(call.ended_at):
            callback = missed_call_callback(call)
        if callback is not None:
            owed[callback.pk] = (owed.get(callback.pk, (callback,))[0], call.ended_at)
    # The operators worked most of them; the last hours' calls and a forgotten few still wait.
    for callback, last_missed in owed.values():
        if operator is None or last_missed > history.now - timedelta(hours=6) or history.rng.random() < 0.2:
            continue
        with clock.at(last_missed + timedelta(minutes=history.rng.randint(5, 90))):
            callback_record(callback=callback, actor=operator, outcome=Callback.Outcome.REACHED)
    return Callback.objects.filter(reason=Callback.Reason.MISSED_CALL, done_at__isnull=True).count()


def _callbacks_done(history: _History, calls: list[Call]) -> None:
    """Callbacks for older missed calls, already made and reached (written in bulk: there are hundreds)."""
    prefetch_related_objects(calls, "transfers__agency")
    phones = {call.pk: caller_e164(call) for call in calls}
    reporters = dict(Reporter.objects.filter(phone__in=set(phones.values()) - {""}).values_list("phone", "pk"))
    done_by = history.operators[0].user if history.operators else None
    minutes = history.line.callback_minutes
    pairs = []
    for call in calls:
        phone = phones[call.pk]
        if not phone:
            continue
        callback = Callback(
            phone=phone,
            reporter_id=reporters.get(phone),
            reason=Callback.Reason.MISSED_CALL,
            note=missed_call_note(call),
            due_at=call.ended_at + timedelta(minutes=minutes),
            created_at=call.ended_at,
            attempts=1,
            last_outcome=Callback.Outcome.REACHED,
            done_at=call.ended_at + timedelta(minutes=history.rng.randint(5, 60)),
            done_by=done_by,
        )
        pairs.append((call, callback))
    Callback.objects.bulk_create([callback for _call, callback in pairs])
    for call, callback in pairs:
        call.callback = callback
    Call.objects.bulk_update([call for call, _callback in pairs], ["callback"])
