"""Short ASCII names for file names and URLs, made from Chinese titles (pinyin)."""
from __future__ import annotations

import re

DEFAULT_SLUG = "huodong"  # 活动: used when no name or title is given


def pinyin_slug(text: str, max_words: int = 4) -> str:
    """An ASCII short name for a Chinese title: 消防演练 -> xiaofang-yanlian ("" if nothing usable).
    Words come from jieba (Chinese word segmentation), syllables from pypinyin, without tones."""
    import logging
    import unicodedata

    from pypinyin import lazy_pinyin

    text = unicodedata.normalize("NFKC", text)
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        segments = jieba.lcut(text)
    except ImportError:  # pragma: no cover - jieba is a dependency
        segments = [text]
    words = []
    for seg in segments:
        word = re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(seg)).lower()).strip("-")
        if word:
            words.append(word)
    return "-".join(words[:max_words])
