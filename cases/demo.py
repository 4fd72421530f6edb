"""Thirty days of realistic reports for a demo province, replayed through the real services.

Every case goes through `case_intake` and the transitions an operator and an agency would
make, at the times they would make them (`clock.at`), so the demo's history, deadlines and
audit trail are what production would hold. Deterministic per province (seeded RNG).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from cases import clock, services
from cases.models import Agency, Case, Category, Channel, Priority, Ward
from cases.sweeper import sla_sweep

DAYS = 30

# (category code, descriptions); "{ward}" becomes the ward's name.
REPORTS: dict[str, tuple[str, ...]] = {
    "thu-tuc-hanh-chinh": (
        "Hỏi thủ tục cấp lại căn cước bị mất, cần mang theo giấy tờ gì?",
        "Hồ sơ đăng ký khai sinh cho con nộp ở {ward} đã quá hẹn 5 ngày chưa có kết quả.",
        "Xin hướng dẫn thủ tục chuyển hộ khẩu thường trú sau khi sáp nhập xã.",
        "Cổng dịch vụ công báo lỗi khi nộp hồ sơ cấp giấy phép xây dựng.",
    ),
    "chinh-sach-an-sinh": (
        "Gia đình tôi thuộc hộ cận nghèo nhưng chưa được nhận hỗ trợ tiền điện.",
        "Hỏi về chế độ trợ cấp cho người cao tuổi trên 80 tuổi ở {ward}.",
        "Công nhân mất việc xin hỏi thủ tục nhận trợ cấp thất nghiệp.",
        "Đề nghị hỗ trợ gạo cho gia đình có người bệnh nặng, hoàn cảnh khó khăn.",
    ),
    "phong-chong-dich": (
        "Khu trọ ở {ward} có nhiều người sốt, nghi sốt xuất huyết, đề nghị phun thuốc diệt muỗi.",
        "Phát hiện ổ lăng quăng tại bãi đất trống gần trường tiểu học.",
        "Hỏi lịch tiêm vắc-xin sởi cho trẻ em tại trạm y tế phường.",
        "Trường mầm non có nhiều trẻ bị tay chân miệng, phụ huynh lo lắng.",
    ),
    "tu-van-y-te": (
        "Xin tư vấn nơi khám sức khỏe định kỳ cho người cao tuổi có bảo hiểm y tế.",
        "Hỏi cách xử trí khi trẻ sốt cao ban đêm, trạm y tế đã đóng cửa.",
        "Tư vấn về thẻ bảo hiểm y tế hết hạn có được khám chữa bệnh không.",
    ),
    "cap-cuu": (
        "Tai nạn giao thông trên quốc lộ, một người bị thương nặng, cần xe cấp cứu.",
        "Người già ngất xỉu tại nhà ở {ward}, gia đình cần hỗ trợ gấp.",
    ),
    "an-toan-thuc-pham": (
        "Nghi ngộ độc thực phẩm sau khi ăn cơm tại bếp ăn công ty, nhiều công nhân đau bụng.",
        "Cơ sở giết mổ gia cầm không phép hoạt động ban đêm ở {ward}.",
    ),
    "trat-tu-do-thi": (
        "Quán ăn lấn chiếm vỉa hè, người đi bộ phải đi xuống lòng đường.",
        "Công trình xây dựng không che chắn, vật liệu rơi xuống đường tại {ward}.",
    ),
    "ha-tang-ngap-nuoc": (
        "Đường ngập sâu sau cơn mưa chiều, nước tràn vào nhà dân ở {ward}.",
        "Nắp cống bị mất trên đường, rất nguy hiểm cho xe máy ban đêm.",
        "Đèn đường cả tuyến bị tắt nhiều ngày nay.",
        "Mặt đường xuất hiện ổ gà lớn sau mưa, đã có người té ngã.",
    ),
    "moi-truong": (
        "Rác thải không được thu gom ba ngày, bốc mùi hôi ở {ward}.",
        "Nhà máy xả khói đen và mùi hắc vào ban đêm.",
        "Có người đổ trộm xà bần ra kênh thoát nước.",
    ),
    "tieng-on": (
        "Quán karaoke hát đến sau 23 giờ, ảnh hưởng giấc ngủ của người dân ở {ward}.",
        "Xưởng cơ khí hoạt động gây tiếng ồn cả ngày lẫn đêm.",
        "Nhà hàng xóm mở loa kéo hát lớn đến khuya.",
    ),
    "giao-thong": (
        "Đèn tín hiệu giao thông tại ngã tư bị hỏng, xe cộ ùn tắc.",
        "Xe tải chở quá tải chạy qua đường dân sinh làm hư hỏng mặt đường.",
    ),
    "an-ninh-trat-tu": (
        "Nhóm thanh niên tụ tập đua xe ban đêm tại {ward}.",
        "Nghi có đối tượng trộm cắp xe máy trong khu dân cư.",
    ),
    "dien": (
        "Mất điện từ sáng đến giờ chưa có điện trở lại ở {ward}.",
        "Dây điện võng thấp sát mái nhà, nguy cơ chập cháy.",
        "Hóa đơn tiền điện tháng này tăng bất thường.",
    ),
    "nuoc": (
        "Nước sinh hoạt có màu vàng đục, có mùi lạ.",
        "Khu phố mất nước hai ngày, chưa có thông báo của công ty cấp nước.",
        "Đường ống nước bị vỡ, nước chảy lênh láng ra đường ở {ward}.",
    ),
    "giao-duc": (
        "Phụ huynh phản ánh trường thu các khoản phí ngoài quy định đầu năm học.",
        "Hỏi về tuyển sinh lớp 6 cho học sinh chuyển đến từ tỉnh khác.",
    ),
    "lao-dong-viec-lam": (
        "Công ty nợ lương công nhân hai tháng, chưa đóng bảo hiểm xã hội.",
        "Hỏi thông tin phiên giao dịch việc làm trong tháng.",
    ),
    "dat-dai": (
        "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất nộp đã ba tháng chưa có kết quả.",
        "Tranh chấp ranh giới đất với hộ bên cạnh ở {ward}, đề nghị giải quyết.",
    ),
    "lua-dao": (
        "Nhận cuộc gọi giả danh công an yêu cầu chuyển tiền để xác minh tài khoản.",
        "Tin nhắn giả mạo ngân hàng gửi đường dẫn lạ để cập nhật thông tin.",
    ),
    "gop-y": (
        "Đề nghị lắp thêm đèn chiếu sáng và camera ở công viên {ward}.",
        "Góp ý nên kéo dài giờ tiếp nhận hồ sơ của bộ phận một cửa vào thứ Bảy.",
    ),
    "khac": ("Hỏi số điện thoại đường dây nóng của bệnh viện tỉnh.",),
}

FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE_NAMES = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu")
GIVEN_NAMES = ("An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc", "Tâm")
MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "070", "077", "079", "081", "083")
# Phone is the main channel, as in every province's figures.
CHANNEL_WEIGHTS = {
    Channel.VOICE: 55,
    Channel.ZALO: 15,
    Channel.WEB: 8,
    Channel.APP: 6,
    Channel.MESSENGER: 6,
    Channel.EMAIL: 4,
    Channel.VIBER: 3,
    Channel.SMS: 3,
}
ANSWERS = (
    "Đơn vị đã kiểm tra thực tế và xử lý xong, đã thông tin cho người dân.",
    "Đã hướng dẫn công dân thủ tục và nơi nộp hồ sơ.",
    "Đã cử cán bộ xuống hiện trường phối hợp với địa phương khắc phục.",
    "Nội dung đã được chuyển bộ phận chuyên môn, kết quả đã gửi công dân.",
)


@transaction.atomic
def cases_seed(*, count: int, seed: str) -> int:
    """Replay `count` reports over the last thirty days into the active province. Returns how many were made.

    All or nothing, so that an interrupted seed is simply run again.
    """
    if Case.objects.exists():
        return 0  # the province already has cases; the demo never adds to real or earlier data
    rng = random.Random(f"{seed}:{connection.schema_name}")
    world = _World()
    now = clock.now()
    start = now - timedelta(days=DAYS)
    # Volume grows towards today, as it does when a hotline becomes known.
    instants = sorted(start + (now - start) * (rng.random() ** 0.7) for _ in range(count))
    for index, received_at in enumerate(instants):
        _case_replay(rng, world, index=index, received_at=received_at, now=now)
    sla_sweep(now=now)
    return count


class _World:
    """What the replay picks from: categories, wards, operators, one staff account per agency."""

    def __init__(self) -> None:
        users = get_user_model().objects.filter(is_active=True)
        self.categories = [c for c in Category.objects.filter(is_active=True) if c.code in REPORTS]
        self.wards = list(Ward.objects.all())
        self.operators = list(users.filter(groups__permissions__codename="work_case").distinct().order_by("pk"))
        self.agency_users = {}
        for user in users.filter(agency_membership__isnull=False).select_related("agency_membership").order_by("pk"):
            self.agency_users.setdefault(user.agency_membership.agency_id, user)


def _case_replay(rng: random.Random, world: _World, *, index: int, received_at: datetime, now: datetime) -> None:
    category = _weighted_category(rng, world.categories)
    ward = rng.choice(world.wards) if world.wards and rng.random() < 0.85 else None
    text = rng.choice(REPORTS[category.code]).format(ward=ward.name if ward else "khu phố")
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    anonymous = channel in (Channel.WEB, Channel.APP) and rng.random() < 0.2
    with clock.at(received_at):
        case = services.case_intake(
            channel=channel,
            provider_id=f"demo-{index:05d}",
            description=text,
            category=category,
            priority=Priority.HIGH if rng.random() < 0.1 else Priority.NORMAL,
            ward=ward,
            reporter=None if anonymous else _reporter(rng, channel),
        ).case
    if not world.operators:
        return
    operator = rng.choice(world.operators)
    age = now - received_at
    _progress(rng, world, case, operator=operator, age=age, received_at=received_at)


def _progress(rng, world: _World, case: Case, *, operator, age: timedelta, received_at: datetime) -> None:
    """Move the case as far as people would have by now: older cases further along."""
    step = received_at
    if age < timedelta(minutes=20) or rng.random() < _stuck_probability(age):
        return  # still waiting for an operator: some of these are at risk or overdue
    step += timedelta(minutes=rng.randint(3, 40))
    if case.status == "new" and rng.random() < 0.12:
        with clock.at(step):
            services.case_close(
                case=case, actor=operator, resolution="Điện thoại viên đã giải đáp trực tiếp cho công dân."
            )
        return
    if case.status == "new" and rng.random() < 0.03:
        with clock.at(step):
            services.case_reject(case=case, actor=operator, reason="Nội dung không thuộc phạm vi tiếp nhận của 1022.")
        return
    agency = case.agency or Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).first()
    if case.status == "new":
        with clock.at(step):
            case = services.case_forward(case=case, actor=operator, agency=agency)
    agency_user = world.agency_users.get(case.agency_id) or operator
    if age < timedelta(hours=2) or rng.random() < 0.15:
        return  # forwarded, not yet taken up
    step += timedelta(minutes=rng.randint(10, 120))
    with clock.at(step):
        case = services.case_acknowledge(case=case, actor=agency_user)
    if age < timedelta(hours=6) or rng.random() < 0.2:
        return
    step += timedelta(hours=rng.uniform(0.5, 40))
    if step >= clock.now():
        return
    with clock.at(step):
        case = services.case_answer(case=case, actor=agency_user, answer=rng.choice(ANSWERS))
    step += timedelta(minutes=rng.randint(10, 240))
    if step >= clock.now() or rng.random() < 0.1:
        return
    with clock.at(step):
        services.case_close(case=case, actor=operator, resolution=case.resolution)


def _stuck_probability(age: timedelta) -> float:
    # Most recent reports still wait; a few old ones were forgotten (the overdue ones supervisors chase).
    if age < timedelta(hours=3):
        return 0.6
    if age < timedelta(days=1):
        return 0.15
    return 0.02


def _weighted_category(rng: random.Random, categories: list[Category]) -> Category:
    # Administrative procedures are the largest share (about 45 % in Ho Chi Minh City, 2025).
    weights = [12 if c.code == "thu-tuc-hanh-chinh" else 1 if c.is_emergency else 3 for c in categories]
    return rng.choices(categories, weights=weights)[0]


def _reporter(rng: random.Random, channel: str) -> services.ReporterInput:
    name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    channel_id = (
        f"{channel}-{rng.randrange(10**9)}" if channel in (Channel.ZALO, Channel.MESSENGER, Channel.VIBER) else ""
    )
    email = f"congdan{rng.randrange(10**5)}@example.vn" if channel == Channel.EMAIL else ""
    return services.ReporterInput(name=name, phone=phone, email=email, channel_id=channel_id)
