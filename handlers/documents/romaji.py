"""A name in kana (ふりがな) in the Latin alphabet, as a Japanese passport writes it (ヘボン式).

The registry keeps no romanised name, so the English certificate of pass spells the ふりがな: AOKI Akemi
(family name first, in capitals, as the government has recommended since 2020). Passport rules: long vowels
are not marked (コンドウ → KONDO, オオノ → ONO), ン before b, m, p is m, ッ doubles the next consonant
(ッチ → tchi). Anything that is not kana makes the spelling unknown (None): the document then prints the
name as registered.
"""
from __future__ import annotations

import unicodedata

_BASE = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o", "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so", "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te",
    "ト": "to", "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no", "ハ": "ha", "ヒ": "hi", "フ": "fu",
    "ヘ": "he", "ホ": "ho", "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo", "ヤ": "ya", "ユ": "yu",
    "ヨ": "yo", "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro", "ワ": "wa", "ヰ": "i", "ヱ": "e",
    "ヲ": "o", "ン": "n", "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go", "ザ": "za", "ジ": "ji",
    "ズ": "zu", "ゼ": "ze", "ゾ": "zo", "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do", "バ": "ba",
    "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo", "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "ヴ": "vu", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "ya", "ュ": "yu", "ョ": "yo",
}
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
_SMALL_VOWEL = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
_SPACES = (" ", "\u3000")


def _katakana(text: str) -> str:
    """Hiragana as katakana (NFKC first, so half-width kana count too)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in text)


def _word(kana: str) -> str | None:
    """One word of katakana in passport Hepburn, or None for anything else."""
    out: list[str] = []
    double = False
    i = 0
    while i < len(kana):
        ch, nxt = kana[i], kana[i + 1] if i + 1 < len(kana) else ""
        if ch == "ッ":
            double = True
            i += 1
            continue
        if ch == "ー":  # a long mark is not written
            i += 1
            continue
        if ch not in _BASE:
            return None
        syllable = _BASE[ch]
        if nxt in _SMALL_Y and syllable.endswith("i") and ch not in "イ":  # キャ kya, シャ sha, チョ cho
            stem = syllable[:-1]
            syllable = stem + _SMALL_Y[nxt] if stem.endswith(("sh", "ch", "j")) else stem + "y" + _SMALL_Y[nxt]
            i += 1
        elif nxt in _SMALL_VOWEL and ch in "フヴテデウ":  # ファ fa, ティ ti, ウィ wi
            syllable = {"フ": "f", "ヴ": "v", "テ": "t", "デ": "d", "ウ": "w"}[ch] + _SMALL_VOWEL[nxt]
            i += 1
        if double:
            syllable = ("t" + syllable) if syllable.startswith("ch") else syllable[0] + syllable
            double = False
        out.append(syllable)
        i += 1
    text = ""
    for syllable in out:
        if text.endswith("n") and syllable[0] in "bmp" and (len(text) < 2 or text[-2] in "aeiou"):
            text = text[:-1] + "m"
        # long vowels unmarked: ou and oo are o, uu is u (the last vowel of a word stays: オオタ → ota)
        if (text.endswith("o") and syllable in ("u", "o")) or (text.endswith("u") and syllable == "u"):
            continue
        text += syllable
    return text or None


def romanize(kana: str | None) -> tuple[str, str] | None:
    """(family, given) in passport Hepburn from ふりがな written family name first, or None."""
    if not kana:
        return None
    parts = [p for p in "".join(" " if c in _SPACES else c for c in _katakana(kana)).split(" ") if p]
    if not parts:
        return None
    words = [_word(p) for p in parts]
    if any(w is None for w in words):
        return None
    family, given = words[0], " ".join(w for w in words[1:] if w)
    return family.upper(), given.capitalize() if given else ""


def latin_name(kana: str | None) -> str | None:
    """AOKI Akemi, or None when the ふりがな cannot be spelled."""
    found = romanize(kana)
    if found is None:
        return None
    family, given = found
    return f"{family} {given}".strip()
