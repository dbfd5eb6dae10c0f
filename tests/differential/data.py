"""The small database both executors read: authors, articles, comments and tags.

Chosen to exercise what differs between executors: NULLs in every nullable column, unicode
text, booleans stored as 0/1, numeric and bigint values (one above 2^53), dates, ties in
ordering columns, an author without articles and an article without an author. Float values
are binary fractions so that sums are exact on both sides.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE author (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    active BOOLEAN NOT NULL,
    rating REAL,
    balance NUMERIC,
    followers BIGINT,
    born DATE
);
CREATE TABLE article (
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES author(id),
    title TEXT NOT NULL,
    body TEXT,
    published BOOLEAN,
    score REAL,
    views BIGINT,
    published_on DATE
);
CREATE TABLE comment (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES article(id),
    author_id INTEGER REFERENCES author(id),
    content TEXT,
    likes INTEGER
);
CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL
);
CREATE TABLE article_tag (
    article_id INTEGER NOT NULL REFERENCES article(id),
    tag_id INTEGER NOT NULL REFERENCES tag(id),
    weight INTEGER,
    PRIMARY KEY (article_id, tag_id)
);
"""

AUTHORS = [
    (1, "Ada Lovelace", "ada@example.com", 1, 4.5, "120.25", 9007199254740993, "1815-12-10"),
    (2, "Émile Zola", None, 0, 3.25, "-7.5", 42, "1840-04-02"),
    (3, "李白", "li@example.cn", 1, None, None, None, None),
    (4, "bob", "bob@example.com", 0, 4.5, "0", 0, "1990-01-31"),
    (5, "Zoë 🚀", None, 1, 2.0, "99.99", 1200, "2001-09-09"),
    (6, "Nobody", "nobody@example.com", 1, 3.25, "10", 7, "1970-01-01"),
]

ARTICLES = [
    (1, 1, "Notes on the Analytical Engine", "On Bernoulli numbers.", 1, 9.5, 100000, "1843-10-01"),
    (2, 1, "Sketch of the engine", None, 0, None, 15, "1842-01-01"),
    (3, 2, "J'accuse…!", "Lettre au Président", 1, 7.25, 9007199254740993, "1898-01-13"),
    (4, 2, "Germinal", "Roman", 1, 7.25, 500, None),
    (5, 3, "静夜思", "床前明月光", 1, 8.0, None, "0752-01-01"),
    (6, None, "Anonymous pamphlet", "%_wild\\cards_%", None, 1.5, 3, "2020-02-29"),
    (7, 4, "bob's 100% guide", "under_score", 0, 0.0, 0, "2024-05-31"),
    (8, 5, "Ünïcödé title", "", 1, 8.0, 77, "2024-05-31"),
]

COMMENTS = [
    (1, 1, 2, "Magnifique", 5),
    (2, 1, 3, None, 3),
    (3, 1, None, "anon", None),
    (4, 3, 1, "Bravo", 10),
    (5, 3, 4, "agree", 3),
    (6, 5, 5, "🌙", 7),
    (7, 6, 6, "who wrote this?", 0),
    (8, 7, None, "LOL", 3),
    (9, 3, 2, "merci", 3),
]

TAGS = [(1, "history"), (2, "science"), (3, "poetry"), (4, "unused")]

ARTICLE_TAGS = [(1, 2, 5), (1, 1, None), (3, 1, 2), (4, 1, 2), (5, 3, 9), (8, 3, 1), (7, 2, None)]


def build_database(path: Path) -> Path:
    """Write the database to ``path`` (replacing it) and return the path."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        connection.executescript(SCHEMA)
        connection.executemany("INSERT INTO author VALUES (?,?,?,?,?,?,?,?)", AUTHORS)
        connection.executemany("INSERT INTO article VALUES (?,?,?,?,?,?,?,?)", ARTICLES)
        connection.executemany("INSERT INTO comment VALUES (?,?,?,?,?)", COMMENTS)
        connection.executemany("INSERT INTO tag VALUES (?,?)", TAGS)
        connection.executemany("INSERT INTO article_tag VALUES (?,?,?)", ARTICLE_TAGS)
    connection.close()
    return path
