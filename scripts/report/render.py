"""The report document as one self-contained HTML page and as its Markdown twin.

Every piece of text is escaped for the format it lands in, so a value from the data (a city
named `<script>`) is shown, never run.
"""

from __future__ import annotations

import base64
import html
import re

from scripts.report.document import (
    Block,
    BulletList,
    Document,
    Heading,
    Paragraph,
    Table,
)

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.number { text-align: right; white-space: nowrap; }
figure { margin: 1em 0; } figcaption { color: #555; font-size: 0.9em; }
img { max-width: 100%; height: auto; }
"""

NUMERIC_CELL = re.compile(r"^[<]?[-+−]?[\d\s\u202f.,%–—eE+-]+$")


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _html_cell(text: str, tag: str, numeric: bool = False) -> str:
    css = ' class="number"' if numeric else ""
    return f"<{tag}{css}>{_escape(text)}</{tag}>"


def _numeric_columns(table: Table) -> list[bool]:
    """Columns whose every cell is a number, right-aligned as a whole (a band column that mixes
    `5` and `от 6` stays left-aligned)."""
    return [
        all(NUMERIC_CELL.match(row[index]) for row in table.rows)
        for index in range(len(table.columns))
    ]


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{_escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_escape(block.text)}</p>"
    if isinstance(block, BulletList):
        items = "".join(f"<li>{_escape(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Table):
        head = "".join(_html_cell(column, "th") for column in block.columns)
        numeric = _numeric_columns(block)
        body = "".join(
            "<tr>"
            + "".join(_html_cell(cell, "td", flag) for cell, flag in zip(row, numeric, strict=True))
            + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    encoded = base64.b64encode(block.png).decode("ascii")
    caption = _escape(block.caption)
    return (
        f'<figure><img src="data:image/png;base64,{encoded}" alt="{caption}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def to_html(document: Document) -> str:
    """One file with its charts inside: it opens with no network and no other file."""
    body = "\n".join(_html_block(block) for block in document.blocks)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{document.language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(document.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<h1>{_escape(document.title)}</h1>\n{body}\n</body>\n</html>\n"
    )


# Characters Markdown reads as syntax anywhere in a line, and at the start of a block.
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~#])")
LINE_BREAKS = re.compile(r"[ \t\r\n\f\v]+")
MARKDOWN_BLOCK_MARKER = re.compile(r"^([+-])")
MARKDOWN_LIST_NUMBER = re.compile(r"^(\d+)([.)])")


def markdown_escape(text: str, *, starts_block: bool = False) -> str:
    """Plain text that stays plain in Markdown, HTML inside it included, on one line. Text that
    starts a paragraph or list item also has a leading `-` or `1.` escaped, which elsewhere (a
    table cell, a heading) would only clutter the file."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # line breaks would end a table row or a list item; the narrow spaces in numbers must stay
    escaped = MARKDOWN_INLINE.sub(r"\\\1", LINE_BREAKS.sub(" ", escaped).strip())
    if starts_block:
        escaped = MARKDOWN_BLOCK_MARKER.sub(r"\\\1", escaped)
        escaped = MARKDOWN_LIST_NUMBER.sub(r"\1\\\2", escaped)
    return escaped


def _markdown_block(block: Block, charts_dir: str) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {markdown_escape(block.text)}"
    if isinstance(block, Paragraph):
        return markdown_escape(block.text, starts_block=True)
    if isinstance(block, BulletList):
        return "\n".join(f"- {markdown_escape(item, starts_block=True)}" for item in block.items)
    if isinstance(block, Table):
        lines = [
            "| " + " | ".join(markdown_escape(column) for column in block.columns) + " |",
            "|" + "---|" * len(block.columns),
        ]
        lines += [
            "| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in block.rows
        ]
        return "\n".join(lines)
    caption = markdown_escape(block.caption)
    return f"![{caption}]({charts_dir}/{block.name}.png)\n\n*{caption}*"


def to_markdown(document: Document, charts_dir: str) -> str:
    """The same report in Markdown; its charts are PNG files in `charts_dir` beside it."""
    parts = [f"# {markdown_escape(document.title)}"]
    parts += [_markdown_block(block, charts_dir) for block in document.blocks]
    return "\n\n".join(parts) + "\n"
