"""GUIDs protected for editors who only use GitHub's website, and redirects for renamed pages.

Each step happens in a fresh clone of the network's repository (a bare repository standing in
for GitHub), as the website and the pull-request and deploy jobs do it: nothing but git carries
over from one step to the next, and no step runs a command on an editor's computer.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import feedparser
import pytest

from conftest import BIN, REPO, case_study, pagefind_records, run_build

pytestmark = pytest.mark.slow
GUID = "00000000-0000-4000-8000-000000000001"
NEW_GUID = "11111111-1111-4111-8111-111111111111"
SITE = "https://cln.example.org/"
# Git for the test alone: no one's own settings, a fixed identity for the commits.
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Example Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Example Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}
# As a pull request's check runs: the published branch is origin/main, found by default.
PR_ENV = {"CLN_PUBLISHED_REF": "", "CLN_PUBLISHED_REQUIRED": ""}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **GIT_ENV})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.strip()


def cln_check(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "cln"), "check"], cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **PR_ENV, **(env or {})})


class Hub:
    """The network's repository, and fresh clones of it for each pull request and deploy."""

    def __init__(self, folder: Path, origin: Path):
        self.folder, self.origin, self.clones = folder, origin, 0

    def clone(self, branch: str = "main") -> Path:
        self.clones += 1
        path = self.folder / f"clone-{self.clones}"
        git(self.folder, "clone", "--quiet", "--branch", branch, str(self.origin), str(path))
        return path

    def pull_request(self, branch: str, change, message: str) -> Path:
        """A fresh clone with ``change(root)`` committed on a new branch and pushed: a pull request."""
        root = self.clone()
        git(root, "switch", "--quiet", "-c", branch)
        change(root)
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "-m", message)
        git(root, "push", "--quiet", "origin", branch)
        return root

    def merge(self, branch: str) -> str:
        """GitHub's merge button: a merge commit on main. Returns main's commit before it."""
        root = self.clone()
        before = git(root, "rev-parse", "HEAD")
        git(root, "merge", "--quiet", "--no-ff", "-m", f"Merge pull request from {branch}", f"origin/{branch}")
        git(root, "push", "--quiet", "origin", "main")
        return before

    def deploy(self, before: str):
        """The deploy job: a fresh full clone of main, built with the push's "before" as the published state."""
        root = self.clone()
        built = run_build(root, env={"CLN_PUBLISHED_REF": before, "CLN_PUBLISHED_REQUIRED": "1"})
        return root, built


def feed_guids(built) -> list[str]:
    return [entry.id for entry in feedparser.parse(built.read("podcast/feed.xml")).entries]


def untouched(root: Path) -> None:
    """No build or check wrote a source file: git sees nothing changed (site/ and .cache/ are ignored)."""
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.fixture
def hub(project, podcast_files, tmp_path) -> Hub:
    """The repository after pull request 1 (one episode added) was merged and deployed."""
    root = project({"case_studies/first-case-study.md": case_study(), ".gitignore": (REPO / ".gitignore").read_text()})
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "The site, with one case study")
    git(root, "remote", "add", "origin", str(origin))
    git(root, "push", "--quiet", "origin", "main")
    hub = Hub(tmp_path, origin)

    def add_episode(clone: Path) -> None:
        for rel, source in podcast_files.items():
            path = clone / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(source.read_bytes() if isinstance(source, Path) else source.encode())

    pr1 = hub.pull_request("add-episode", add_episode, "Add episode 1")
    checked = cln_check(pr1)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run_build(pr1, env=PR_ENV)
    assert built.returncode == 0, built.output
    untouched(pr1)
    before = hub.merge("add-episode")
    deployed, built = hub.deploy(before)
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [GUID]  # published: podcast apps now know the episode by this guid
    untouched(deployed)  # nothing was written back to the repository: no lock, nothing to commit
    return hub


def put_back(path: str, line: int, *, renamed_from: str = "") -> str:
    was = f", then named {renamed_from}" if renamed_from else ""
    return (f"{path}:{line}: guid: differs from the published one (origin/main has guid: {GUID} for this "
            f"episode{was}); podcast apps know an episode by its guid and would give it to every subscriber "
            f"again as a new episode. Put back guid: {GUID}")


def fails_everywhere(root: Path, expected: str) -> None:
    """`cln check` (the pre-commit hook's and the pull request's check) and `mkdocs build` both refuse."""
    checked = cln_check(root)
    assert checked.returncode == 1 and expected in checked.stdout, checked.stdout + checked.stderr
    built = run_build(root, env=PR_ENV)
    assert built.returncode != 0 and expected in built.output, built.output
    assert "Traceback" not in checked.stdout + checked.stderr + built.output
    assert not built.site.exists()


def test_a_changed_guid_of_a_published_episode_fails_the_pull_request(hub):

    def change_guid(root: Path) -> None:
        ep = root / "podcasts/ep.md"
        ep.write_text(ep.read_text().replace(GUID, NEW_GUID))
        # The website lets an editor change any file of the pull request: a lock file listing the
        # new guid proves nothing, because the check compares with main as it is published.
        (root / "podcasts/guids.lock").write_text(f"{NEW_GUID} ep\n")

    pr2 = hub.pull_request("new-guid", change_guid, "Change the guid")
    fails_everywhere(pr2, put_back("podcasts/ep.md", 5))


def test_a_changed_guid_in_a_renamed_file_fails_naming_both_files(hub):

    def rename_and_change(root: Path) -> None:
        text = (root / "podcasts/ep.md").read_text().replace(GUID, NEW_GUID)
        (root / "podcasts/ep.md").unlink()  # the website renames a file as a delete and an add
        (root / "podcasts/building-a-network.md").write_text(text)

    pr2 = hub.pull_request("rename-and-new-guid", rename_and_change, "Rename the episode")
    fails_everywhere(pr2, put_back("podcasts/building-a-network.md", 5, renamed_from="podcasts/ep.md"))


def test_the_deploy_job_refuses_a_changed_guid_pushed_straight_to_main(hub):
    root = hub.clone()
    before = git(root, "rev-parse", "HEAD")
    ep = root / "podcasts/ep.md"
    ep.write_text(ep.read_text().replace(GUID, NEW_GUID))
    git(root, "commit", "--quiet", "-am", "Change the guid on main")
    git(root, "push", "--quiet", "origin", "main")
    deployed, built = hub.deploy(before)
    assert built.returncode != 0, built.output
    expected = put_back("podcasts/ep.md", 5).replace("origin/main has", f"{before[:12]} has")
    assert expected in built.output
    assert not built.site.exists()  # nothing is published

    # Without the published state the deploy job cannot check, and says so instead of publishing.
    built = run_build(deployed, env={"CLN_PUBLISHED_REF": "no-such-branch", "CLN_PUBLISHED_REQUIRED": "1"})
    assert built.returncode != 0
    assert ("podcasts: guid: cannot check the published episodes' guids: no published branch to compare with "
            "(CLN_PUBLISHED_REF=no-such-branch is not in this clone") in built.output


def test_renaming_and_retitling_pass_and_leave_redirects_at_the_old_addresses(hub):

    def rename(root: Path) -> None:
        text = (root / "podcasts/ep.md").read_text().replace(
            "title: Episode 1, building a national network", "title: Building a national network")
        (root / "podcasts/ep.md").unlink()
        (root / "podcasts/building-a-network.md").write_text(text)
        (root / "case_studies/first-case-study.md").rename(root / "case_studies/choose-and-book.md")

    pr3 = hub.pull_request("rename", rename, "Give the episode and the case study better names")
    checked = cln_check(pr3)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run_build(pr3, env=PR_ENV)
    assert built.returncode == 0, built.output
    before = hub.merge("rename")
    deployed, built = hub.deploy(before)
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [GUID]  # subscribers do not get the episode again
    assert "<h1>Building a national network</h1>" in built.read("podcast/building-a-network/index.html")
    untouched(deployed)

    # A later change to main keeps the old addresses answering: they come from main's history.
    root = hub.clone()
    before = git(root, "rev-parse", "HEAD")
    (root / "docs/index.md").write_text((root / "docs/index.md").read_text() + "\nWelcome.\n")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "Add an about page")
    git(root, "push", "--quiet", "origin", "main")
    deployed, built = hub.deploy(before)
    assert built.returncode == 0, built.output
    for old, new, title in (("podcast/ep/", "podcast/building-a-network/", "Building a national network"),
                            ("case-studies/first-case-study/", "case-studies/choose-and-book/",
                             "Choose and Book in the North West")):
        page = built.read(old + "index.html")
        assert '<meta http-equiv="refresh" content="0; url=../' + new.split("/")[1] + '/">' in page
        assert f'<link rel="canonical" href="{SITE}{new}">' in page
        assert f'<a href="../{new.split("/")[1]}/">{title}</a>' in page
        assert '<meta http-equiv="Content-Security-Policy" content="default-src \'self\';' in page
        assert "<script" not in page
    sitemap = built.read("sitemap.xml")
    assert f"{SITE}podcast/building-a-network/" in sitemap and f"{SITE}podcast/ep/" not in sitemap
    searched = pagefind_records(built.site)  # search finds the page once, at its new address
    assert "/podcast/building-a-network/" in searched and "/podcast/ep/" not in searched


def test_a_deliberate_guid_change_is_said_in_a_commit_message(hub):

    def change_guid(root: Path) -> None:
        ep = root / "podcasts/ep.md"
        ep.write_text(ep.read_text().replace(GUID, NEW_GUID))

    root = hub.clone()
    git(root, "switch", "--quiet", "-c", "on-purpose")
    change_guid(root)
    git(root, "commit", "--quiet", "-am", f"Give the episode a new guid\n\nGuid-change: {GUID}\n")
    checked = cln_check(root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
