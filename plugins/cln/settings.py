"""What the site and the show say of themselves: declared once, here.

The MkDocs options (config.py) are made from these declarations, and the plugin turns the
validated options back into them in one step; the feed writers read them as they are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from .render import MarkdownSettings

NETWORK_EMAIL = "cln@nhs.net"  # the network's own address: the show's owner and the privacy scan's allowlist


@dataclass(frozen=True)
class ShowSettings:
    """The podcast (``plugins: - cln: podcast:`` in mkdocs.yml): what the show says about itself."""

    title: str = "Clinical Leaders Network Podcast"
    description: str = ("Interviews with senior policy and service leads and with members of "
                        "the NHS Clinical Leaders Network.")
    author: str = "NHS Clinical Leaders Network"
    owner_name: str = "NHS Clinical Leaders Network"
    owner_email: str = NETWORK_EMAIL
    copyright: str = "© NHS Clinical Leaders Network"
    language: str = "en-gb"
    image: str = "art/show-cover.png"  # square PNG or JPEG, 1400 to 3000 px, relative to podcasts/
    explicit: bool = False
    type: Literal["episodic", "serial"] = "episodic"
    guid: str | None = None  # podcast:guid; fixed once published (None: made from the feed's address)
    locked: bool = True
    funding_url: str = ""
    funding_text: str = ""
    medium: str = "podcast"
    # Apple's category and subcategory: not an option, the network's podcast is about medicine.
    category: tuple[str, ...] = field(default=("Health & Fitness", "Medicine"), metadata={"option": False})


@dataclass(frozen=True)
class SiteSettings:
    """The site as the build sees it: its name and address, the show, and where media are served from."""

    site_name: str
    site_url: str
    show: ShowSettings
    media_base_url: str = ""  # a CDN's address for audio, or "" to serve it from the site
    cache_dir: str = ".cache/cln"


@dataclass(frozen=True)
class Settings:
    """Where content lives and what the core should do; filled by the MkDocs adapter or the CLI."""

    root: str
    include_drafts: bool = False
    network_emails: tuple[str, ...] = ()
    cache_dir: str | None = None
    markdown: MarkdownSettings = MarkdownSettings()
    docs_dir: str = "docs"
    show_art: str = ""  # the podcast's cover, relative to podcasts/ (plugins.cln.podcast.image)
    serving: bool = False  # a local preview, where drafts are pages too (links to them work)

    @property
    def case_studies_dir(self) -> str:
        return os.path.join(self.root, "case_studies")

    @property
    def podcasts_dir(self) -> str:
        return os.path.join(self.root, "podcasts")

    @property
    def taxonomy_path(self) -> str:
        return os.path.join(self.root, "taxonomy.yml")
