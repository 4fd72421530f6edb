"""Questions and answers for the demo provinces' public FAQ sites. Pure data, no Django.

Every answer is a tuple of paragraphs; a paragraph starting with "- " is an item of a bullet list
(consecutive items make one list). "{province}" and "{hotline}" are replaced by `render` with the
province's name ("Cà Mau") and how to dial its hotline ("0290 1022").

Entries with `provinces=()` appear on every province's site; the others only on the sites named.
Epidemic entries (topic "Y tế và dịch bệnh", tag "COVID-19") record what the hotlines did in
2021–2022, from the articles in the shared seeds, and are written as guidance for epidemic mode.
No phone number other than 113, 114, 115 and the province's 1022 is given, and no web address
other than the national portals (dichvucong.gov.vn, baohiemxahoi.gov.vn) and addresses quoted
by the seed articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.search import search_fold

TOPIC_ADMIN = "Thủ tục hành chính"
TOPIC_INSURANCE = "Bảo hiểm xã hội và bảo hiểm y tế"
TOPIC_HEALTH = "Y tế và dịch bệnh"
TOPIC_UTILITIES = "Điện, nước"
TOPIC_DISASTER = "Thiên tai, ngập lụt"
TOPIC_ENVIRONMENT = "Môi trường, tiếng ồn"
TOPIC_URBAN = "Trật tự đô thị, giao thông"
TOPIC_SECURITY = "An ninh trật tự, lừa đảo"
TOPIC_HOTLINE = "Về tổng đài 1022"

TOPICS = (
    TOPIC_HOTLINE,
    TOPIC_ADMIN,
    TOPIC_INSURANCE,
    TOPIC_HEALTH,
    TOPIC_UTILITIES,
    TOPIC_DISASTER,
    TOPIC_ENVIRONMENT,
    TOPIC_URBAN,
    TOPIC_SECURITY,
)

PROVINCE_SLUGS = ("binhduong", "thanhhoa", "camau", "binhphuoc")

EMERGENCY_NOTICE = (
    "Trong trường hợp khẩn cấp, hãy gọi ngay 113 (Công an), 114 (cứu hỏa, cứu nạn, cứu hộ) hoặc "
    "115 (cấp cứu y tế); các số này gọi miễn phí, kể cả từ điện thoại hết tiền. Tổng đài 1022 "
    "tiếp nhận câu hỏi, phản ánh, kiến nghị và không thay thế các số khẩn cấp nêu trên."
)

ANNOUNCEMENT_EXAMPLE = (
    "Tổng đài 1022 {province} đang hoạt động ở chế độ phòng, chống dịch: tiếp nhận 24/7 các câu hỏi về "
    "cách ly, xét nghiệm, tiêm vắc-xin, chính sách hỗ trợ và phản ánh vi phạm quy định phòng dịch. "
    "Gọi {hotline} hoặc gửi phản ánh trực tuyến. Người có dấu hiệu khó thở, tím tái, đau tức ngực "
    "hãy gọi ngay 115."
)


@dataclass(frozen=True)
class FaqEntry:
    key: str
    question: str
    answer: tuple[str, ...]
    category: str
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    # Empty: every province.
    provinces: tuple[str, ...] = ()


def render(text: str, *, province: str, hotline: str) -> str:
    """The text with its placeholders filled in. Plain replacement: braces elsewhere stay as they are."""
    return text.replace("{province}", province).replace("{hotline}", hotline)


_WORD = re.compile(r"[a-z0-9]+")


def search_text(entry: FaqEntry) -> str:
    """Folded words of an entry's question, tags and answer, for a search index."""
    return " ".join(_WORD.findall(search_fold(" ".join((entry.question, *entry.tags, *entry.answer)))))


def matches(entry: FaqEntry, query: str) -> bool:
    """Whether every word of `query` begins a word of the entry (what a prefix full-text search does)."""
    words = set(search_text(entry).split())
    return all(any(w.startswith(q) for w in words) for q in _WORD.findall(search_fold(query)))


# ---------------------------------------------------------------------------------------------
# Every province: about the hotline
# ---------------------------------------------------------------------------------------------

_HOTLINE = (
    FaqEntry(
        key="cach-goi-tong-dai",
        question="Gọi Tổng đài 1022 {province} bằng cách nào?",
        answer=(
            "Từ điện thoại cố định trong tỉnh, bấm trực tiếp 1022. Từ điện thoại di động hoặc điện thoại "
            "cố định ở tỉnh khác, bấm {hotline}.",
            "Ngoài điện thoại, bạn có thể gửi phản ánh trực tuyến ngay trên trang này (mục Phản ánh), kèm "
            "ảnh chụp và địa điểm nếu có. Mỗi phản ánh được cấp một mã tra cứu để theo dõi kết quả.",
            "Khi gọi, hãy nói rõ nội dung cần hỏi hoặc phản ánh, địa chỉ cụ thể (số nhà, đường, tổ dân "
            "phố, xã/phường) và số điện thoại liên hệ để cơ quan xử lý có thể gọi lại khi cần.",
        ),
        category=TOPIC_HOTLINE,
        tags=("cách gọi", "số điện thoại", "phản ánh trực tuyến"),
        related=("gio-hoat-dong", "tra-cuu-ma-phan-anh", "khac-113-114-115"),
    ),
    FaqEntry(
        key="gio-hoat-dong",
        question="Tổng đài 1022 hoạt động vào thời gian nào?",
        answer=(
            "Tổng đài 1022 {province} tiếp nhận cuộc gọi và phản ánh trực tuyến 24 giờ mỗi ngày, 7 ngày "
            "mỗi tuần, kể cả ngày nghỉ, ngày lễ, Tết.",
            "Những nội dung tổng đài viên giải đáp được sẽ được trả lời ngay. Nội dung cần cơ quan chuyên "
            "môn xem xét được chuyển đi ngay khi tiếp nhận; việc xử lý của cơ quan tiếp nhận thực hiện "
            "theo thời hạn của từng lĩnh vực, trong đó một số lĩnh vực tính theo ngày làm việc.",
        ),
        category=TOPIC_HOTLINE,
        tags=("giờ làm việc", "24/7", "ngày lễ"),
        related=("thoi-han-xu-ly", "cach-goi-tong-dai"),
    ),
    FaqEntry(
        key="tong-dai-tiep-nhan-gi",
        question="Tổng đài 1022 tiếp nhận những nội dung gì?",
        answer=(
            "Tổng đài 1022 {province} là kênh tiếp nhận câu hỏi, phản ánh, kiến nghị của người dân và "
            "doanh nghiệp về các vấn đề của đời sống hằng ngày, trong đó có:",
            "- Thủ tục hành chính, chính sách an sinh xã hội, bảo hiểm xã hội, bảo hiểm y tế;",
            "- Điện, nước, chiếu sáng công cộng, hư hỏng đường sá, ngập nước;",
            "- Vệ sinh môi trường, rác thải, tiếng ồn, an toàn thực phẩm;",
            "- Lấn chiếm lòng đường, vỉa hè, trật tự xây dựng, giao thông;",
            "- Thông tin và phản ánh về công tác phòng, chống dịch bệnh khi có dịch;",
            "- Góp ý, đề xuất với chính quyền địa phương.",
            "Tổng đài không giải quyết thay cơ quan có thẩm quyền: nội dung vượt quá phạm vi giải đáp sẽ "
            "được chuyển đến đúng cơ quan, đơn vị, và bạn theo dõi kết quả bằng mã tra cứu.",
        ),
        category=TOPIC_HOTLINE,
        tags=("phạm vi", "phản ánh", "kiến nghị"),
        related=("khac-113-114-115", "khong-tiep-nhan", "tra-cuu-ma-phan-anh"),
    ),
    FaqEntry(
        key="khac-113-114-115",
        question="Tổng đài 1022 khác gì các số 113, 114, 115?",
        answer=(
            "113, 114 và 115 là các số khẩn cấp, dùng khi tính mạng, sức khỏe hoặc tài sản đang bị đe dọa "
            "và cần lực lượng có mặt ngay:",
            "- 113: Công an, khi có đánh nhau, trộm cướp, gây rối trật tự, tai nạn cần lực lượng chức năng;",
            "- 114: cứu hỏa, cứu nạn, cứu hộ, khi có cháy, nổ, người mắc kẹt, đuối nước, sập đổ công trình;",
            "- 115: cấp cứu y tế, khi có người bất tỉnh, khó thở, chấn thương nặng, đột quỵ.",
            "Tổng đài 1022 dành cho câu hỏi, phản ánh, kiến nghị không cần lực lượng có mặt tức thì. Nếu "
            "gọi 1022 trong tình huống khẩn cấp, tổng đài viên sẽ hướng dẫn hoặc chuyển ngay cuộc gọi sang "
            "115, nhưng cách nhanh nhất vẫn là gọi thẳng số khẩn cấp.",
        ),
        category=TOPIC_HOTLINE,
        tags=("113", "114", "115", "khẩn cấp", "cấp cứu"),
        related=("tong-dai-tiep-nhan-gi", "cuu-nan-ngap-lut"),
    ),
    FaqEntry(
        key="tra-cuu-ma-phan-anh",
        question="Làm thế nào để theo dõi kết quả xử lý phản ánh của tôi?",
        answer=(
            "Mỗi phản ánh gửi đến Tổng đài 1022 được cấp một mã tra cứu gồm 9 chữ số. Tổng đài viên đọc mã "
            "cho bạn khi kết thúc cuộc gọi; phản ánh gửi trực tuyến thì mã hiện ngay trên màn hình sau khi "
            "gửi. Hãy ghi lại mã này.",
            "Để xem tình trạng xử lý, vào mục Tra cứu trên trang này và nhập mã, hoặc gọi {hotline} và đọc "
            "mã cho tổng đài viên. Kết quả cho biết phản ánh đã được chuyển đến cơ quan nào, đang xử lý hay "
            "đã có kết quả.",
            "Mã tra cứu có chữ số kiểm tra, nên nếu nhập nhầm một chữ số hoặc đảo chỗ hai chữ số liền nhau, "
            "hệ thống sẽ báo mã không hợp lệ thay vì hiện thông tin của người khác.",
        ),
        category=TOPIC_HOTLINE,
        tags=("mã tra cứu", "theo dõi", "kết quả xử lý"),
        related=("thoi-han-xu-ly", "bao-mat-thong-tin"),
    ),
    FaqEntry(
        key="thoi-han-xu-ly",
        question="Phản ánh của tôi được xử lý trong bao lâu?",
        answer=(
            "Thời hạn phụ thuộc vào lĩnh vực. Tình huống cấp cứu được chuyển ngay sang 115. Các sự cố cần xử "
            "lý nhanh như mất điện, mất nước, ngập nước, tiếng ồn ban đêm, mất an ninh trật tự được chuyển "
            "ngay cho đơn vị trực và theo dõi theo giờ.",
            "Các nội dung khác như thủ tục hành chính, đất đai, góp ý được cơ quan có thẩm quyền xem xét "
            "theo thời hạn tính bằng ngày làm việc. Nội dung phức tạp, cần kiểm tra thực tế có thể cần nhiều "
            "thời gian hơn; khi đó cơ quan xử lý sẽ thông tin lại cho bạn.",
            "Bạn có thể xem tình trạng bất cứ lúc nào bằng mã tra cứu. Nếu quá thời hạn mà chưa có kết quả, "
            "hãy gọi lại {hotline} và đọc mã để tổng đài nhắc cơ quan xử lý.",
        ),
        category=TOPIC_HOTLINE,
        tags=("thời hạn", "bao lâu", "xử lý"),
        related=("tra-cuu-ma-phan-anh", "gio-hoat-dong"),
    ),
    FaqEntry(
        key="bao-mat-thong-tin",
        question="Thông tin cá nhân của người phản ánh có được giữ bí mật không?",
        answer=(
            "Có. Họ tên, số điện thoại, địa chỉ của người phản ánh chỉ được dùng để xác minh và trả lời phản "
            "ánh, không được công khai và không được cung cấp cho người bị phản ánh. Cơ quan xử lý chỉ nhận "
            "những thông tin cần thiết cho việc giải quyết.",
            "Bạn có thể đề nghị không nêu tên khi phản ánh. Khi đó cơ quan xử lý vẫn tiếp nhận nội dung, "
            "nhưng có thể không liên hệ lại được với bạn để hỏi thêm chi tiết; hãy mô tả thật cụ thể địa "
            "điểm, thời gian và sự việc.",
            "Mọi hành vi trù dập, gây khó khăn cho người cung cấp thông tin đều bị nghiêm cấm; nếu gặp "
            "trường hợp này, hãy phản ánh lại với tổng đài.",
        ),
        category=TOPIC_HOTLINE,
        tags=("bảo mật", "dữ liệu cá nhân", "giấu tên"),
        related=("tra-cuu-ma-phan-anh", "canh-bao-gia-danh"),
    ),
    FaqEntry(
        key="khong-tiep-nhan",
        question="Có những việc nào Tổng đài 1022 không tiếp nhận hoặc không giải quyết được?",
        answer=(
            "Tổng đài 1022 không thay thế các kênh sau:",
            "- Tình huống khẩn cấp: gọi 113, 114, 115;",
            "- Khiếu nại, tố cáo theo Luật Khiếu nại, Luật Tố cáo: gửi đơn đến cơ quan có thẩm quyền hoặc "
            "nơi tiếp công dân; tổng đài có thể hướng dẫn bạn nơi gửi;",
            "- Vụ việc đang được tòa án giải quyết hoặc đã có bản án có hiệu lực;",
            "- Tranh chấp dân sự giữa các cá nhân như vay mượn, hợp đồng mua bán.",
            "Tổng đài cũng không tiếp nhận nội dung xúc phạm, bịa đặt hoặc quảng cáo. Cuộc gọi quấy rối có "
            "thể bị từ chối phục vụ.",
        ),
        category=TOPIC_HOTLINE,
        tags=("khiếu nại", "tố cáo", "phạm vi"),
        related=("tong-dai-tiep-nhan-gi", "khac-113-114-115"),
    ),
    FaqEntry(
        key="don-vi-van-hanh",
        question="Cơ quan nào vận hành Tổng đài 1022 {province}?",
        answer=(
            "Tổng đài 1022 do Ủy ban nhân dân tỉnh giao Sở Khoa học và Công nghệ vận hành (từ ngày 1/3/2025, "
            "Sở Thông tin và Truyền thông hợp nhất vào Sở Khoa học và Công nghệ), phối hợp với doanh nghiệp "
            "viễn thông cung cấp hạ tầng.",
            "Các sở, ngành cấp tỉnh và Ủy ban nhân dân các xã, phường có trách nhiệm phối hợp, tiếp nhận "
            "phản ánh do tổng đài chuyển đến và báo cáo kết quả xử lý.",
        ),
        category=TOPIC_HOTLINE,
        tags=("Sở Khoa học và Công nghệ", "vận hành"),
        related=("tong-dai-tiep-nhan-gi",),
    ),
    FaqEntry(
        key="canh-bao-gia-danh",
        question="Có người xưng là nhân viên Tổng đài 1022 hoặc công an gọi yêu cầu chuyển tiền, tôi phải làm gì?",
        answer=(
            "Tổng đài 1022 và các cơ quan nhà nước không bao giờ yêu cầu người dân chuyển tiền, cung cấp mã "
            "OTP, mật khẩu tài khoản ngân hàng, mật khẩu VNeID hay cài ứng dụng lạ qua đường liên kết. Cơ "
            "quan công an cũng không làm việc, không lấy lời khai qua điện thoại hay mạng xã hội.",
            "Nếu nhận được cuộc gọi như vậy, hãy dừng cuộc gọi, không làm theo hướng dẫn. Nếu đã lỡ chuyển "
            "tiền, hãy báo ngay cho ngân hàng để đề nghị phong tỏa giao dịch và trình báo công an xã, phường "
            "nơi gần nhất hoặc gọi 113.",
            "Bạn có thể phản ánh số điện thoại, tài khoản đáng ngờ qua Tổng đài 1022 để cơ quan chức năng "
            "kiểm tra và cảnh báo cộng đồng.",
        ),
        category=TOPIC_SECURITY,
        tags=("lừa đảo", "giả danh", "OTP", "chuyển tiền"),
        related=("bao-mat-thong-tin", "mat-an-ninh-trat-tu"),
    ),
    FaqEntry(
        key="mat-an-ninh-trat-tu",
        question="Phát hiện tụ tập gây rối, trộm cắp, cờ bạc trong khu dân cư thì báo ở đâu?",
        answer=(
            "Nếu sự việc đang xảy ra và có nguy cơ gây thương tích hoặc mất tài sản, hãy gọi ngay 113 hoặc "
            "báo công an xã, phường nơi gần nhất.",
            "Với các tình trạng kéo dài như tụ điểm cờ bạc, tệ nạn, nhóm thanh thiếu niên tụ tập đua xe "
            "vào ban đêm, bạn có thể phản ánh qua Tổng đài 1022, nêu rõ địa điểm, khung giờ thường diễn ra; "
            "phản ánh được chuyển cho công an nơi xảy ra sự việc và thông tin người báo được giữ bí mật.",
        ),
        category=TOPIC_SECURITY,
        tags=("an ninh trật tự", "công an", "tệ nạn"),
        related=("khac-113-114-115", "bao-mat-thong-tin"),
    ),
)

# ---------------------------------------------------------------------------------------------
# Every province: administrative procedures
# ---------------------------------------------------------------------------------------------

_ADMIN = (
    FaqEntry(
        key="dich-vu-cong-truc-tuyen",
        question="Làm thủ tục hành chính trực tuyến như thế nào?",
        answer=(
            "Phần lớn thủ tục hành chính có thể nộp trực tuyến trên Cổng Dịch vụ công quốc gia tại địa chỉ "
            "dichvucong.gov.vn. Người dân đăng nhập bằng tài khoản định danh điện tử VNeID.",
            "- Tìm tên thủ tục, đọc kỹ thành phần hồ sơ và lệ phí;",
            "- Điền tờ khai, đính kèm bản chụp hoặc bản điện tử giấy tờ; giấy tờ đã có trong cơ sở dữ liệu "
            "quốc gia về dân cư thường không phải nộp lại;",
            "- Thanh toán lệ phí trực tuyến nếu có, sau đó lưu lại mã hồ sơ để tra cứu tiến độ.",
            "Nếu cần hỗ trợ trực tiếp, hãy đến Trung tâm Phục vụ hành chính công của tỉnh hoặc của xã, "
            "phường; cán bộ tại đây hướng dẫn và có thể nộp hồ sơ trực tuyến giúp bạn.",
        ),
        category=TOPIC_ADMIN,
        tags=("dịch vụ công", "dichvucong.gov.vn", "nộp hồ sơ trực tuyến"),
        related=("tai-khoan-vneid", "tra-cuu-ho-so-hanh-chinh"),
    ),
    FaqEntry(
        key="tai-khoan-vneid",
        question="Đăng ký tài khoản định danh điện tử VNeID ở đâu?",
        answer=(
            "Tài khoản định danh điện tử mức 1 có thể tự đăng ký trên ứng dụng VNeID bằng điện thoại có chức "
            "năng đọc chip (NFC) và thẻ căn cước hoặc căn cước công dân gắn chip.",
            "Tài khoản mức 2 (dùng được cho hầu hết dịch vụ công trực tuyến) phải đăng ký trực tiếp tại công "
            "an xã, phường hoặc nơi làm thủ tục cấp căn cước, mang theo thẻ căn cước và điện thoại có số thuê "
            "bao chính chủ. Sau khi được duyệt, bạn nhận thông báo và kích hoạt tài khoản trên ứng dụng.",
            "Nếu quên mật khẩu, dùng chức năng quên mật khẩu trên ứng dụng; nếu đã đổi số điện thoại, hãy "
            "đến công an xã, phường để được cập nhật. Không cung cấp mật khẩu hay mã kích hoạt cho bất kỳ ai.",
        ),
        category=TOPIC_ADMIN,
        tags=("VNeID", "định danh điện tử", "mức 2"),
        related=("dich-vu-cong-truc-tuyen", "can-cuoc", "canh-bao-gia-danh"),
    ),
    FaqEntry(
        key="can-cuoc",
        question="Làm thẻ căn cước ở đâu, thẻ căn cước công dân cũ còn dùng được không?",
        answer=(
            "Theo Luật Căn cước năm 2023 (có hiệu lực từ ngày 1/7/2024), công dân Việt Nam từ đủ 14 tuổi phải "
            "làm thủ tục cấp thẻ căn cước; trẻ dưới 14 tuổi được cấp khi cha, mẹ hoặc người giám hộ đề nghị.",
            "Hồ sơ nộp tại cơ quan quản lý căn cước thuộc công an tỉnh hoặc công an xã, phường nơi được phân "
            "công tiếp nhận; một số trường hợp cấp đổi, cấp lại có thể đề nghị trực tuyến qua ứng dụng VNeID "
            "hoặc Cổng Dịch vụ công quốc gia.",
            "Thẻ căn cước công dân đã cấp vẫn có giá trị sử dụng đến hết thời hạn in trên thẻ. Công dân cấp "
            "đổi thẻ khi đủ 14, 25, 40 và 60 tuổi, khi thẻ hư hỏng, thay đổi thông tin hoặc khi bị mất.",
        ),
        category=TOPIC_ADMIN,
        tags=("căn cước", "căn cước công dân", "cấp đổi"),
        related=("tai-khoan-vneid", "dang-ky-cu-tru"),
    ),
    FaqEntry(
        key="dang-ky-cu-tru",
        question="Đăng ký thường trú, tạm trú như thế nào khi không còn sổ hộ khẩu?",
        answer=(
            "Từ ngày 1/1/2023, sổ hộ khẩu và sổ tạm trú giấy không còn được sử dụng; thông tin cư trú được "
            "quản lý trong Cơ sở dữ liệu quốc gia về dân cư. Khi cần chứng minh nơi cư trú, bạn có thể dùng "
            "thẻ căn cước, thông tin cư trú trên ứng dụng VNeID hoặc giấy xác nhận thông tin về cư trú.",
            "Việc đăng ký thường trú, tạm trú, khai báo tạm vắng thực hiện tại công an xã, phường nơi cư trú, "
            "hoặc trực tuyến qua Cổng Dịch vụ công quốc gia hay ứng dụng VNeID.",
            "Người đến sinh sống ở chỗ ở hợp pháp ngoài xã, phường nơi đã đăng ký thường trú để làm việc, học "
            "tập từ 30 ngày trở lên phải đăng ký tạm trú. Chủ nhà trọ có thể hướng dẫn hoặc đăng ký giúp người "
            "thuê theo quy định.",
        ),
        category=TOPIC_ADMIN,
        tags=("cư trú", "thường trú", "tạm trú", "sổ hộ khẩu"),
        related=("can-cuoc", "dich-vu-cong-truc-tuyen"),
    ),
    FaqEntry(
        key="dang-ky-khai-sinh",
        question="Đăng ký khai sinh cho con cần những gì?",
        answer=(
            "Cha, mẹ có trách nhiệm đăng ký khai sinh cho con trong thời hạn 60 ngày kể từ ngày sinh, tại Ủy "
            "ban nhân dân xã, phường nơi cư trú của cha hoặc mẹ.",
            "- Tờ khai đăng ký khai sinh;",
            "- Giấy chứng sinh do cơ sở y tế cấp (nếu không có thì văn bản của người làm chứng hoặc giấy cam "
            "đoan về việc sinh);",
            "- Giấy tờ tùy thân của người đi đăng ký; giấy chứng nhận kết hôn của cha mẹ nếu có.",
            "Có thể đăng ký trực tuyến theo nhóm thủ tục liên thông đăng ký khai sinh, đăng ký thường trú và "
            "cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi trên Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID, "
            "không phải đi lại nhiều nơi.",
        ),
        category=TOPIC_ADMIN,
        tags=("khai sinh", "hộ tịch", "trẻ em", "liên thông"),
        related=("dich-vu-cong-truc-tuyen", "bhyt-tre-em"),
    ),
    FaqEntry(
        key="dat-dai-so-do",
        question="Nộp hồ sơ cấp, sang tên giấy chứng nhận quyền sử dụng đất ở đâu?",
        answer=(
            "Hồ sơ đăng ký đất đai, cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với "
            "đất và đăng ký biến động (chuyển nhượng, tặng cho, thừa kế) nộp tại Trung tâm Phục vụ hành chính "
            "công hoặc bộ phận một cửa nơi có đất, hoặc qua Cổng Dịch vụ công nếu thủ tục đã được cung cấp "
            "trực tuyến. Việc thực hiện theo Luật Đất đai năm 2024.",
            "Giấy tờ, thời hạn giải quyết và nghĩa vụ tài chính khác nhau theo từng trường hợp; bạn nên hỏi "
            "trước cán bộ một cửa hoặc xem hướng dẫn của thủ tục trên Cổng Dịch vụ công.",
            "Nếu hồ sơ bị chậm so với ngày hẹn trả kết quả, bạn có thể phản ánh qua Tổng đài 1022, nêu mã "
            "hồ sơ và nơi đã nộp.",
        ),
        category=TOPIC_ADMIN,
        tags=("đất đai", "sổ đỏ", "giấy chứng nhận", "sang tên"),
        related=("tranh-chap-dat-dai", "tra-cuu-ho-so-hanh-chinh"),
    ),
    FaqEntry(
        key="tranh-chap-dat-dai",
        question="Hàng xóm lấn ranh đất, tôi cần làm gì?",
        answer=(
            "Trước hết, các bên nên tự hòa giải. Nếu không thành, hãy gửi đơn đề nghị hòa giải đến Ủy ban "
            "nhân dân xã, phường nơi có đất. Theo Luật Đất đai năm 2024, hòa giải tại Ủy ban nhân dân cấp xã "
            "là bước bắt buộc trước khi đề nghị cơ quan có thẩm quyền hoặc tòa án giải quyết tranh chấp.",
            "Tổng đài 1022 không giải quyết tranh chấp đất đai, nhưng tiếp nhận phản ánh khi đơn của bạn "
            "không được tiếp nhận hoặc bị chậm giải quyết, và tiếp nhận phản ánh về xây dựng trái phép trên "
            "đất đang tranh chấp.",
        ),
        category=TOPIC_ADMIN,
        tags=("tranh chấp đất đai", "hòa giải", "lấn ranh"),
        related=("dat-dai-so-do", "khong-tiep-nhan"),
    ),
    FaqEntry(
        key="tra-cuu-ho-so-hanh-chinh",
        question="Hồ sơ hành chính đã quá hẹn mà chưa có kết quả thì làm thế nào?",
        answer=(
            "Bạn có thể tra cứu tiến độ hồ sơ trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) hoặc cổng "
            "dịch vụ công của tỉnh bằng mã hồ sơ ghi trên giấy tiếp nhận và hẹn trả kết quả.",
            "Khi hồ sơ trễ hạn, cơ quan giải quyết phải có văn bản xin lỗi và hẹn lại thời gian trả kết quả. "
            "Nếu không nhận được thông báo này, hoặc bị yêu cầu bổ sung giấy tờ ngoài quy định, hãy phản ánh "
            "qua Tổng đài 1022, cho biết mã hồ sơ, tên thủ tục và nơi nộp để được chuyển đến cơ quan có trách "
            "nhiệm.",
        ),
        category=TOPIC_ADMIN,
        tags=("trễ hạn", "mã hồ sơ", "tra cứu hồ sơ"),
        related=("dich-vu-cong-truc-tuyen", "thoi-han-xu-ly"),
    ),
)

# ---------------------------------------------------------------------------------------------
# Every province: social and health insurance
# ---------------------------------------------------------------------------------------------

_INSURANCE = (
    FaqEntry(
        key="tra-cuu-bhxh",
        question="Làm sao biết công ty có đóng bảo hiểm xã hội cho tôi không?",
        answer=(
            "Cài ứng dụng VssID – Bảo hiểm xã hội số của Bảo hiểm xã hội Việt Nam, đăng nhập bằng mã số bảo "
            "hiểm xã hội hoặc tài khoản VNeID để xem quá trình đóng bảo hiểm xã hội, bảo hiểm thất nghiệp và "
            "thẻ bảo hiểm y tế. Bạn cũng có thể tra cứu trên trang baohiemxahoi.gov.vn.",
            "Nếu phát hiện doanh nghiệp trừ tiền bảo hiểm vào lương nhưng không đóng, hoặc đóng không đủ, hãy "
            "trao đổi với doanh nghiệp trước; nếu không được giải quyết, hãy phản ánh đến cơ quan bảo hiểm xã "
            "hội nơi doanh nghiệp đóng, Sở Nội vụ hoặc qua Tổng đài 1022.",
        ),
        category=TOPIC_INSURANCE,
        tags=("bảo hiểm xã hội", "VssID", "tra cứu"),
        related=("bhxh-mot-lan", "tro-cap-that-nghiep"),
    ),
    FaqEntry(
        key="bhxh-mot-lan",
        question="Tôi nghỉ việc, có được nhận bảo hiểm xã hội một lần không?",
        answer=(
            "Điều kiện hưởng bảo hiểm xã hội một lần được quy định trong Luật Bảo hiểm xã hội năm 2024, có "
            "hiệu lực từ ngày 1/7/2025, và khác nhau tùy thời điểm bạn bắt đầu tham gia bảo hiểm xã hội.",
            "Trước khi quyết định, bạn nên cân nhắc bảo lưu thời gian đóng để tiếp tục tham gia sau này: "
            "rút một lần đồng nghĩa với việc không còn thời gian đóng đó để tính lương hưu và các chế độ dài "
            "hạn.",
            "Hồ sơ nộp tại cơ quan bảo hiểm xã hội nơi cư trú hoặc trực tuyến trên Cổng Dịch vụ công quốc "
            "gia. Cán bộ bảo hiểm xã hội sẽ cho biết trường hợp cụ thể của bạn có đủ điều kiện hay không.",
        ),
        category=TOPIC_INSURANCE,
        tags=("bảo hiểm xã hội một lần", "nghỉ việc", "bảo lưu"),
        related=("tra-cuu-bhxh", "tro-cap-that-nghiep"),
    ),
    FaqEntry(
        key="tro-cap-that-nghiep",
        question="Hồ sơ hưởng trợ cấp thất nghiệp nộp ở đâu?",
        answer=(
            "Người lao động đã đóng bảo hiểm thất nghiệp, khi chấm dứt hợp đồng lao động, nộp hồ sơ đề nghị "
            "hưởng trợ cấp thất nghiệp tại trung tâm dịch vụ việc làm thuộc tỉnh, hoặc trực tuyến trên Cổng "
            "Dịch vụ công quốc gia.",
            "Cần nộp trong thời hạn 3 tháng kể từ ngày chấm dứt hợp đồng lao động theo quy định hiện hành; "
            "quá hạn sẽ không được giải quyết cho lần đó, thời gian đóng được bảo lưu.",
            "- Đề nghị hưởng trợ cấp thất nghiệp theo mẫu;",
            "- Giấy tờ chứng minh đã chấm dứt hợp đồng lao động hoặc hợp đồng làm việc;",
            "- Sổ bảo hiểm xã hội hoặc thông tin quá trình đóng trên VssID.",
        ),
        category=TOPIC_INSURANCE,
        tags=("thất nghiệp", "việc làm", "trợ cấp"),
        related=("tra-cuu-bhxh", "bhxh-mot-lan"),
    ),
    FaqEntry(
        key="the-bhyt-kham-benh",
        question="Đi khám bệnh bảo hiểm y tế có cần mang thẻ giấy không?",
        answer=(
            "Không bắt buộc. Khi khám, chữa bệnh bảo hiểm y tế, bạn có thể xuất trình thẻ căn cước hoặc căn "
            "cước công dân gắn chip, hình ảnh thẻ bảo hiểm y tế trên ứng dụng VssID hoặc thông tin bảo hiểm y "
            "tế tích hợp trên ứng dụng VNeID, tại các cơ sở y tế đã kết nối.",
            "Để được hưởng đúng mức, hãy đến cơ sở đăng ký khám chữa bệnh ban đầu hoặc thực hiện chuyển tuyến "
            "theo quy định, trừ trường hợp cấp cứu.",
            "Nếu bị từ chối tiếp nhận thẻ hợp lệ, hoặc bị yêu cầu tự mua thuốc, vật tư thuộc danh mục được "
            "bảo hiểm chi trả, hãy phản ánh với bộ phận chăm sóc khách hàng của bệnh viện, cơ quan bảo hiểm "
            "xã hội hoặc qua Tổng đài 1022.",
        ),
        category=TOPIC_INSURANCE,
        tags=("bảo hiểm y tế", "khám chữa bệnh", "VssID", "VNeID"),
        related=("bhyt-ho-gia-dinh", "tra-cuu-bhxh"),
    ),
    FaqEntry(
        key="bhyt-ho-gia-dinh",
        question="Mua, gia hạn bảo hiểm y tế hộ gia đình ở đâu?",
        answer=(
            "Bảo hiểm y tế hộ gia đình được đăng ký, gia hạn tại cơ quan bảo hiểm xã hội, các điểm thu, đại lý "
            "thu do bảo hiểm xã hội ủy quyền tại xã, phường, hoặc đóng trực tuyến trên Cổng Dịch vụ công quốc "
            "gia và ứng dụng VssID.",
            "Nên gia hạn trước khi thẻ hết hạn để quyền lợi được liên tục. Người thuộc diện được nhà nước đóng "
            "hoặc hỗ trợ đóng (hộ nghèo, cận nghèo, người cao tuổi theo quy định, học sinh, sinh viên…) hãy hỏi "
            "Ủy ban nhân dân xã, phường hoặc nhà trường về thủ tục.",
        ),
        category=TOPIC_INSURANCE,
        tags=("bảo hiểm y tế", "hộ gia đình", "gia hạn"),
        related=("the-bhyt-kham-benh", "bhyt-tre-em"),
    ),
    FaqEntry(
        key="bhyt-tre-em",
        question="Trẻ dưới 6 tuổi có được cấp thẻ bảo hiểm y tế miễn phí không?",
        answer=(
            "Có. Trẻ em dưới 6 tuổi thuộc nhóm được ngân sách nhà nước đóng bảo hiểm y tế. Khi đăng ký khai "
            "sinh theo thủ tục liên thông, thẻ bảo hiểm y tế của trẻ được cấp cùng lúc; nếu chưa có, cha mẹ "
            "liên hệ Ủy ban nhân dân xã, phường hoặc cơ quan bảo hiểm xã hội để được cấp.",
            "Khi đi khám, có thể xuất trình thẻ hoặc mã số bảo hiểm y tế của trẻ; trẻ mới sinh chưa có thẻ "
            "vẫn được hưởng quyền lợi theo quy định khi xuất trình giấy khai sinh hoặc giấy chứng sinh.",
        ),
        category=TOPIC_INSURANCE,
        tags=("bảo hiểm y tế", "trẻ em", "miễn phí"),
        related=("dang-ky-khai-sinh", "bhyt-ho-gia-dinh"),
    ),
)

# ---------------------------------------------------------------------------------------------
# Every province: power and water
# ---------------------------------------------------------------------------------------------

_UTILITIES = (
    FaqEntry(
        key="mat-dien",
        question="Khu vực tôi bị mất điện, báo cho ai?",
        answer=(
            "Trước hết, hãy kiểm tra aptomat, cầu dao trong nhà và hỏi các nhà lân cận. Nếu cả khu vực mất "
            "điện, hãy báo tổng đài chăm sóc khách hàng của công ty điện lực (số in trên hóa đơn tiền điện và "
            "trong ứng dụng chăm sóc khách hàng của ngành điện), hoặc gọi Tổng đài 1022 để được chuyển đến "
            "điện lực khu vực.",
            "Lịch ngừng cấp điện theo kế hoạch để bảo trì, sửa chữa được điện lực thông báo trước cho khách "
            "hàng. Nếu mất điện kéo dài mà không có thông báo, hãy nêu rõ địa chỉ và thời điểm bắt đầu mất "
            "điện khi phản ánh.",
        ),
        category=TOPIC_UTILITIES,
        tags=("mất điện", "điện lực", "cắt điện"),
        related=("day-dien-nguy-hiem", "mat-nuoc"),
    ),
    FaqEntry(
        key="day-dien-nguy-hiem",
        question="Thấy dây điện đứt, trụ điện nghiêng hoặc tia lửa điện thì làm gì?",
        answer=(
            "Tuyệt đối không lại gần, không chạm vào dây điện và vật dụng đang tiếp xúc với dây điện, nhất là "
            "khi trời mưa hoặc đường đang ngập. Cảnh báo người xung quanh tránh xa.",
            "Nếu có cháy hoặc có người bị điện giật, gọi ngay 114 và 115. Các trường hợp còn lại, báo ngay cho "
            "điện lực hoặc Tổng đài 1022, nêu vị trí cụ thể (số nhà, tên đường, số hiệu trụ điện nếu thấy) để "
            "đơn vị quản lý lưới điện cắt điện và xử lý.",
        ),
        category=TOPIC_UTILITIES,
        tags=("dây điện", "điện giật", "an toàn điện"),
        related=("mat-dien", "khac-113-114-115"),
    ),
    FaqEntry(
        key="mat-nuoc",
        question="Nhà tôi bị mất nước sinh hoạt hoặc nước đục, có mùi, báo ở đâu?",
        answer=(
            "Báo tổng đài chăm sóc khách hàng của đơn vị cấp nước (số in trên hóa đơn tiền nước) hoặc gọi Tổng "
            "đài 1022, cho biết địa chỉ, mã khách hàng nếu có, thời điểm mất nước hoặc biểu hiện bất thường của "
            "nước (màu, mùi, cặn).",
            "Nếu thấy đường ống cấp nước bị vỡ, rò rỉ trên đường, hãy phản ánh kèm ảnh chụp và vị trí để đơn "
            "vị cấp nước khắc phục. Khi nghi ngờ nước không bảo đảm, tạm thời không dùng để ăn uống cho đến khi "
            "có kết quả kiểm tra.",
        ),
        category=TOPIC_UTILITIES,
        tags=("mất nước", "nước sạch", "vỡ ống"),
        related=("mat-dien",),
    ),
)

# ---------------------------------------------------------------------------------------------
# Every province: natural disasters and flooding
# ---------------------------------------------------------------------------------------------

_DISASTER = (
    FaqEntry(
        key="ngap-nuoc-duong-pho",
        question="Đường trong khu dân cư ngập sau mỗi cơn mưa, phản ánh thế nào?",
        answer=(
            "Hãy phản ánh qua Tổng đài 1022 hoặc gửi trực tuyến kèm ảnh, nêu vị trí, mức ngập ước tính và thời "
            "gian nước rút. Thông tin về cống bị tắc, miệng cống mất nắp, rác chắn cửa xả giúp đơn vị quản lý "
            "thoát nước xử lý nhanh hơn.",
            "Khi đường đang ngập sâu, không cố đi qua chỗ nước chảy xiết, tránh xa trụ điện, hố ga và báo cho "
            "người xung quanh.",
        ),
        category=TOPIC_DISASTER,
        tags=("ngập nước", "thoát nước", "cống"),
        related=("cuu-nan-ngap-lut", "o-ga-duong-hu"),
    ),
    FaqEntry(
        key="cuu-nan-ngap-lut",
        question="Khi có bão, lũ, nhà bị ngập hoặc có người mắc kẹt thì gọi ai?",
        answer=(
            "Khi có người gặp nguy hiểm, mắc kẹt, bị nước cuốn, gọi ngay 114 (cứu nạn, cứu hộ) hoặc 115 nếu cần "
            "cấp cứu; đồng thời báo chính quyền xã, phường và trưởng thôn, tổ dân phố.",
            "Trước khi bão, lũ đến, hãy theo dõi thông báo của Ban Chỉ huy phòng thủ dân sự các cấp trên "
            "phương tiện thông tin đại chúng, chằng chống nhà cửa, chuẩn bị nước uống, lương thực, thuốc men, "
            "đèn pin và sẵn sàng sơ tán theo hướng dẫn của chính quyền.",
            "Tổng đài 1022 tiếp nhận phản ánh về cây đổ, sạt lở, ngập kéo dài và nhu cầu hỗ trợ sau thiên tai "
            "để chuyển đến chính quyền địa phương.",
        ),
        category=TOPIC_DISASTER,
        tags=("bão", "lũ lụt", "cứu nạn", "sơ tán"),
        related=("khac-113-114-115", "cay-do-sat-lo"),
    ),
    FaqEntry(
        key="cay-do-sat-lo",
        question="Cây xanh có nguy cơ gãy đổ, bờ kè sạt lở thì báo ở đâu?",
        answer=(
            "Hãy phản ánh qua Tổng đài 1022 hoặc báo Ủy ban nhân dân xã, phường, nêu vị trí và chụp ảnh nếu "
            "có thể làm an toàn. Phản ánh được chuyển đến đơn vị quản lý cây xanh, công trình để kiểm tra, cắt "
            "tỉa hoặc rào chắn cảnh báo.",
            "Nếu cây đã đổ đè lên người, nhà hoặc dây điện, gọi ngay 114; không tự cưa cắt cây đang vướng dây điện.",
        ),
        category=TOPIC_DISASTER,
        tags=("cây xanh", "sạt lở", "bờ kè"),
        related=("cuu-nan-ngap-lut", "day-dien-nguy-hiem"),
    ),
)

# ---------------------------------------------------------------------------------------------
# Every province: environment and noise
# ---------------------------------------------------------------------------------------------

_ENVIRONMENT = (
    FaqEntry(
        key="tieng-on-karaoke",
        question="Hàng xóm hát karaoke ồn ào đến khuya thì phản ánh ở đâu?",
        answer=(
            "Gây tiếng động lớn, làm ồn ào, huyên náo tại khu dân cư trong khoảng thời gian từ 22 giờ đến 6 giờ "
            "sáng hôm sau là hành vi bị xử phạt vi phạm hành chính. Ban ngày, tiếng ồn vượt quy chuẩn kỹ thuật "
            "quốc gia về tiếng ồn cũng có thể bị xử lý.",
            "Bạn có thể nhắc nhở nhẹ nhàng trước. Nếu không hiệu quả, hãy báo công an xã, phường hoặc gọi Tổng "
            "đài 1022, nêu địa chỉ nơi phát ra tiếng ồn và khung giờ thường diễn ra; phản ánh được chuyển đến "
            "công an nơi xảy ra sự việc và thông tin của bạn được giữ bí mật.",
            "Nếu tranh cãi có nguy cơ xô xát, hãy gọi 113.",
        ),
        category=TOPIC_ENVIRONMENT,
        tags=("tiếng ồn", "karaoke", "ban đêm"),
        related=("bao-mat-thong-tin", "tieng-on-cong-trinh"),
    ),
    FaqEntry(
        key="tieng-on-cong-trinh",
        question="Công trình xây dựng thi công gây ồn, bụi vào ban đêm thì làm gì?",
        answer=(
            "Công trình xây dựng phải có biện pháp che chắn, hạn chế bụi, tiếng ồn và không được gây ồn quá quy "
            "chuẩn, nhất là vào ban đêm. Hãy phản ánh qua Tổng đài 1022 kèm địa chỉ công trình, tên chủ đầu tư "
            "hoặc nhà thầu ghi trên biển báo công trình (nếu có) và thời gian thi công gây ồn.",
            "Phản ánh được chuyển đến Ủy ban nhân dân xã, phường nơi có công trình để kiểm tra, xử lý.",
        ),
        category=TOPIC_ENVIRONMENT,
        tags=("tiếng ồn", "bụi", "công trình xây dựng"),
        related=("tieng-on-karaoke", "lan-chiem-via-he"),
    ),
    FaqEntry(
        key="dot-rac",
        question="Có người đốt rác, đốt đồ phế thải gây khói trong khu dân cư, phản ánh thế nào?",
        answer=(
            "Đốt rác thải ngoài trời gây ô nhiễm không khí, ảnh hưởng sức khỏe người dân xung quanh và có nguy "
            "cơ gây cháy; rác thải sinh hoạt phải được phân loại, chuyển giao cho đơn vị thu gom theo quy định "
            "của địa phương.",
            "Hãy phản ánh qua Tổng đài 1022 hoặc báo Ủy ban nhân dân xã, phường, nêu địa điểm, thời gian thường "
            "xảy ra. Nếu lửa bùng lớn, lan sang nhà cửa, cây cối, gọi ngay 114.",
        ),
        category=TOPIC_ENVIRONMENT,
        tags=("đốt rác", "khói", "ô nhiễm không khí"),
        related=("rac-thai-thu-gom", "khac-113-114-115"),
    ),
    FaqEntry(
        key="rac-thai-thu-gom",
        question="Rác không được thu gom, có bãi rác tự phát ven đường thì báo ai?",
        answer=(
            "Hãy phản ánh qua Tổng đài 1022, gửi kèm ảnh và vị trí cụ thể. Phản ánh được chuyển đến Ủy ban nhân "
            "dân xã, phường và đơn vị thu gom, vận chuyển rác thải để xử lý.",
            "Nếu bạn biết người, phương tiện đổ trộm rác, phế thải xây dựng (thời gian, biển số xe), hãy cung "
            "cấp để cơ quan chức năng xác minh; thông tin người phản ánh được giữ bí mật.",
        ),
        category=TOPIC_ENVIRONMENT,
        tags=("rác thải", "thu gom", "đổ trộm"),
        related=("dot-rac", "bao-mat-thong-tin"),
    ),
    FaqEntry(
        key="o-nhiem-co-so-san-xuat",
        question="Cơ sở sản xuất, chăn nuôi gần nhà xả nước thải, bốc mùi hôi thì phản ánh thế nào?",
        answer=(
            "Hãy phản ánh qua Tổng đài 1022, nêu tên hoặc địa chỉ cơ sở, loại ô nhiễm (nước thải, mùi, khói, "
            "bụi), khung giờ thường xảy ra và ảnh hoặc video nếu có.",
            "Phản ánh được chuyển đến Ủy ban nhân dân xã, phường và Sở Nông nghiệp và Môi trường để kiểm tra. "
            "Ô nhiễm thường xảy ra vào ban đêm hoặc lúc trời mưa, nên thời điểm cụ thể giúp đoàn kiểm tra phát "
            "hiện vi phạm.",
        ),
        category=TOPIC_ENVIRONMENT,
        tags=("ô nhiễm", "nước thải", "mùi hôi"),
        related=("rac-thai-thu-gom",),
    ),
)

# ---------------------------------------------------------------------------------------------
# Every province: urban order and traffic
# ---------------------------------------------------------------------------------------------

_URBAN = (
    FaqEntry(
        key="den-duong-hong",
        question="Đèn chiếu sáng công cộng trên đường bị hỏng, không sáng, báo ở đâu?",
        answer=(
            "Hãy phản ánh qua Tổng đài 1022 hoặc gửi trực tuyến, nêu tên đường, đoạn đường (trước số nhà nào) "
            "và số hiệu trụ đèn nếu thấy. Phản ánh được chuyển đến đơn vị quản lý hệ thống chiếu sáng công cộng "
            "để sửa chữa.",
            "Đèn tín hiệu giao thông bị hỏng tại giao lộ cũng phản ánh theo cách này; trường hợp gây ùn tắc, "
            "mất an toàn nghiêm trọng, hãy báo công an nơi gần nhất.",
        ),
        category=TOPIC_URBAN,
        tags=("đèn đường", "chiếu sáng công cộng", "đèn tín hiệu"),
        related=("o-ga-duong-hu",),
    ),
    FaqEntry(
        key="o-ga-duong-hu",
        question="Mặt đường có ổ gà, hố sâu, nắp hố ga bị mất thì báo cho ai?",
        answer=(
            "Hãy phản ánh qua Tổng đài 1022, gửi kèm ảnh và vị trí (tên đường, gần số nhà hoặc cột mốc nào). "
            "Phản ánh được chuyển đến đơn vị quản lý đường tương ứng (tỉnh hoặc xã, phường) để rào chắn và sửa "
            "chữa.",
            "Nếu hố sâu, mất nắp hố ga có nguy cơ gây tai nạn ngay, hãy cảnh báo tạm bằng vật dễ nhận thấy khi "
            "làm được an toàn, và nói rõ mức độ nguy hiểm khi gọi để phản ánh được xử lý nhanh.",
        ),
        category=TOPIC_URBAN,
        tags=("ổ gà", "hư hỏng đường", "hố ga"),
        related=("den-duong-hong", "ngap-nuoc-duong-pho"),
    ),
    FaqEntry(
        key="lan-chiem-via-he",
        question="Vỉa hè, lòng đường bị lấn chiếm để buôn bán, đậu xe, phản ánh thế nào?",
        answer=(
            "Việc lấn chiếm vỉa hè, lòng đường để kinh doanh, đặt biển quảng cáo, đậu xe trái phép thuộc trách "
            "nhiệm quản lý của Ủy ban nhân dân xã, phường. Hãy phản ánh qua Tổng đài 1022, nêu địa chỉ, khung "
            "giờ lấn chiếm và ảnh chụp nếu có.",
            "Với công trình xây dựng lấn ra vỉa hè, hành lang an toàn giao thông, hãy nêu rõ để phản ánh được "
            "chuyển đến bộ phận quản lý trật tự xây dựng.",
        ),
        category=TOPIC_URBAN,
        tags=("lấn chiếm", "vỉa hè", "trật tự đô thị"),
        related=("tieng-on-cong-trinh", "o-ga-duong-hu"),
    ),
)

# ---------------------------------------------------------------------------------------------
# Every province: epidemic mode (COVID-19, 2021–2022)
# ---------------------------------------------------------------------------------------------

_EPIDEMIC_NOTE = (
    "Nội dung này ghi lại hướng dẫn áp dụng trong thời gian dịch COVID-19 (2021–2022). Khi có dịch bệnh, "
    "hãy làm theo thông báo mới nhất của Sở Y tế và Ủy ban nhân dân tỉnh."
)

_EPIDEMIC = (
    FaqEntry(
        key="tiem-vac-xin",
        question="Đăng ký tiêm vắc-xin phòng COVID-19 ở đâu?",
        answer=(
            "Trong thời gian triển khai chiến dịch tiêm vắc-xin phòng COVID-19, người dân được lập danh sách "
            "tiêm theo tổ dân phố, thôn, ấp hoặc theo cơ quan, doanh nghiệp, và được trạm y tế xã, phường thông "
            "báo lịch, địa điểm tiêm. Người chưa có tên trong danh sách liên hệ trạm y tế hoặc tổ trưởng tổ dân "
            "phố nơi đang ở để được bổ sung.",
            "- Mang theo thẻ căn cước hoặc giấy tờ tùy thân, đeo khẩu trang, khai báo tiền sử bệnh trung thực "
            "khi khám sàng lọc;",
            "- Sau khi tiêm, ở lại theo dõi tại điểm tiêm theo hướng dẫn và tiếp tục tự theo dõi tại nhà; có "
            "dấu hiệu bất thường như khó thở, phát ban toàn thân, sốt cao không hạ thì đến cơ sở y tế hoặc gọi "
            "115;",
            "- Thông tin tiêm vắc xin được cập nhật trên ứng dụng VNeID; nếu sai hoặc thiếu mũi tiêm, liên hệ "
            "nơi đã tiêm để được điều chỉnh.",
            "Tổng đài 1022 tiếp nhận câu hỏi về lịch, địa điểm tiêm và phản ánh về việc tổ chức tiêm để chuyển "
            "ngành y tế. Hiện nay, lịch tiêm chủng thường xuyên cho trẻ em và các loại vắc-xin khác được thông "
            "báo tại trạm y tế xã, phường.",
            _EPIDEMIC_NOTE,
        ),
        category=TOPIC_HEALTH,
        tags=("tiêm vắc-xin", "vắc xin", "tiêm chủng", "COVID-19"),
        related=("xet-nghiem-covid", "cach-ly-tai-nha"),
    ),
    FaqEntry(
        key="xet-nghiem-covid",
        question="Có triệu chứng ho, sốt, nghi mắc COVID-19 thì xét nghiệm ở đâu?",
        answer=(
            "Trong thời gian có dịch, người có biểu hiện ho, sốt, đau họng, mất vị giác hoặc khứu giác, hoặc đã "
            "tiếp xúc gần với người mắc bệnh, cần hạn chế tiếp xúc, đeo khẩu trang và báo trạm y tế xã, phường "
            "để được hướng dẫn xét nghiệm tại cơ sở y tế hoặc điểm xét nghiệm do ngành y tế bố trí.",
            "Nếu tự làm xét nghiệm nhanh kháng nguyên tại nhà và có kết quả dương tính, hãy báo ngay cho trạm y "
            "tế để được xác nhận và hướng dẫn cách ly, điều trị.",
            "Tổng đài 1022 tiếp nhận thông tin về người có biểu hiện nghi nhiễm để chuyển ngành y tế; người có "
            "dấu hiệu khó thở cần gọi ngay 115.",
            _EPIDEMIC_NOTE,
        ),
        category=TOPIC_HEALTH,
        tags=("xét nghiệm", "test nhanh", "ho sốt", "COVID-19"),
        related=("cach-ly-tai-nha", "tiem-vac-xin"),
    ),
    FaqEntry(
        key="cach-ly-tai-nha",
        question="Người mắc COVID-19 (F0) cách ly, điều trị tại nhà cần lưu ý gì?",
        answer=(
            "Theo hướng dẫn của ngành y tế trong thời gian có dịch, người mắc bệnh không có triệu chứng hoặc "
            "triệu chứng nhẹ có thể được cách ly, theo dõi tại nhà khi có đủ điều kiện và được trạm y tế quản "
            "lý.",
            "- Ở phòng riêng, đeo khẩu trang, dùng đồ dùng riêng, hạn chế tiếp xúc với người trong gia đình;",
            "- Theo dõi thân nhiệt, nhịp thở, chỉ số ô-xy trong máu (SpO2) hằng ngày và báo cho trạm y tế theo "
            "hướng dẫn;",
            "- Gọi ngay 115 hoặc nhân viên y tế phụ trách nếu khó thở, thở nhanh, đau tức ngực, môi tím tái, "
            "lơ mơ, hoặc SpO2 giảm dưới mức được hướng dẫn.",
            "Tổng đài 1022 tiếp nhận câu hỏi về cách ly, phản ánh việc chậm hỗ trợ người cách ly tại nhà và bất "
            "cập tại các cơ sở cách ly để chuyển cơ quan có trách nhiệm.",
            _EPIDEMIC_NOTE,
        ),
        category=TOPIC_HEALTH,
        tags=("cách ly", "F0", "F1", "điều trị tại nhà", "COVID-19"),
        related=("xet-nghiem-covid", "bao-tin-vung-dich"),
    ),
    FaqEntry(
        key="bao-tin-vung-dich",
        question="Phát hiện người từ vùng dịch về hoặc người tiếp xúc F0 không khai báo y tế thì báo ở đâu?",
        answer=(
            "Trong thời gian có dịch, người dân có thể báo qua Tổng đài 1022 về người đi đến từ vùng dịch, người "
            "tiếp xúc với F0, F1 nhưng không khai báo y tế, hoặc các vi phạm quy định phòng, chống dịch như tụ "
            "tập đông người, không tuân thủ cách ly.",
            "Tổng đài chuyển thông tin đến ngành y tế và chính quyền xã, phường để kiểm tra, xử lý. Hãy cung cấp "
            "địa chỉ cụ thể và thông tin bạn biết chắc chắn; không chia sẻ thông tin, hình ảnh cá nhân của người "
            "khác lên mạng xã hội.",
            "Thông tin người báo được giữ bí mật.",
            _EPIDEMIC_NOTE,
        ),
        category=TOPIC_HEALTH,
        tags=("khai báo y tế", "vùng dịch", "F1", "vi phạm phòng dịch", "COVID-19"),
        related=("khai-bao-di-lai", "bao-mat-thong-tin"),
    ),
    FaqEntry(
        key="khai-bao-di-lai",
        question="Đi lại giữa các tỉnh trong thời gian giãn cách cần khai báo gì?",
        answer=(
            "Trong các giai đoạn giãn cách xã hội, việc đi lại, vận chuyển hàng hóa giữa các tỉnh phải tuân theo "
            "quy định của từng địa phương tại thời điểm đó, thường gồm khai báo y tế, giấy xét nghiệm âm tính "
            "còn hiệu lực hoặc chứng nhận tiêm vắc-xin, và giấy đi đường đối với người được phép ra đường.",
            "Trước khi đi, hãy xem thông báo mới nhất của Ủy ban nhân dân tỉnh nơi đi và nơi đến, hoặc gọi Tổng "
            "đài 1022 để được giải đáp về quy định đi lại, lưu thông hàng hóa. Khi đến nơi, liên hệ trạm y tế "
            "hoặc tổ dân phố nơi lưu trú để khai báo theo hướng dẫn.",
            _EPIDEMIC_NOTE,
        ),
        category=TOPIC_HEALTH,
        tags=("khai báo y tế", "đi lại", "giãn cách", "lưu thông hàng hóa", "COVID-19"),
        related=("bao-tin-vung-dich", "tiem-vac-xin"),
    ),
    FaqEntry(
        key="ho-tro-kho-khan-dich",
        question="Gia đình gặp khó khăn do dịch bệnh, cần hỗ trợ lương thực hoặc tiền thì liên hệ ở đâu?",
        answer=(
            "Trong thời gian dịch COVID-19, người dân thiếu lương thực, thực phẩm do giãn cách, mất việc làm có "
            "thể gọi Tổng đài 1022 hoặc báo tổ dân phố, Ủy ban nhân dân xã, phường để được hỗ trợ khẩn cấp.",
            "Các chính sách hỗ trợ của Chính phủ khi đó, như Nghị quyết số 68/NQ-CP về hỗ trợ người lao động và "
            "người sử dụng lao động gặp khó khăn do đại dịch và Nghị quyết số 116/NQ-CP về hỗ trợ từ Quỹ bảo hiểm "
            "thất nghiệp, được thực hiện qua doanh nghiệp, chính quyền xã, phường và cơ quan bảo hiểm xã hội, "
            "cùng với chính sách riêng của từng tỉnh.",
            "Tổng đài tiếp nhận phản ánh việc chậm chi trả, bỏ sót đối tượng hoặc lập danh sách không đúng để "
            "chuyển cơ quan có trách nhiệm kiểm tra.",
            _EPIDEMIC_NOTE,
        ),
        category=TOPIC_HEALTH,
        tags=("hỗ trợ", "khó khăn", "an sinh xã hội", "lương thực", "COVID-19"),
        related=("tro-cap-that-nghiep", "bao-tin-vung-dich"),
    ),
    FaqEntry(
        key="tin-gia-dich-benh",
        question="Thấy thông tin sai sự thật về dịch bệnh trên mạng xã hội thì làm gì?",
        answer=(
            "Không chia sẻ lại những thông tin chưa được kiểm chứng về số ca mắc, thuốc chữa bệnh, lệnh phong "
            "tỏa hay vắc-xin. Hãy đối chiếu với thông báo chính thức của Bộ Y tế, Sở Y tế và Ủy ban nhân dân "
            "tỉnh.",
            "Bạn có thể phản ánh đường liên kết, tên tài khoản đăng tin qua Tổng đài 1022 để chuyển cơ quan chức "
            "năng xác minh, cải chính và xử lý theo quy định.",
            _EPIDEMIC_NOTE,
        ),
        category=TOPIC_HEALTH,
        tags=("tin giả", "mạng xã hội", "COVID-19"),
        related=("bao-tin-vung-dich",),
    ),
)

# ---------------------------------------------------------------------------------------------
# Province-specific entries, from the seed articles
# ---------------------------------------------------------------------------------------------

_BINH_DUONG = (
    FaqEntry(
        key="binhduong-cam-ket-5-gio",
        question="Phản ánh gửi Tổng đài 1022 Bình Dương được xử lý trong bao lâu?",
        answer=(
            "Tổng đài 1022 Bình Dương tiếp nhận phản ánh 24/7 và chuyển ngay đến cơ quan, đơn vị có trách nhiệm. "
            "Từ thời gian phòng, chống dịch COVID-19, tỉnh cam kết việc xử lý bảo đảm không quá 5 giờ kể từ khi "
            "tiếp nhận.",
            "Tình huống cấp cứu được chuyển sang 115. Bạn theo dõi tiến độ bằng mã tra cứu trong mục Tra cứu "
            "hoặc gọi {hotline}.",
        ),
        category=TOPIC_HOTLINE,
        tags=("5 giờ", "thời hạn", "Bình Dương"),
        related=("thoi-han-xu-ly", "tra-cuu-ma-phan-anh"),
        provinces=("binhduong",),
    ),
    FaqEntry(
        key="binhduong-bay-kenh",
        question="Ngoài gọi điện, có thể gửi phản ánh đến Tổng đài 1022 Bình Dương qua những kênh nào?",
        answer=(
            "Trong thời gian dịch COVID-19, Tổng đài 1022 Bình Dương tiếp nhận phản ánh qua 7 kênh:",
            "- Gọi điện: điện thoại bàn bấm 1022, điện thoại di động bấm 0274 1022;",
            "- Zalo Binh Duong SmartCity: bấm Quan tâm rồi gửi tin nhắn;",
            "- Ứng dụng di động “1022 Bình Dương”;",
            "- Trang Facebook Cổng Thông tin điện tử tỉnh Bình Dương;",
            "- Viber Binh Duong SmartCity;",
            "- Trang thông tin điện tử 1022.binhduong.gov.vn;",
            "- Hộp thư điện tử 1022@binhduong.gov.vn.",
            "Thông tin cá nhân của người phản ánh qua mọi kênh đều được bảo mật. Các kênh ngoài điện thoại có "
            "thể thay đổi sau khi sắp xếp đơn vị hành chính; hãy theo thông báo trên trang này.",
        ),
        category=TOPIC_HOTLINE,
        tags=("Zalo", "Viber", "ứng dụng", "email", "Bình Dương"),
        related=("cach-goi-tong-dai", "bao-mat-thong-tin"),
        provinces=("binhduong",),
    ),
    FaqEntry(
        key="binhduong-dich-2021",
        question="Trong đợt giãn cách năm 2021, Tổng đài 1022 Bình Dương đã hỗ trợ người dân những gì?",
        answer=(
            "Từ ngày 19/7/2021, khi Bình Dương thực hiện giãn cách xã hội toàn tỉnh theo Chỉ thị 16 của Thủ "
            "tướng Chính phủ, đến ngày 16/8/2021, hệ thống đường dây nóng 1022 tiếp nhận 55.553 cuộc gọi, trong "
            "đó 7.833 cuộc gọi cấp cứu qua đầu số 115, và 8.408 yêu cầu: 3.898 yêu cầu hỗ trợ khó khăn, 1.039 "
            "yêu cầu cấp cứu và 3.471 yêu cầu khác như tư vấn về F0, F1, an ninh trật tự, tư vấn sức khỏe.",
            "Người dân hỏi nhiều nhất về các chỉ thị phòng dịch, dấu hiệu bệnh, hướng dẫn y tế và kết nối bác "
            "sĩ, báo cáo trường hợp F0, F1, bất cập tại cơ sở cách ly, điều trị, chính sách hỗ trợ và hỗ trợ "
            "lương thực. Nội dung giải đáp được thì trả lời ngay; nội dung thuộc thẩm quyền của cơ quan chuyên "
            "môn được chuyển đi để trả lời người dân.",
        ),
        category=TOPIC_HEALTH,
        tags=("Chỉ thị 16", "giãn cách", "số liệu", "COVID-19", "Bình Dương"),
        related=("ho-tro-kho-khan-dich", "cach-ly-tai-nha"),
        provinces=("binhduong",),
    ),
    FaqEntry(
        key="binhduong-sap-nhap",
        question="Bình Dương đã nhập vào Thành phố Hồ Chí Minh, số 0274 1022 có còn gọi được không?",
        answer=(
            "Theo Nghị quyết số 202/2025/QH15 của Quốc hội, tỉnh Bình Dương hợp nhất vào Thành phố Hồ Chí Minh; "
            "chính quyền mới hoạt động từ ngày 1/7/2025.",
            "Các mã vùng điện thoại cố định của các tỉnh hợp nhất tiếp tục được sử dụng song song cho đến khi có "
            "thông báo mới của Bộ Khoa học và Công nghệ, vì vậy mã vùng 0274 vẫn dùng được. Trang này sẽ thông "
            "báo khi có thay đổi về cách gọi tổng đài.",
        ),
        category=TOPIC_HOTLINE,
        tags=("sắp xếp đơn vị hành chính", "mã vùng", "0274", "Bình Dương"),
        related=("cach-goi-tong-dai",),
        provinces=("binhduong",),
    ),
)

_THANH_HOA = (
    FaqEntry(
        key="thanhhoa-kenh-tiep-nhan",
        question="Tổng đài 1022 Thanh Hóa tiếp nhận qua những kênh nào?",
        answer=(
            "Người dân và tổ chức gọi 1022 từ điện thoại cố định trong tỉnh, hoặc 0237 1022 từ điện thoại di "
            "động và điện thoại cố định ngoại tỉnh. Tổng đài hoạt động 24 giờ mỗi ngày, 7 ngày mỗi tuần.",
            "Khi đưa vào khai thác, tổng đài còn tiếp nhận qua:",
            "- Phần mềm Tổng đài 1022 tại địa chỉ 1022.thanhhoa.gov.vn;",
            "- Hộp thư điện tử công vụ 1022@thanhhoa.gov.vn;",
            "- Trang Fanpage trên Facebook tại địa chỉ facebook.com/1022.thanhhoa.gov.vn;",
            "- Tài khoản Zalo Official Account “1022 Thanh Hóa”.",
        ),
        category=TOPIC_HOTLINE,
        tags=("Zalo", "Fanpage", "email", "Thanh Hóa"),
        related=("cach-goi-tong-dai", "gio-hoat-dong"),
        provinces=("thanhhoa",),
    ),
    FaqEntry(
        key="thanhhoa-tong-dai-chinh-thuc",
        question="Tổng đài 1022 Thanh Hóa ra đời khi nào và do ai vận hành?",
        answer=(
            "Ngày 1/12/2021, Ủy ban nhân dân tỉnh Thanh Hóa chính thức đưa vào khai thác Tổng đài 1022 phục vụ "
            "công tác phòng, chống dịch COVID-19. Đây là tổng đài chính thức và duy nhất của tỉnh, là cầu nối "
            "thông tin giữa người dân với chính quyền tỉnh.",
            "Tổng đài được xây dựng trên hạ tầng và công nghệ của VNPT, do Sở Thông tin và Truyền thông (nay là "
            "Sở Khoa học và Công nghệ) cùng VNPT Thanh Hóa điều hành, vận hành, với sự phối hợp của các sở, ban, "
            "ngành cấp tỉnh và chính quyền địa phương.",
            "Hãy cảnh giác với các số điện thoại, tài khoản mạng xã hội tự xưng là tổng đài của tỉnh nhưng không "
            "được công bố chính thức.",
        ),
        category=TOPIC_HOTLINE,
        tags=("VNPT", "tổng đài chính thức", "Thanh Hóa"),
        related=("don-vi-van-hanh", "canh-bao-gia-danh"),
        provinces=("thanhhoa",),
    ),
    FaqEntry(
        key="thanhhoa-gia-vat-tu-y-te",
        question="Phát hiện bán khẩu trang, que thử, thuốc với giá quá cao trong mùa dịch thì phản ánh ở đâu?",
        answer=(
            "Trong thời gian dịch COVID-19, Tổng đài 1022 Thanh Hóa tiếp nhận phản ánh về giá trang thiết bị y "
            "tế và hàng hóa thiết yếu, cùng các vấn đề về giao thông, vận tải, lưu thông hàng hóa trong phòng, "
            "chống dịch.",
            "Khi phản ánh, hãy nêu tên và địa chỉ cửa hàng, mặt hàng, giá bán, thời điểm mua và giữ lại hóa đơn "
            "nếu có. Phản ánh được chuyển đến cơ quan quản lý thị trường, ngành y tế để kiểm tra, xử lý.",
            _EPIDEMIC_NOTE,
        ),
        category=TOPIC_HEALTH,
        tags=("giá thuốc", "vật tư y tế", "hàng hóa thiết yếu", "COVID-19", "Thanh Hóa"),
        related=("tin-gia-dich-benh", "khai-bao-di-lai"),
        provinces=("thanhhoa",),
    ),
)

_CA_MAU = (
    FaqEntry(
        key="camau-phim-bam",
        question="Gọi {hotline} thì bấm phím nào để gặp đúng bộ phận?",
        answer=(
            "Khi Tổng đài 1022 Cà Mau đi vào hoạt động phục vụ phòng, chống dịch COVID-19, sau khi gọi 0290 1022, "
            "người dân chọn:",
            "- Phím 1: phản ánh việc thực hiện chính sách hỗ trợ người bị ảnh hưởng bởi dịch bệnh;",
            "- Phím 2: phản ánh về công tác phòng, chống dịch và điều trị, do Trung tâm Kiểm soát bệnh tật tỉnh "
            "tiếp nhận;",
            "- Phím 3: tư vấn sức khỏe, hướng dẫn các biện pháp phòng, chống dịch bệnh.",
            "Các lựa chọn trên lời chào của tổng đài có thể được điều chỉnh theo từng thời kỳ; hãy nghe hết "
            "hướng dẫn trước khi bấm phím.",
        ),
        category=TOPIC_HOTLINE,
        tags=("phím bấm", "CDC", "Cà Mau"),
        related=("cach-goi-tong-dai", "camau-goi-khong-ai-nghe"),
        provinces=("camau",),
    ),
    FaqEntry(
        key="camau-goi-khong-ai-nghe",
        question="Gọi Tổng đài 1022 Cà Mau mà không có ai nghe máy thì làm sao?",
        answer=(
            "Tháng 3/2022, nhiều cuộc gọi vào phím 2 (phòng, chống dịch) bị nhỡ trong một ngày do bộ phận tiếp "
            "nhận không bắt máy. Chủ tịch Ủy ban nhân dân tỉnh đã chỉ đạo Sở Y tế chấn chỉnh ngay, bố trí người "
            "trực phù hợp và không để tình trạng này tái diễn.",
            "Nếu bạn vẫn không gặp được người trả lời, hãy gọi lại sau ít phút hoặc gửi phản ánh trực tuyến trên "
            "trang này; phản ánh trực tuyến cũng được cấp mã tra cứu. Bạn cũng có thể phản ánh việc không liên "
            "lạc được, kèm thời điểm đã gọi, để tổng đài kiểm tra bộ phận tiếp nhận.",
            "Trường hợp khẩn cấp, đừng chờ: gọi ngay 113, 114 hoặc 115.",
        ),
        category=TOPIC_HOTLINE,
        tags=("cuộc gọi nhỡ", "không nghe máy", "Cà Mau"),
        related=("camau-phim-bam", "tra-cuu-ma-phan-anh", "khac-113-114-115"),
        provinces=("camau",),
    ),
    FaqEntry(
        key="camau-khai-truong",
        question="Tổng đài 1022 Cà Mau hoạt động từ khi nào?",
        answer=(
            "Tổng đài dịch vụ công 1022 tỉnh Cà Mau chính thức vận hành từ 7 giờ ngày 18/10/2021, để tiếp nhận "
            "phản ánh, giải đáp kiến nghị của người dân, doanh nghiệp và phục vụ thông tin về công tác phòng, "
            "chống dịch COVID-19.",
            "Sau khi tỉnh Bạc Liêu hợp nhất vào tỉnh Cà Mau theo Nghị quyết số 202/2025/QH15, các mã vùng 0290 "
            "và 0291 được sử dụng song song cho đến khi có thông báo mới của Bộ Khoa học và Công nghệ.",
        ),
        category=TOPIC_HOTLINE,
        tags=("khai trương", "Bạc Liêu", "mã vùng", "Cà Mau"),
        related=("cach-goi-tong-dai", "camau-phim-bam"),
        provinces=("camau",),
    ),
)

_BINH_PHUOC = (
    FaqEntry(
        key="binhphuoc-mien-cuoc",
        question="Gọi Tổng đài 1022 Bình Phước có mất cước không?",
        answer=(
            "Khi khai trương phục vụ phòng, chống dịch COVID-19, Tổng đài 1022 Bình Phước được công bố miễn cước "
            "hoàn toàn đối với người dân gọi đến.",
            "- Từ điện thoại cố định nội hạt: bấm trực tiếp 1022;",
            "- Từ điện thoại di động hoặc cố định liên tỉnh: bấm 0271 1022.",
            "Nếu có thay đổi về cước gọi, thông báo sẽ được đăng trên trang này.",
        ),
        category=TOPIC_HOTLINE,
        tags=("miễn cước", "cách gọi", "Bình Phước"),
        related=("cach-goi-tong-dai", "gio-hoat-dong"),
        provinces=("binhphuoc",),
    ),
    FaqEntry(
        key="binhphuoc-khai-truong",
        question="Tổng đài 1022 Bình Phước được lập để làm gì?",
        answer=(
            "Thực hiện Thông báo số 403/TB-UBND ngày 06/8/2021 của Ủy ban nhân dân tỉnh, Sở Thông tin và Truyền "
            "thông (nay là Sở Khoa học và Công nghệ) triển khai tiếp nhận thông tin hỗ trợ phòng, chống dịch "
            "COVID-19 qua Tổng đài 1022, nhằm hỗ trợ ngành y tế tiếp nhận thông tin về các trường hợp có biểu "
            "hiện ho, sốt và các thông tin khác về dịch bệnh để chuyển đến cơ quan có thẩm quyền xử lý kịp thời.",
            "Tổng đài hoạt động 24/7, giải đáp thông tin về dịch bệnh trên địa bàn tỉnh; tiếp nhận phản ánh về "
            "công tác phòng, chống dịch, những khó khăn của người dân, chế độ, chính sách liên quan đến dịch và "
            "góp ý, đề xuất giải pháp phòng, chống dịch cho địa phương.",
        ),
        category=TOPIC_HEALTH,
        tags=("khai trương", "phòng chống dịch", "COVID-19", "Bình Phước"),
        related=("xet-nghiem-covid", "ho-tro-kho-khan-dich"),
        provinces=("binhphuoc",),
    ),
    FaqEntry(
        key="binhphuoc-sap-nhap",
        question="Bình Phước đã nhập vào tỉnh Đồng Nai, gọi tổng đài thế nào?",
        answer=(
            "Theo Nghị quyết số 202/2025/QH15 của Quốc hội, tỉnh Bình Phước hợp nhất vào tỉnh Đồng Nai; chính "
            "quyền mới hoạt động từ ngày 1/7/2025.",
            "Mã vùng điện thoại cố định 0271 tiếp tục được sử dụng song song với mã 0251 cho đến khi có thông báo "
            "mới của Bộ Khoa học và Công nghệ, vì vậy bạn vẫn có thể gọi {hotline}. Trang này sẽ thông báo khi có "
            "thay đổi.",
        ),
        category=TOPIC_HOTLINE,
        tags=("sắp xếp đơn vị hành chính", "mã vùng", "0271", "Đồng Nai", "Bình Phước"),
        related=("cach-goi-tong-dai", "binhphuoc-mien-cuoc"),
        provinces=("binhphuoc",),
    ),
)

ENTRIES: tuple[FaqEntry, ...] = (
    *_HOTLINE,
    *_ADMIN,
    *_INSURANCE,
    *_UTILITIES,
    *_DISASTER,
    *_ENVIRONMENT,
    *_URBAN,
    *_EPIDEMIC,
    *_BINH_DUONG,
    *_THANH_HOA,
    *_CA_MAU,
    *_BINH_PHUOC,
)
ENTRY_BY_KEY = {entry.key: entry for entry in ENTRIES}


def applies_to(entry: FaqEntry, slug: str) -> bool:
    return not entry.provinces or slug in entry.provinces


def entries_for(slug: str) -> list[FaqEntry]:
    """The entries shown on one province's site, in topic order, then in the order written here."""
    rank = {topic: i for i, topic in enumerate(TOPICS)}
    return sorted((e for e in ENTRIES if applies_to(e, slug)), key=lambda e: rank[e.category])


def check() -> None:
    """Assert the data holds together; cheap enough to run from a test or at seed time."""
    keys = [entry.key for entry in ENTRIES]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"duplicate keys: {duplicates}"
    for entry in ENTRIES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.key), f"key not an ASCII slug: {entry.key}"
        assert entry.category in TOPICS, f"{entry.key}: unknown topic {entry.category!r}"
        assert entry.question.strip() and entry.answer, f"{entry.key}: empty question or answer"
        assert all(p.strip() for p in entry.answer), f"{entry.key}: empty paragraph"
        unknown = set(entry.provinces) - set(PROVINCE_SLUGS)
        assert not unknown, f"{entry.key}: unknown provinces {unknown}"
        for key in entry.related:
            assert key in ENTRY_BY_KEY, f"{entry.key}: related key {key!r} does not exist"
            assert key != entry.key, f"{entry.key}: related to itself"
            # A related link must lead to an entry shown on every site that shows this one.
            target = ENTRY_BY_KEY[key]
            shown = entry.provinces or PROVINCE_SLUGS
            assert all(applies_to(target, slug) for slug in shown), f"{entry.key}: {key!r} missing on some site"
        for text in (entry.question, *entry.answer):
            leftover = set(re.findall(r"\{(\w*)\}", text)) - {"province", "hotline"}
            assert not leftover, f"{entry.key}: unknown placeholders {leftover}"
    universal = [e for e in ENTRIES if not e.provinces]
    assert len(universal) >= 24, f"only {len(universal)} entries apply to every province"
    for slug in PROVINCE_SLUGS:
        count = len(entries_for(slug))
        assert count >= 26, f"{slug}: only {count} entries"
        assert any(e.provinces == (slug,) for e in ENTRIES), f"{slug}: no entry of its own"
    vaccine = ENTRY_BY_KEY.get("tiem-vac-xin")
    assert vaccine is not None and not vaccine.provinces, "tiem-vac-xin must exist for every province"
    assert "tiêm vắc-xin" in vaccine.question
    assert matches(vaccine, "tiem vac xin"), "a search for 'tiem vac xin' must find tiem-vac-xin"
    assert "115" in EMERGENCY_NOTICE and "113" in EMERGENCY_NOTICE and "114" in EMERGENCY_NOTICE
