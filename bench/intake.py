"""`case_intake` throughput against a bare single-row INSERT on the same connection, in the same run.

The ratio of the two is what the goal is about: it says what intake costs on top of the
database round trip and commit every write pays, whatever the machine.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection

import phonenumbers

from bench import Context, Result, at_least, progress
from cases.models import Channel
from cases.services import ReporterInput, case_intake

GOAL_RATIO = 0.25
WARMUP = 200
# Many short rounds rather than a few long ones: commit latency drifts over seconds on shared
# disks, and the median of more pairs taken close together in time is steadier.
ROUNDS = 10
OPS_PER_ROUND = 500
# Fewer numbers than calls: people call the hotline again, and the reporter upsert must take that path too.
DISTINCT_CALLERS = 2000
SEED = 1022

# A real, logged table: a TEMPORARY one skips the WAL and would make the baseline unfairly cheap.
BARE_TABLE = """
    CREATE TABLE IF NOT EXISTS bench_bare (
        id bigserial PRIMARY KEY,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )
"""
BARE_INSERT = "INSERT INTO bench_bare (body) VALUES (%s)"

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "ha-tang-ngap-nuoc": (
        "Đường Nguyễn Trãi đoạn gần chợ ngập sâu khoảng 40 cm sau cơn mưa chiều nay, xe máy chết máy hàng loạt, "
        "đề nghị khơi thông cống thoát nước.",
        "Hố ga trước số nhà 125 bị mất nắp, nước tràn lên mặt đường, rất nguy hiểm cho người đi đường ban đêm.",
        "Khu dân cư ấp 3 bị ngập kéo dài ba ngày do triều cường, nước bẩn tràn vào nhà, bà con cần hỗ trợ bơm nước.",
    ),
    "tieng-on": (
        "Quán karaoke đầu hẻm 42 hát lớn đến hơn 12 giờ đêm nhiều ngày liền, ảnh hưởng giấc ngủ người già và trẻ nhỏ.",
        "Công trình bên cạnh nhà tôi đổ bê tông suốt đêm, máy trộn rất ồn, đề nghị kiểm tra giờ thi công.",
        "Nhà hàng tiệc cưới mở loa công suất lớn từ 6 giờ sáng, khu phố đã phản ánh nhiều lần nhưng không thay đổi.",
    ),
    "dien": (
        "Khu vực tổ 5 mất điện từ 2 giờ chiều đến giờ chưa có lại, không thấy thông báo cắt điện trước.",
        "Dây điện trên cột trước chợ bị chùng xuống thấp, gió mạnh có tia lửa, sợ gây cháy, đề nghị xử lý gấp.",
        "Điện chập chờn lúc có lúc mất, làm hư tủ lạnh và máy bơm nước của nhiều hộ trong xóm.",
    ),
    "thu-tuc-hanh-chinh": (
        "Tôi nộp hồ sơ cấp đổi giấy chứng nhận quyền sử dụng đất đã quá hẹn hai tuần nhưng chưa nhận được kết quả.",
        "Xin hỏi thủ tục đăng ký khai sinh cho con khi cha mẹ chưa đăng ký kết hôn cần những giấy tờ gì.",
        "Cán bộ một cửa yêu cầu bổ sung giấy tờ nhiều lần, mỗi lần một loại khác nhau, đề nghị hướng dẫn một lần.",
    ),
}
NAMES = (
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Nam",
    "Phạm Thị Hồng",
    "Huỳnh Văn Tài",
    "Võ Thị Mai",
    "Đặng Minh Khoa",
    "Bùi Thị Lan",
    "Dương Quốc Bảo",
    "Lý Thị Thu",
    "",  # callers who do not give their name
)
# Viettel, Vinaphone, Mobifone and Vietnamobile prefixes, as callers' numbers show up on the switch.
MOBILE_PREFIXES = ("086", "096", "097", "098", "032", "035", "039", "088", "091", "094", "083", "090", "093", "070")


def bench_intake(context: Context) -> list[Result]:
    calls = _Calls(context.ward_codes, random.Random(SEED))
    _bare_table_create()
    progress(f"intake: warm-up, then {ROUNDS} interleaved rounds of {OPS_PER_ROUND} bare inserts and intakes")
    _bare_round(calls.bodies(WARMUP))
    _intake_round(calls.intakes(WARMUP))
    bare_rates, intake_rates = [], []
    for index in range(ROUNDS):
        # Alternate which goes first so a drift of the machine (cache, autovacuum) hits both alike.
        bodies, intakes = calls.bodies(OPS_PER_ROUND), calls.intakes(OPS_PER_ROUND)
        order = ("bare", "intake") if index % 2 == 0 else ("intake", "bare")
        for kind in order:
            if kind == "bare":
                bare_rates.append(OPS_PER_ROUND / _bare_round(bodies))
            else:
                intake_rates.append(OPS_PER_ROUND / _intake_round(intakes))
    bare, intake = statistics.median(bare_rates), statistics.median(intake_rates)
    ratio = intake / bare
    common = {"warmup": WARMUP, "rounds": ROUNDS, "ops_per_round": OPS_PER_ROUND}
    return [
        Result(
            "intake: bare INSERT (autocommit)",
            bare,
            "ops/s",
            details={**common, "rates": _rounded(bare_rates), "statement": BARE_INSERT},
        ),
        Result(
            "intake: case_intake (voice)",
            intake,
            "ops/s",
            baseline=bare,
            ratio=ratio,
            **at_least(ratio, GOAL_RATIO),
            details={
                **common,
                "rates": _rounded(intake_rates),
                # Each round's intake rate over the bare rate of the same round, for a sense of the spread.
                "round_ratios": [round(i / b, 3) for i, b in zip(intake_rates, bare_rates, strict=True)],
                "distinct_callers": DISTINCT_CALLERS,
            },
        ),
    ]


def _bare_table_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(BARE_TABLE)


def _bare_round(bodies: Sequence[str]) -> float:
    """Seconds for the inserts, each its own transaction, as intake's single statement is."""
    assert not connection.in_atomic_block, "the bare inserts must each commit, like intake"
    with connection.cursor() as cursor:
        start = time.perf_counter()
        for body in bodies:
            cursor.execute(BARE_INSERT, [body])
        return time.perf_counter() - start


def _intake_round(calls: Sequence[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for call in calls:
        case_intake(**call)
    return time.perf_counter() - start


class _Calls:
    """Inputs prepared before the clock starts, so the timing holds only the work measured."""

    def __init__(self, ward_codes: Sequence[int], rng: random.Random) -> None:
        self.rng = rng
        self.ward_codes = list(ward_codes)
        self.categories = list(DESCRIPTIONS)
        self.callers = [(rng.choice(NAMES), self._phone()) for _ in range(DISTINCT_CALLERS)]

    def _phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number, "VN")):
                return number

    def bodies(self, count: int) -> list[str]:
        return [self.rng.choice(DESCRIPTIONS[self.rng.choice(self.categories)]) for _ in range(count)]

    def intakes(self, count: int) -> list[dict[str, Any]]:
        return [self._intake(index) for index in range(count)]

    def _intake(self, index: int) -> dict[str, Any]:
        category = self.categories[index % len(self.categories)]
        name, phone = self.rng.choice(self.callers)
        return {
            "channel": Channel.VOICE,
            # A CallSid-like id, unique per call as the provider's are.
            "provider_id": f"CA{uuid.uuid4().hex}",
            "description": self.rng.choice(DESCRIPTIONS[category]),
            "category": category,
            "ward": self.ward_codes[index % len(self.ward_codes)],
            "reporter": ReporterInput(name=name, phone=phone),
        }


def _rounded(rates: Sequence[float]) -> list[float]:
    return [round(rate, 1) for rate in rates]
