"""The plugin's options in mkdocs.yml, declared as MkDocs Config classes."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class PodcastConfig(base.Config):
    """``plugins: - cln: podcast: ...``: what the show says about itself."""

    title = c.Type(str, default="Clinical Leaders Network Podcast")
    description = c.Type(str, default="Interviews with senior policy and service leads and with members of "
                                      "the NHS Clinical Leaders Network.")
    author = c.Type(str, default="NHS Clinical Leaders Network")
    owner_name = c.Type(str, default="NHS Clinical Leaders Network")
    owner_email = c.Type(str, default="cln@example.org")
    copyright = c.Type(str, default="© NHS Clinical Leaders Network")
    language = c.Type(str, default="en-gb")
    image = c.Type(str, default="art/show-cover.png")
    explicit = c.Type(bool, default=False)
    type = c.Choice(("episodic", "serial"), default="episodic")
    guid = c.Optional(c.Type(str))
    locked = c.Type(bool, default=True)
    funding_url = c.Type(str, default="")
    funding_text = c.Type(str, default="")
    medium = c.Type(str, default="podcast")


class ClnConfig(base.Config):
    """The plugin's options."""

    podcast = c.SubConfig(PodcastConfig)
    media_base_url = c.Type(str, default="")
    media_dir = c.Type(str, default="site-media")
    network_emails = c.ListOfItems(c.Type(str), default=["cln@example.org"])
    cache_dir = c.Type(str, default=".cache/cln")
