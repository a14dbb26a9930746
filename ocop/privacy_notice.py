"""The privacy notice a producer agrees to before the pre-registration form asks for personal data.

The text says what is collected, why, who sees it, how long it is kept and
how to have it erased; ``VERSION`` is stored with each pre-registration so
that an officer can tell which notice the producer agreed to. Change the
version whenever the text changes in substance.
"""

from __future__ import annotations

from typing import Text

from ocop.settings import Settings

VERSION = "2026-11"


def notice(settings: Settings) -> Text:
    """The notice, with the retention period this deployment applies."""
    days = settings.conversation_retention_days
    return (
        "Trước khi hỏi thông tin cá nhân, tôi xin thông báo về dữ liệu của bạn:\n"
        "• Tôi sẽ hỏi tên người đại diện, mã số thuế, số điện thoại, email và địa chỉ, chỉ để cán bộ OCOP "
        "xem xét đăng ký sơ bộ và liên hệ với bạn.\n"
        "• Chỉ cán bộ phụ trách OCOP của Sở Nông nghiệp và Môi trường và UBND xã/phường xem được; "
        "không dùng vào việc khác, không chuyển cho bên thứ ba.\n"
        f"• Nội dung trò chuyện được tự động xóa sau {days} ngày; số điện thoại, mã số thuế trong đó được "
        "che ngay khi hồ sơ đã lưu. Hồ sơ đăng ký được giữ trong thời gian xét chọn OCOP.\n"
        "• Bạn nhắn \"xóa dữ liệu của tôi\" bất cứ lúc nào để xóa.\n"
        "Bạn có đồng ý để tiếp tục không?"
    )


DECLINED = (
    "Vâng, tôi dừng đăng ký và không lưu thông tin nào của bạn. Bạn vẫn có thể hỏi tôi về OCOP, "
    "hoặc liên hệ UBND xã/phường để đăng ký trực tiếp. Khi muốn đăng ký lại, nhắn \"đăng ký OCOP\"."
)
ASK_AGAIN = "Bạn chọn \"Đồng ý\" để tiếp tục đăng ký, hoặc \"Không đồng ý\" để dừng (tôi sẽ không lưu gì)."
