"""The phone line a new province starts with: a day menu built on its own agencies and categories,
a night menu, office hours to choose between them, and a greeting that names the province.

Provisioning (`tenants.services.province_furnish`) runs this in the province's schema after the
agencies and categories (`cases.defaults`). It acts only on a province without any menu, so an
admin's menus are never touched and a second run changes nothing. Until an agency has a number,
its key hands the caller to the operators (`channels.voice.flow.after_agency`): the menu works the
day it is made, and each transfer starts working once the admin enters the agency's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from cases.defaults import CALENDAR_OFFICE, place_name
from cases.models import Agency, BusinessCalendar, Category
from channels.voice.models import IvrMenu, IvrOption, VoiceSettings

Action = IvrOption.Action


@dataclass(frozen=True)
class KeyDefault:
    key: str
    label: str
    action: str
    agency: str = ""  # code of a default agency (cases.defaults.AGENCIES)
    category: str = ""  # code of a default category, given to cases and callbacks from this key


@dataclass(frozen=True)
class MenuDefault:
    name: str
    keys: tuple[KeyDefault, ...]


STATUS = KeyDefault("9", "Tra cứu tình trạng phản ánh", Action.STATUS)
REPEAT = KeyDefault("*", "Nghe lại", Action.REPEAT)

# Emergencies first; then what every province's hotline is asked most, each to the agency that
# handles it by default; then the status of a report and a person.
DAY_MENU = MenuDefault(
    "Menu chính",
    (
        KeyDefault("1", "Cấp cứu 115", Action.EMERGENCY, category="cap-cuu"),
        KeyDefault(
            "2", "Thủ tục hành chính, dịch vụ công", Action.TRANSFER, agency="TTPVHCC", category="thu-tuc-hanh-chinh"
        ),
        KeyDefault("3", "Y tế, phòng chống dịch bệnh", Action.TRANSFER, agency="SYT", category="tu-van-y-te"),
        KeyDefault("4", "An ninh trật tự, lừa đảo", Action.TRANSFER, agency="CA", category="an-ninh-trat-tu"),
        STATUS,
        KeyDefault("0", "Gặp điện thoại viên", Action.OPERATOR),
        REPEAT,
    ),
)
# Outside office hours nobody answers at the agencies: emergencies, a message, or the operator on duty.
NIGHT_MENU = MenuDefault(
    "Ngoài giờ hành chính",
    (
        KeyDefault("1", "Cấp cứu 115", Action.EMERGENCY, category="cap-cuu"),
        KeyDefault("2", "Để lại lời nhắn", Action.VOICEMAIL),
        STATUS,
        KeyDefault("0", "Gặp điện thoại viên trực", Action.OPERATOR),
        REPEAT,
    ),
)
KEY_WORDS = {"*": "sao", "#": "thăng"}
# VoiceSettings.greeting's default, which names no province.
ANONYMOUS_GREETING = VoiceSettings._meta.get_field("greeting").default


@transaction.atomic
def voice_defaults_ensure() -> list[str]:
    """Give the active province its standard menus, unless it has a menu already. A line per change."""
    if IvrMenu.objects.exists():
        return []
    line = VoiceSettings.load()
    changes = []
    if line.day_menu_id is None:
        line.day_menu = _menu_create(DAY_MENU)
        changes.append(f"menu giờ hành chính «{DAY_MENU.name}»")
    if line.night_menu_id is None:
        line.night_menu = _menu_create(NIGHT_MENU)
        changes.append(f"menu ngoài giờ «{NIGHT_MENU.name}»")
    if line.calendar_id is None:
        line.calendar = BusinessCalendar.objects.filter(code=CALENDAR_OFFICE).first()
    if line.greeting == ANONYMOUS_GREETING:
        province = connection.tenant
        place = place_name(name=province.name, division_type=province.division_type)
        line.greeting = f"Tổng đài 1022 {place} xin kính chào quý vị."
        changes.append("lời chào của tổng đài")
    line.save()
    return changes


@transaction.atomic
def voice_defaults_withdraw() -> list[str]:
    """Take the standard menus off the line and delete them, if they are still as they were made.

    For the demo, which puts menus of its own in their place (`channels.voice.demo`).
    """
    line = VoiceSettings.load()
    # Decided by the day menu: a night menu of the demo's own may look just like the standard one.
    if line.day_menu is None or _shape(line.day_menu) != _expected_shape(DAY_MENU):
        return []
    withdrawn = [line.day_menu]
    line.day_menu = None
    if line.night_menu is not None and _shape(line.night_menu) == _expected_shape(NIGHT_MENU):
        withdrawn.append(line.night_menu)
        line.night_menu = None
    line.save()
    for menu in withdrawn:
        menu.delete()
    return [f"gỡ menu mặc định «{menu.name}»" for menu in withdrawn]


def _menu_create(spec: MenuDefault) -> IvrMenu:
    agencies = _agencies(spec)
    categories = Category.objects.in_bulk([k.category for k in spec.keys if k.category], field_name="code")
    # A key whose agency the province no longer has would only lead to the operators: left out.
    keys = [k for k in spec.keys if not k.agency or k.agency in agencies]
    menu = IvrMenu.objects.create(name=spec.name, prompt=_prompt(keys))
    IvrOption.objects.bulk_create(
        IvrOption(
            menu=menu,
            sort_order=order,
            key=k.key,
            label=k.label,
            action=k.action,
            agency=agencies.get(k.agency),
            category=categories.get(k.category),
            text=f"Đang chuyển máy tới {agencies[k.agency].name}, xin quý vị giữ máy." if k.agency else "",
        )
        for order, k in enumerate(keys)
    )
    return menu


def _agencies(spec: MenuDefault) -> dict[str, Agency]:
    codes = [k.agency for k in spec.keys if k.agency]
    return {a.code: a for a in Agency.objects.filter(code__in=codes, is_active=True)}


def _prompt(keys: list[KeyDefault]) -> str:
    return " ".join(f"{k.label}: xin bấm phím {KEY_WORDS.get(k.key, k.key)}." for k in keys)


def _shape(menu: IvrMenu) -> tuple:
    fields = ("key", "label", "action", "agency__code", "category__code")
    options = menu.options.order_by("sort_order").values_list(*fields)
    return menu.name, menu.prompt, tuple((*o[:3], o[3] or "", o[4] or "") for o in options)


def _expected_shape(spec: MenuDefault) -> tuple:
    agencies = _agencies(spec)
    keys = [k for k in spec.keys if not k.agency or k.agency in agencies]
    categories = set(Category.objects.filter(code__in=[k.category for k in keys]).values_list("code", flat=True))
    options = tuple((k.key, k.label, k.action, k.agency, k.category if k.category in categories else "") for k in keys)
    return spec.name, _prompt(keys), options
