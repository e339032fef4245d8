"""The web editor at /admin/, driven in Debian's Chromium as an editor would: a case study made only
by filling in the form is saved into the project by decap-server (as under `make edit`), passes
`cln check` as written, and is a page of the next build. The form refuses what the check would
refuse before anything is saved, and nothing is fetched from anywhere but this machine."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from conftest import BIN, REPO, run_build

from .conftest import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONTENT = ("mkdocs.yml", "taxonomy.yml", "docs", "case_studies", "podcasts")
DECAP_PORT = 8081  # where the editor looks for decap-server on localhost (Decap's own default)
TITLE = "Illustrative: daily discharge huddles on a medical ward"
SLUG = "illustrative-daily-discharge-huddles-on-a-medical-ward"


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _wait_for_decap(timeout: float = 30) -> None:
    request = urllib.request.Request(f"http://localhost:{DECAP_PORT}/api/v1", data=b'{"action":"info"}',
                                     headers={"Content-Type": "application/json"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                if json.load(answer).get("type") == "local_fs":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail("decap-server did not answer on localhost:8081 within 30 seconds")


@pytest.fixture
def editor(tmp_path):
    """A copy of the sample project, built (with /admin/), its site served, and decap-server saving
    into it: yields (project folder, the editor's address)."""
    decap = REPO / "node_modules" / ".bin" / "decap-server"
    if not decap.exists() or not (REPO / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").exists():
        pytest.fail("Decap CMS is not installed: run `make test`, which runs npm ci (package.json)")
    if not _port_free(DECAP_PORT):
        pytest.fail(f"port {DECAP_PORT} is in use (is `make edit` running?): stop it and run the test again")
    root = tmp_path / "project"
    root.mkdir()
    for name in CONTENT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copyfile(source, root / name)
    (root / "node_modules").symlink_to(REPO / "node_modules")
    built = run_build(root, "--strict")
    assert built.returncode == 0, built.output
    assert (root / "site" / "admin" / "index.html").is_file(), built.output
    env = {**os.environ, "MODE": "fs", "GIT_REPO_DIRECTORY": str(root), "PORT": str(DECAP_PORT),
           "BIND_HOST": "localhost", "LOG_LEVEL": "warn"}
    server = subprocess.Popen([str(decap)], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = serve(str(root / "site"))
    try:
        _wait_for_decap()
        yield root, f"http://127.0.0.1:{site.server_address[1]}/admin/"
    finally:
        site.shutdown()
        server.terminate()
        server.wait(timeout=10)


def _field(page, name: str):
    """The input of a top-level field, by the id Decap gives it (``title-field-1``)."""
    return page.locator(f'[id^="{name}-field-"]').first


def _choose(page, name: str, option: str) -> None:
    """Pick ``option`` (the name shown) in a select."""
    _field(page, name).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def _publish(page) -> None:
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now", exact=True).click()


def test_a_case_study_made_in_the_editor_passes_the_check_and_is_built(editor, browser):
    root, address = editor
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    hosts: set[str] = set()
    refused: list[str] = []
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or r.url))
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(address)
    page.get_by_role("button", name="Login").click()  # the local backend: no account needed
    page.goto(address + "#/collections/case_studies/new")
    title = _field(page, "title")
    title.wait_for(timeout=30_000)
    before = sorted((root / "case_studies").iterdir())

    _field(page, "summary").fill("Ward staff met for ten minutes each morning to plan the day's discharges. "
                                 "An illustrative example with invented figures.")
    _field(page, "date").fill("2009-03-02")
    _choose(page, "region", "North West")
    _choose(page, "topics", "Planned care")
    _choose(page, "topics", "Quality improvement")
    page.get_by_role("button", name="Add author").click()
    page.locator('[id^="name-field-"]').first.fill("Ward manager (illustrative)")
    page.locator('[id^="role-field-"]').first.fill("Ward manager")
    _choose(page, "evidence", "illustrative: Invented to show the format: not a real service, people or results.")
    page.get_by_role("button", name="Add key point").click()
    page.locator('input[id^="key_point-field-"]').first.fill("A short morning huddle set the day's discharges.")
    page.get_by_role("button", name="Add outcome").click()
    page.locator('[id^="measure-field-"]').first.fill("Discharges before noon")
    page.locator('[id^="before-field-"]').first.fill("10%")
    page.locator('[id^="after-field-"]').first.fill("35%")

    # The form refuses a title the check would refuse, says why, and saves nothing.
    title.fill("x" * 121)
    _publish(page)
    page.get_by_text("1 to 120 characters").nth(1).wait_for(timeout=10_000)
    time.sleep(1)
    assert sorted((root / "case_studies").iterdir()) == before

    title.fill("")
    title.fill(TITLE)
    assert title.input_value() == TITLE
    _publish(page)

    saved = root / "case_studies" / f"{SLUG}.md"
    deadline = time.monotonic() + 30

    def written() -> str:  # decap-server creates the file, then writes it: wait for the whole of it
        text = saved.read_text(encoding="utf-8") if saved.exists() else ""
        return text if text.count("---") >= 2 else ""

    while not written() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert saved.exists(), sorted(p.name for p in (root / "case_studies").iterdir())
    time.sleep(0.5)  # and let it finish the body
    text = saved.read_text(encoding="utf-8")
    assert "region: north-west" in text and "planned-care" in text and "quality-improvement" in text, text
    context.close()

    # Every request stayed on this machine, and the page's policy refused nothing the editor needs.
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    assert not refused, refused

    check = subprocess.run([str(BIN / "cln"), "--root", str(root), "check", f"case_studies/{SLUG}.md"],
                           cwd=root, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr + "\n" + text
    built = run_build(root, "--strict")
    assert built.returncode == 0, built.output
    made = (root / "site" / "case-studies" / SLUG / "index.html").read_text(encoding="utf-8")
    assert "daily discharge huddles on a medical ward" in made and "Ward manager (illustrative)" in made
