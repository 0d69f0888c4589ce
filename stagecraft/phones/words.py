"""Who a phone is, and which words may reach the stage.

A phone keeps a random token; its pseudonym is a keyed hash of that token with the evening's
secret, so a phone that drops and comes back (to a restarted gateway, even a restarted engine)
is the same pseudonym, with the same smile and vote, and nothing about the person is stored.
Its name is two words made from the pseudonym, unless it picks one that passes the filter.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from pathlib import Path

WORD_DIR = Path(__file__).resolve().parent / "words"
NAME_CHARS = 24
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
ADJECTIVES = ("Amber", "Bold", "Brave", "Bright", "Calm", "Chipped", "Crooked", "Gapped", "Gentle", "Gilded",
              "Golden", "Honest", "Kind", "Loud", "Merry", "Painted", "Proud", "Quiet", "Rare", "Rosy", "Shy",
              "Silver", "Singular", "Steady", "Sunny", "Tender", "Warm", "Wild", "Wise", "Wry", "Young", "Lucky")
NOUNS = ("Canine", "Cusp", "Enamel", "Gum", "Grin", "Incisor", "Lantern", "Lip", "Molar", "Smile", "Tooth",
         "Bazaar", "Barter", "Echo", "Chorus", "Spark", "Comet", "Harbor", "Market", "Stall", "Sign", "Voice",
         "Ripple", "Mosaic", "Cheer", "Whistle", "Laugh", "Song", "Drum", "Bell", "Kite", "Ember")
UNDO = str.maketrans("013457@$!|", "oieastasil")


def pseudonym(token: str, secret: str) -> str:
    """The phone's name for the evening, from its token: 12 letters and digits."""
    digest = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:12]


def generated_name(pseudonym: str) -> str:
    n = int.from_bytes(hashlib.sha256(pseudonym.encode()).digest()[:4], "big")
    return f"{ADJECTIVES[n % len(ADJECTIVES)]} {NOUNS[(n // len(ADJECTIVES)) % len(NOUNS)]}"


def _folded(text: str) -> list[str]:
    """Lower case, accents off, digits read as the letters they stand for, split into words."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z]+", plain.translate(UNDO))


class Words:
    """The filter: every list in `words/` (one file a language), and any given."""

    def __init__(self, extra=()):
        self.banned = set(extra)
        for path in sorted(WORD_DIR.glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                word = line.split("#", 1)[0].strip().lower()
                if word:
                    self.banned.add(word)

    def allows(self, text: str) -> bool:
        words = _folded(text)
        joined = "".join(words)     # s h i t, spaced out, is still the word
        return not any(w in self.banned for w in words) and not (len(words) > 1 and joined in self.banned)

    def name(self, wanted: str) -> str | None:
        """A name a phone asked for, cleaned, or None when it may not go on stage."""
        cleaned = " ".join("".join(ch for ch in wanted if ch.isprintable()).split())[:NAME_CHARS]
        return cleaned if cleaned and self.allows(cleaned) else None
