"""The national category list: what every province's own categories count as in national reports.

Provinces name and split their categories as they like; each maps to one of these codes,
so that reports compare across provinces. Codes are stable: national rollups store them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NationalCategory:
    code: str
    name: str
    name_en: str


NATIONAL_CATEGORIES: tuple[NationalCategory, ...] = (
    NationalCategory("thu-tuc-hanh-chinh", "Thủ tục hành chính", "Administrative procedures"),
    NationalCategory("chinh-sach-an-sinh", "Chính sách hỗ trợ, an sinh xã hội", "Policy support and social welfare"),
    NationalCategory("phong-chong-dich", "Phòng, chống dịch bệnh", "Epidemic control"),
    NationalCategory("tu-van-y-te", "Tư vấn sức khỏe, y tế", "Health advice"),
    NationalCategory("cap-cuu", "Cấp cứu", "Emergency"),
    NationalCategory("an-toan-thuc-pham", "An toàn thực phẩm", "Food safety"),
    NationalCategory("trat-tu-do-thi", "Trật tự đô thị, lấn chiếm", "Urban order and encroachment"),
    NationalCategory("ha-tang-ngap-nuoc", "Hạ tầng đô thị, ngập nước", "Urban infrastructure and flooding"),
    NationalCategory("moi-truong", "Môi trường, rác thải", "Environment and waste"),
    NationalCategory("tieng-on", "Tiếng ồn", "Noise"),
    NationalCategory("giao-thong", "Giao thông", "Traffic"),
    NationalCategory("an-ninh-trat-tu", "An ninh, trật tự", "Security and order"),
    NationalCategory("dien", "Điện", "Electricity"),
    NationalCategory("nuoc", "Cấp nước", "Water supply"),
    NationalCategory("giao-duc", "Giáo dục", "Education"),
    NationalCategory("lao-dong-viec-lam", "Lao động, việc làm", "Labour and employment"),
    NationalCategory("dat-dai", "Đất đai", "Land"),
    NationalCategory("lua-dao", "Lừa đảo", "Fraud and scams"),
    NationalCategory("gop-y", "Góp ý, kiến nghị", "Suggestions"),
    NationalCategory("khac", "Khác", "Other"),
)

NATIONAL_CATEGORY_CHOICES = [(c.code, c.name) for c in NATIONAL_CATEGORIES]
NATIONAL_CATEGORY_BY_CODE = {c.code: c for c in NATIONAL_CATEGORIES}
assert len(NATIONAL_CATEGORY_BY_CODE) == len(NATIONAL_CATEGORIES), "national category codes must be unique"
