"""The officers' console in a real headless Chromium (Debian's package, driven by Playwright).

The whole assistant runs: the test stack (Rasa, actions), a bot process on the
fake Telegram Bot API, and the console (``python -m web``) as ``make run``
starts it. Each flow is done as an officer does it, in the browser, and its
effect is checked where it lands: the database, or the producer's Telegram
chat. The screenshots in ``docs/console/`` are taken here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select, update

from bot.model_cache import ROOT
from bot.stack import Stack, free_port
from fakes.fake_telegram import FakeTelegram
from fakes.tax_codes import tax_code
from ocop.storage import console_accounts, officers, registrations
from ocop.storage.db import Database
from ocop.storage.models import ChatUser, HandoffRequest
from tests.channels.bot_process import bot_process

CHROMIUM = os.environ.get("OCOP_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "console"
PASSWORD = "mat-khau-trinh-duyet"
PRODUCER_CHAT = 9101
SUBSCRIBER_CHATS = (9102, 9103)


@dataclasses.dataclass
class World:
    url: str
    telegram: FakeTelegram
    db: Database
    browser: Browser


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def world(stack: Stack, stack_db: Database, tmp_path_factory) -> Iterator[World]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    fake = FakeTelegram().start()
    logs = tmp_path_factory.mktemp("console-browser")
    with bot_process(stack, logs, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.base_url):
        fake.user_says(PRODUCER_CHAT, "/start")
        fake.wait_for_messages(PRODUCER_CHAT, 1, timeout=120)
        port = free_port()
        env = stack.bot_env(OCOP_CONSOLE_PORT=str(port))
        with open(logs / "console.log", "wb") as log:
            console = subprocess.Popen([sys.executable, "-m", "web"], cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            wait_ready(f"http://127.0.0.1:{port}/dang-nhap")
            officer_id = officers.add(stack_db, "web", "lan.nguyen", "Nguyễn Thị Lan")
            console_accounts.set_login(stack_db, officer_id, "lan.nguyen", PASSWORD, "admin", "test")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                yield World(f"http://127.0.0.1:{port}", fake, stack_db, browser)
                browser.close()
        finally:
            console.terminate()
            console.wait(30)
    fake.stop()


@pytest.fixture
def page(world: World) -> Iterator[Page]:
    context = world.browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{world.url}/tien-do")
    expect(page).to_have_url(re.compile("/dang-nhap"))
    page.fill("input[name=login]", "lan.nguyen")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Tiến độ chỉ tiêu")
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def registration(db: Database, chat: int, n: int, ward: str = "Xã Củ Chi") -> None:
    registrations.submit(db, registrations.Submission(
        channel="telegram", user_id=str(chat), subject_type="hop_tac_xa", subject_name=f"HTX Trà số {n}",
        representative="Nguyễn Văn Bình", tax_code=tax_code(900 + n), phone="+84912345678", email=None,
        address=f"Ấp 1, {ward}, Thành phố Hồ Chí Minh", ward=ward, province="Thành phố Hồ Chí Minh",
        product_name=f"Trà mãng cầu số {n}", product_group="do_uong", description="Trà mãng cầu sấy lạnh",
        has_quality_documents=True))


def test_import_with_errors_then_the_dashboard(world: World, page: Page, tmp_path: Path) -> None:
    year = dt.date.today().year - 1
    header = "Số GCN,Tên sản phẩm,Chủ thể,Mã số thuế,Hạng sao,Cơ quan cấp,Ngày quyết định,Ngày cấp,Địa chỉ\n"
    rows = [f"B{n}/GCN,Sản phẩm {n},HTX {n},{tax_code(800 + n)},{3 + n % 2},UBND TP,01/03/{year},15/03/{year},"
            f"\"{ward}, TP. Hồ Chí Minh\"\n"
            for n, ward in enumerate(["Xã Củ Chi", "Xã Củ Chi", "Xã Bình Chánh", "Phường Sài Gòn", "Xã Cần Giờ"])]
    broken = tmp_path / "chung-nhan-loi.csv"
    broken.write_text(header + "".join(rows) + "B9/GCN,Sai,HTX,123,7,UBND,01/03/2025,15/03/2025,\n",
                      encoding="utf-8")
    page.click("text=Chứng nhận")
    page.set_input_files("input[type=file]", str(broken))
    page.click("text=Tải lên và kiểm tra")
    expect(page.locator("table.import-errors")).to_contain_text("hạng sao phải là 3, 4 hoặc 5")
    expect(page.locator("table.import-errors")).to_contain_text("không phải mã số thuế hợp lệ")
    shot(page, "import-preview")
    page.goto(f"{world.url}/chung-nhan/sap-het-han")
    expect(page.locator("main")).to_contain_text("Không có chứng nhận nào")  # nothing was written

    clean = tmp_path / "chung-nhan.csv"
    clean.write_text(header + "".join(rows), encoding="utf-8")
    page.goto(f"{world.url}/chung-nhan")
    page.set_input_files("input[type=file]", str(clean))
    page.click("text=Tải lên và kiểm tra")
    page.click("text=Xác nhận nhập 5 chứng nhận")
    expect(page.locator("p.done")).to_contain_text("Đã nhập 5 chứng nhận: 5 mới")

    registration(world.db, 9150, 50, "Xã Cần Giờ")
    page.click("text=Tiến độ chỉ tiêu")
    row = page.locator("tr", has=page.locator("td", has_text=re.compile("^Xã Củ Chi$")))
    expect(row.locator("td.n").nth(3)).to_have_text("2")  # two products in force
    expect(row.locator("td.n").last).to_have_text("Đạt")
    can_gio = page.locator("tr", has=page.locator("td", has_text=re.compile("^Xã Cần Giờ$")))
    expect(can_gio.locator("td.n").nth(4)).to_have_text("1")  # one registration in progress
    shot(page, "dashboard")
    page.select_option("select[name=loai]", "commune")
    page.select_option("select[name=trang_thai]", "reached")
    page.click("button:has-text('Lọc')")
    expect(page.locator("main")).to_contain_text("1 đơn vị phù hợp bộ lọc")  # Củ Chi; Bình Chánh has 1 of 2
    with page.expect_download() as download:
        page.click("text=Tải Excel")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_asking_for_more_reaches_the_producers_telegram(world: World, page: Page) -> None:
    registration(world.db, PRODUCER_CHAT, 1)
    before = len(world.telegram.wait_for_messages(PRODUCER_CHAT, 1))
    page.click("text=Hồ sơ đăng ký")
    page.select_option("select[name=trang_thai]", "submitted")
    page.click("button:has-text('Lọc')")
    page.locator("tr", has=page.locator("td", has_text=re.compile("^Trà mãng cầu số 1$"))).locator("a").click()
    shot(page, "registration")
    page.select_option("select[name=status]", "needs_info")
    page.fill("textarea[name=message]", "Vui lòng bổ sung kết quả kiểm nghiệm sản phẩm.")
    page.click("text=Cập nhật và thông báo")
    expect(page.locator("p.done")).to_contain_text("Đã cập nhật trạng thái")
    expect(page.locator("h1 .badge")).to_have_text("Cần bổ sung")
    received = world.telegram.wait_for_messages(PRODUCER_CHAT, before + 1, timeout=30)[before:]
    text = "\n".join(m.get("text", "") for m in received)
    assert "Cần bổ sung" in text and "kết quả kiểm nghiệm" in text
    page.click("text=Hồ sơ đăng ký")
    shot(page, "queue")
    # The producer asks "hồ sơ của tôi" and sees the same status and message.
    count = len(world.telegram.wait_for_messages(PRODUCER_CHAT, before + 1))
    world.telegram.user_says(PRODUCER_CHAT, "hồ sơ của tôi")
    mine = "\n".join(m.get("text", "") for m in world.telegram.wait_for_messages(PRODUCER_CHAT, count + 1)[count:])
    assert "Cần bổ sung" in mine and "kết quả kiểm nghiệm" in mine


def test_an_announcement_to_a_filtered_audience_and_its_report(world: World, page: Page) -> None:
    for n, chat in enumerate(SUBSCRIBER_CHATS):
        registration(world.db, chat, 20 + n, ward="Xã Bình Chánh" if n == 0 else "Xã Cần Giờ")
    with world.db.session() as session:
        session.execute(update(ChatUser).where(ChatUser.user_id.in_([str(c) for c in SUBSCRIBER_CHATS]))
                        .values(notifications=True))
    page.click("text=Thông báo")
    page.fill("textarea[name=text]", "Hội chợ OCOP Bình Chánh ngày 20/12: đăng ký gian hàng tại UBND xã.")
    page.fill("input[name=xa_phuong]", "Bình Chánh")
    expect(page.locator("#recipients")).to_contain_text("Sẽ gửi tới 1 người")  # the live count (script)
    page.click("text=Xem trước")
    expect(page.locator("#preview-recipients")).to_have_text("1")
    expect(page.locator(".bubble.zalo")).to_contain_text("Hội chợ OCOP Bình Chánh")
    page.click("text=Xác nhận gửi tới 1 người")
    expect(page.locator("#report-state")).to_contain_text("Đã xử lý xong 1 tin", timeout=30000)
    expect(page.locator("td[data-status=sent]")).to_have_text("1")
    shot(page, "announcement-report")
    sent = world.telegram.wait_for_messages(SUBSCRIBER_CHATS[0], 1, timeout=30)
    assert any("Hội chợ OCOP Bình Chánh" in m.get("text", "") for m in sent)
    assert not [m for m in world.telegram.sent if int(m["chat_id"]) == SUBSCRIBER_CHATS[1]]


def test_a_hand_off_is_answered_in_the_producers_chat_and_closed(world: World, page: Page) -> None:
    chat = 9120
    world.telegram.user_says(chat, "/start")
    count = len(world.telegram.wait_for_messages(chat, 1))
    world.telegram.user_says(chat, "tôi muốn gặp cán bộ")
    count = len(world.telegram.wait_for_messages(chat, count + 1))
    with world.db.session() as session:
        assert session.execute(select(HandoffRequest).where(HandoffRequest.sender_id == f"telegram:{chat}")).first()
    page.click("text=Yêu cầu hỗ trợ")
    page.locator("tr", has_text="tôi muốn gặp cán bộ").locator("text=Xem và trả lời").first.click()
    expect(page.locator(".conversation")).to_contain_text("tôi muốn gặp cán bộ")
    page.fill("textarea[name=text]", "Chào anh, cán bộ xã sẽ gọi lại cho anh trong chiều nay.")
    page.click("text=Gửi trả lời")
    expect(page.locator("p.done")).to_contain_text("Đã gửi trả lời")
    reply = world.telegram.wait_for_messages(chat, count + 1, timeout=30)[count:]
    assert any("cán bộ xã sẽ gọi lại" in m.get("text", "") for m in reply)
    # The reply is recorded in the conversation too, just after it is delivered: reload until it shows.
    deadline = time.monotonic() + 20
    while True:
        page.reload()
        if "cán bộ xã sẽ gọi lại" in page.locator(".conversation").inner_text() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(page.locator(".conversation")).to_contain_text("cán bộ xã sẽ gọi lại")
    page.fill("textarea[name=note]", "Đã gọi điện hướng dẫn nộp hồ sơ.")
    page.click("text=Đóng yêu cầu")
    expect(page.locator("p.done")).to_contain_text("Đã đóng yêu cầu")
    with world.db.session() as session:
        closed = session.execute(select(HandoffRequest).where(
            HandoffRequest.sender_id == f"telegram:{chat}")).scalars().all()
        assert all(row.status == "closed" for row in closed)


def test_a_phone_sized_screen_shows_the_dashboard(world: World) -> None:
    context = world.browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    page.goto(f"{world.url}/dang-nhap")
    page.fill("input[name=login]", "lan.nguyen")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Tiến độ chỉ tiêu")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page is {width}px wide on a 390px screen"
    shot(page, "dashboard-phone")
    context.close()
