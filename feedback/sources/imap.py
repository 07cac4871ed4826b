"""IMAP: the only module that imports imapclient.

Connects with verified TLS (implicit or STARTTLS), authenticates with a
password or an OAuth2 token from the config's source of secrets, and offers
the few operations polling needs: select, list new UIDs, fetch without
setting \\Seen, and move by UID (MOVE, else COPY + \\Deleted + UID EXPUNGE).
Secrets never appear in errors or logs.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
import shlex
import socket
import ssl
import subprocess
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError, LoginError

from ..config import LOOPBACK, Account
from ..models import RawMessage
from ..oversize import REPORT_PARTS
from . import MailboxAuthError, MailboxError, by_weight

__all__ = ["ImapSource", "Mailbox", "MailboxAuthError", "MailboxError"]

DELETED = b"\\Deleted"


@dataclass(frozen=True)
class Fetched:
    """One message as fetched: its UID, bytes, server arrival time, size."""

    uid: int
    data: bytes
    internaldate: str | None
    size: int
    truncated: bool = False


def secret(account: Account) -> tuple[str, str]:
    """("password" | "oauth2", value) from the account's secret source; MailboxAuthError if there is none.

    No message names a byte or a line of the secret: they end up in logs and in ``runs``.
    """
    kind, value = "password", None
    try:
        if account.password_env:
            value = os.environ.get(account.password_env)
            if value is None:
                raise MailboxAuthError(
                    f"account {account.name}: environment variable {account.password_env} is not set"
                )
        elif account.password_file:
            with open(account.password_file, encoding="utf-8") as fh:
                value = fh.read().rstrip("\r\n")
        elif command := (account.password_command or account.oauth2_token_command):
            # The account's timeout bounds the command as it bounds the server.
            out = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=account.timeout)
            if out.returncode != 0:
                raise MailboxAuthError(f"account {account.name}: secret command exited {out.returncode}")
            value = out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""
            kind = "oauth2" if account.oauth2_token_command else "password"
    except UnicodeDecodeError:
        raise MailboxAuthError(f"account {account.name}: password_file is not UTF-8 text") from None
    except ValueError:
        raise MailboxAuthError(f"account {account.name}: the secret command cannot be split into words") from None
    except OSError as exc:
        raise MailboxAuthError(f"account {account.name}: cannot read the secret ({exc.strerror})") from None
    except subprocess.TimeoutExpired:
        raise MailboxAuthError(
            f"account {account.name}: secret command timed out after {account.timeout:g} s"
        ) from None
    if value is None:
        raise MailboxAuthError(f"account {account.name}: no secret configured")
    if not value.strip():
        # An empty login is refused as a network error by some servers, then retried for nothing.
        raise MailboxAuthError(f"account {account.name}: the secret is empty")
    return kind, value


def _ssl_context(account: Account) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=account.ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise MailboxAuthError(f"account {account.name}: cannot load ca_file ({exc})") from None


class Mailbox:
    """A logged-in IMAP connection for one account."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.client = self._connect()
        self._ns: tuple[str, str] | None = None
        self._known: set[str] = set()
        self._selected: str | None = None

    def _connect(self) -> IMAPClient:
        a = self.account
        assert a.host is not None
        if a.tls == "none" and a.host not in LOOPBACK:
            raise MailboxAuthError(f"account {a.name}: tls = none is refused for {a.host}")
        timeout = SocketTimeout(connect=min(a.timeout, 30.0), read=a.timeout)
        try:
            if a.tls == "implicit":
                client = IMAPClient(a.host, port=a.port, ssl=True, ssl_context=_ssl_context(a), timeout=timeout)
            else:
                client = IMAPClient(a.host, port=a.port, ssl=False, timeout=timeout)
                if a.tls == "starttls":
                    client.starttls(_ssl_context(a))
        except ssl.SSLCertVerificationError as exc:
            raise MailboxAuthError(
                f"account {a.name}: certificate of {a.host} refused ({exc.verify_message})"
            ) from None
        except (OSError, IMAPClientError, ssl.SSLError) as exc:
            raise MailboxError(f"account {a.name}: cannot connect to {a.host}:{a.port} ({_why(exc)})") from None
        kind, value = secret(a)
        assert a.username is not None
        try:
            if kind == "oauth2":
                if client.has_capability("AUTH=OAUTHBEARER"):
                    client.oauthbearer_login(a.username, value)
                else:
                    client.oauth2_login(a.username, value)
            else:
                client.login(a.username, value)
        except LoginError:
            _quietly(client.logout)
            raise MailboxAuthError(f"account {a.name}: the server refused the login for {a.username}") from None
        except (OSError, IMAPClientError) as exc:
            raise MailboxError(f"account {a.name}: login failed ({_why(exc)})") from None
        return client

    # ------------------------------------------------------------ folders

    def _namespace(self) -> tuple[str, str]:
        """(personal prefix, delimiter): ("", ".") on Dovecot's Maildir, ("INBOX.", ".") on Courier and Cyrus."""
        if self._ns is None:
            prefix, delim = "", None
            try:
                ns = self.client.namespace() if self.client.has_capability("NAMESPACE") else None
                if ns and ns.personal:
                    prefix, delim = ns.personal[0][0], ns.personal[0][1]
            except (IMAPClientError, OSError):
                pass
            if not delim:
                try:
                    listed = self.client.list_folders(directory="", pattern="")
                except (IMAPClientError, OSError) as exc:
                    raise MailboxError(f"account {self.account.name}: LIST failed ({_why(exc)})") from None
                delim = listed[0][1] if listed else "/"
            self._ns = (_text(prefix or ""), _text(delim or "/"))
        return self._ns

    @property
    def delimiter(self) -> str:
        """The server's hierarchy delimiter ("." on Dovecot's Maildir, "/" on Gmail)."""
        return self._namespace()[1]

    def server_name(self, folder: str) -> str:
        """A config folder name ("Feedback/Processed") in the server's own hierarchy.

        The personal namespace's prefix goes in front ("INBOX.Feedback.Processed"
        on Courier and Cyrus, where a top-level name may not be created), unless
        the name carries it already.
        """
        if folder.upper() == "INBOX":
            return "INBOX"
        prefix, delim = self._namespace()
        name = folder.replace("/", delim)
        if prefix and not name.upper().startswith(prefix.upper()):
            name = prefix + name
        return name

    def ensure_folder(self, folder: str) -> str:
        """Create the folder (and its parents) if missing; returns the server name."""
        name = self.server_name(folder)
        if name in self._known:
            return name
        try:
            if not self.client.folder_exists(name):
                self.client.create_folder(name)
        except (IMAPClientError, OSError) as exc:
            raise MailboxError(f"account {self.account.name}: cannot create folder {folder} ({_why(exc)})") from None
        # Asked once per connection, not once per batch moved.
        self._known.add(name)
        return name

    # ------------------------------------------------------------ reading

    def select(self, folder: str) -> int:
        """SELECT the folder; returns its UIDVALIDITY."""
        name = self.server_name(folder)
        try:
            info = self.client.select_folder(name)
        except (IMAPClientError, OSError) as exc:
            raise MailboxError(f"account {self.account.name}: cannot open folder {folder} ({_why(exc)})") from None
        self._selected = name
        return int(info[b"UIDVALIDITY"])

    def uids_after(self, last_uid: int) -> Sequence[int]:
        """UIDs above ``last_uid``, ascending ("n:*" always answers the last message: filtered).

        Kept as a compact array (4 bytes a UID) and read from imaplib's answer
        line directly: imapclient's parser needs ~20 MB to list 100,000 UIDs.
        """
        try:
            typ, data = self.client._imap.uid("SEARCH", f"UID {last_uid + 1}:*")
            if typ != "OK":
                raise IMAPClientError(f"SEARCH answered {typ}")
        except (IMAPClientError, OSError) as exc:
            raise MailboxError(f"account {self.account.name}: search failed ({_why(exc)})") from None
        found = (int(m.group()) for line in data if isinstance(line, bytes) for m in _NUMBER.finditer(line))
        return array("L", sorted(u for u in found if u > last_uid))

    def sizes(self, uids: list[int]) -> dict[int, int]:
        """UID -> RFC822.SIZE, from the server's index (no message is read)."""
        if not uids:
            return {}
        try:
            typ, data = self.client._imap.uid("FETCH", seqset(uids), "(UID RFC822.SIZE)")
            if typ != "OK":
                raise IMAPClientError(f"FETCH answered {typ}")
        except (IMAPClientError, OSError) as exc:
            raise MailboxError(f"account {self.account.name}: fetch failed ({_why(exc)})") from None
        out: dict[int, int] = {}
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid, size = _UID.search(line), _SIZE.search(line)
            if uid and size:
                out[int(uid.group(1))] = int(size.group(1))
        return out

    def fetch(self, uids: list[int], sizes: dict[int, int] | None = None) -> Iterator[Fetched]:
        """The messages, without setting \\Seen; oversized ones as headers plus first part.

        ``sizes`` (from :meth:`sizes`) tells which are oversized; without it
        the server is asked.
        """
        if not uids:
            return
        limit = self.account.max_message_size
        lo, hi = min(uids), max(uids)
        try:
            sizes = sizes or {}
            big = {u for u in uids if sizes.get(u, 0) > limit}
            if any(u not in sizes for u in uids):
                # Sizes not known (not asked, or an answer we could not read):
                # one cheap search finds the (rare) oversized messages.
                big |= set(self.client.search(["UID", f"{lo}:{hi}", "LARGER", str(limit)])) & set(uids)
            # Everything else comes in a single FETCH with its size and arrival time.
            small = [u for u in uids if u not in big]
            bodies = self._fetch_whole(small) if small else {}
            parts = self.client.fetch(sorted(big), ["BODYSTRUCTURE", "INTERNALDATE", "RFC822.SIZE"]) if big else {}
        except (IMAPClientError, OSError) as exc:
            raise MailboxError(f"account {self.account.name}: fetch failed ({_why(exc)})") from None
        for u in uids:
            meta = bodies.get(u) or parts.get(u)
            if meta is None:
                continue  # expunged by someone else meanwhile
            when = _iso(meta.get(b"INTERNALDATE"))
            size = int(meta.get(b"RFC822.SIZE", 0))
            if u in bodies:
                yield Fetched(u, bytes(meta.get(b"BODY[]") or b""), when, size)
            else:
                yield Fetched(u, self._fetch_parts(u, meta.get(b"BODYSTRUCTURE")), when, size, truncated=True)

    def _fetch_parts(self, uid: int, structure: Any) -> bytes:
        """An oversized message rebuilt from its header and the parts worth reading.

        The report parts of a multipart/report (delivery-status, feedback-report,
        the returned headers) come whatever their place, then text parts while
        they fit in ``max_message_size``; a returned message brings its headers
        only when whole it does not fit. Without a usable BODYSTRUCTURE: the
        header and the first part.
        """
        plan = _plan(structure, self.account.max_message_size) if structure is not None else None
        if plan is None:
            sections = ["HEADER", "1"]
        else:
            # Every chosen part's MIME header, and those of the multiparts around it.
            nums = {".".join(n.split(".")[:k]) for n, _ in plan for k in range(1, n.count(".") + 2)}
            sections = ["HEADER", *(f"{n}.MIME" for n in sorted(nums)), *(s for _, s in plan)]
        try:
            got = self.client.fetch([uid], [f"BODY.PEEK[{s}]" for s in sections]).get(uid, {})
        except (IMAPClientError, OSError) as exc:
            raise MailboxError(f"account {self.account.name}: fetch failed ({_why(exc)})") from None
        body = {s: bytes(got.get(f"BODY[{s}]".encode()) or b"") for s in sections}
        if plan is None:
            return body["HEADER"] + body["1"]
        mime = {s[:-5]: v for s, v in body.items() if s.endswith(".MIME")}
        return body["HEADER"] + _rebuild(structure, "", mime, {n: body[s] for n, s in plan})

    def _fetch_whole(self, uids: list[int]) -> dict[int, dict[bytes, Any]]:
        """UID -> {BODY[], INTERNALDATE, RFC822.SIZE} of whole messages, in one UID FETCH.

        Read straight from imaplib, under imapclient: its general response
        parser costs ~40 us a message on the poll's busiest thread, and these
        responses have one fixed shape. Whatever the quick reader does not
        account for is fetched again through imapclient, so nothing is skipped.
        """
        imap = self.client._imap
        typ, data = imap.uid("FETCH", seqset(uids), "(UID INTERNALDATE RFC822.SIZE BODY.PEEK[])")
        if typ != "OK":
            raise IMAPClientError(f"FETCH answered {typ}")
        out = read_fetch(data)
        missing = [u for u in uids if u not in out]
        if missing:
            out.update(self.client.fetch(missing, ["BODY.PEEK[]", "INTERNALDATE", "RFC822.SIZE"]))
        return out

    # ------------------------------------------------------------ acting

    def move(self, uids: list[int], folder: str, *, retry: bool = False) -> None:
        """Move by UID: MOVE where offered, else COPY, \\Deleted and UID EXPUNGE of exactly these UIDs.

        ``retry``: an earlier run may have been killed between COPY and EXPUNGE;
        without MOVE, messages the target already holds are not copied again.
        """
        if not uids:
            return
        target = self.ensure_folder(folder)
        c = self.client
        try:
            if c.has_capability("MOVE"):
                c.move(uids, target)
                return
            todo = uids
            if retry:
                done = self._copied(uids, target)
                todo = [u for u in uids if u not in done]
            if todo:
                c.copy(todo, target)
            c.add_flags(uids, [DELETED])
            # Without UIDPLUS an EXPUNGE would remove every \\Deleted message
            # in the folder, others' too: copy and flag only.
            if c.has_capability("UIDPLUS"):
                c.uid_expunge(uids)
        except (IMAPClientError, OSError) as exc:
            raise MailboxError(f"account {self.account.name}: moving to {folder} failed ({_why(exc)})") from None

    def _copied(self, uids: list[int], target: str) -> set[int]:
        """The UIDs (of the selected folder) whose exact bytes ``target`` already holds.

        Candidates in the target share the Message-ID and the size; their bytes
        are compared by hash, so look-alike messages are not taken for copies.
        """
        c = self.client
        wanted: dict[int, tuple[int, str | None, str]] = {}
        for i in range(0, len(uids), 50):
            got = c.fetch(uids[i : i + 50], ["RFC822.SIZE", "BODY.PEEK[]"])
            for uid, meta in got.items():
                data = bytes(meta.get(b"BODY[]") or b"")
                wanted[uid] = (int(meta.get(b"RFC822.SIZE", len(data))), _message_id(data), _sha(data))
        if not wanted:
            return set()
        source = self._selected
        found: set[int] = set()
        c.select_folder(target, readonly=True)
        try:
            for uid, (size, mid, digest) in wanted.items():
                criteria: list[Any] = ["LARGER", str(max(size - 1, 0)), "SMALLER", str(size + 1)]
                if mid:
                    criteria += ["HEADER", "Message-ID", mid]
                candidates = c.search(criteria)
                for j in range(0, len(candidates), 50):
                    bodies = c.fetch(candidates[j : j + 50], ["BODY.PEEK[]"])
                    if any(_sha(bytes(m.get(b"BODY[]") or b"")) == digest for m in bodies.values()):
                        found.add(uid)
                        break
        finally:
            if source is not None:
                c.select_folder(source)
        return found

    # ------------------------------------------------------------ IDLE

    @property
    def can_idle(self) -> bool:
        """Whether the server offers IDLE (RFC 2177)."""
        return bool(self.client.has_capability("IDLE"))

    def idle_wait(self, timeout: float) -> bool:
        """IDLE up to ``timeout`` seconds; True when the server announced new mail."""
        try:
            self.client.idle()
            responses: list[Any] = []
            try:
                responses += self.client.idle_check(timeout=timeout)
            finally:
                # Some servers (Courier without enhanced IDLE) report new mail only here.
                _, after = self.client.idle_done()
                responses += after
        except (IMAPClientError, OSError) as exc:
            raise MailboxError(f"account {self.account.name}: IDLE failed ({_why(exc)})") from None
        return any(isinstance(r, tuple) and len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)

    def logout(self) -> None:
        """Log out, ignoring a connection that is already gone."""
        _quietly(self.client.logout)


class ImapSource:
    """One IMAP folder as a poll sees it (see :class:`feedback.sources.Source`)."""

    resumable = True
    movable = True

    def __init__(self, account: Account, folder: str) -> None:
        self.account = account
        self.key = folder
        self.mb = Mailbox(account)
        self.validity = 0

    def resume(self, validity: int | None, last: int) -> tuple[int, int, str | None]:
        """SELECT the folder; a new UIDVALIDITY means its UIDs name other messages now: read it all."""
        self.validity = self.mb.select(self.key)
        if validity is not None and validity != self.validity:
            return self.validity, 0, f"{self.account.name}: {self.key} has a new UIDVALIDITY; rescanning it"
        return self.validity, last, None

    def new(self, after: int) -> Sequence[int]:
        """UIDs above ``after``."""
        return self.mb.uids_after(after)

    def batches(self, ids: Sequence[int]) -> Iterator[list[tuple[int, RawMessage]]]:
        """UIDs in windows of ``batch_size``, each split by the bytes to read, then fetched."""
        a = self.account
        for i in range(0, len(ids), a.batch_size):
            window = list(ids[i : i + a.batch_size])
            sizes = self.mb.sizes(window)
            # An oversized message is read in part.
            weigh = functools.partial(_read_size, sizes, a.max_message_size)
            for chunk in by_weight(window, weigh, len(window)):
                yield [
                    (
                        f.uid,
                        RawMessage(
                            data=f.data,
                            source=f"{a.name}/{self.key}/{self.validity}/{f.uid}",
                            received_at=f.internaldate,
                            truncated=f.truncated,
                        ),
                    )
                    for f in self.mb.fetch(chunk, sizes)
                ]

    def checkpoint(self, batch: list[tuple[int, RawMessage]]) -> tuple[int, int]:
        """(UIDVALIDITY, highest UID of the batch)."""
        return self.validity, max(uid for uid, _ in batch)

    def move(self, ids: list[int], target: str, *, retry: bool = False) -> None:
        """UID MOVE (or COPY + EXPUNGE) to ``target``."""
        self.mb.move(ids, target, retry=retry)

    def close(self) -> None:
        """Log out."""
        self.mb.logout()


def _read_size(sizes: dict[int, int], limit: int, uid: int) -> int:
    return min(sizes.get(uid, 0), limit)


def _leaves(node: Any, num: str) -> Iterator[tuple[str, str, int]]:
    """(part number, type/subtype, size) of every leaf part, in order."""
    if node.is_multipart:
        for i, child in enumerate(node[0], 1):
            yield from _leaves(child, f"{num}.{i}" if num else str(i))
        return
    kind = f"{_text(node[0])}/{_text(node[1])}".lower()
    size = node[6] if len(node) > 6 and isinstance(node[6], int) else 0
    yield num or "1", kind, size


def _plan(structure: Any, budget: int) -> list[tuple[str, str]] | None:
    """(part number, section to fetch) for the parts to read, or None when the structure is no help."""
    if not getattr(structure, "is_multipart", False) or _boundary(structure) is None:
        return None
    leaves = list(_leaves(structure, ""))
    chosen: dict[str, str] = {}
    for num, kind, size in leaves:
        if kind in REPORT_PARTS and size <= budget:
            chosen[num] = num
            budget -= size
    for num, kind, size in leaves:
        if num in chosen:
            continue
        if (kind.startswith("text/") or kind == "message/rfc822") and size <= budget:
            chosen[num] = num
            budget -= size
        elif kind in ("message/rfc822", "message/global"):
            chosen[num] = f"{num}.HEADER"  # the returned message's headers name its recipients
    return [(n, chosen[n]) for n, _, _ in leaves if n in chosen]


def _boundary(node: Any) -> bytes | None:
    params = node[2] if len(node) > 2 and isinstance(node[2], tuple) else ()
    for k, v in zip(params[::2], params[1::2], strict=False):
        if isinstance(k, bytes) and k.lower() == b"boundary" and isinstance(v, bytes):
            return v
    return None


def _rebuild(node: Any, num: str, mime: dict[str, bytes], bodies: dict[str, bytes]) -> bytes:
    """A multipart body holding only the fetched parts, with the message's own boundaries."""
    boundary = _boundary(node)
    out: list[bytes] = []
    for i, child in enumerate(node[0], 1):
        n = f"{num}.{i}" if num else str(i)
        if child.is_multipart:
            inner = _rebuild(child, n, mime, bodies)
            if inner:
                out.append(mime.get(n, b"") + inner)
        elif n in bodies:
            out.append(mime.get(n, b"") + bodies[n])
    if boundary is None or not out:
        return b""
    return b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in out) + b"--" + boundary + b"--\r\n"


def _message_id(data: bytes) -> str | None:
    m = _MESSAGE_ID.search(data.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0])
    return m.group(1).decode("ascii", "replace") if m else None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def seqset(uids: list[int]) -> str:
    """An IMAP sequence set for sorted-or-not UIDs: runs as "a:b" (RFC 3501 section 9)."""
    out: list[str] = []
    ordered = sorted(set(uids))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}:{ordered[j]}")
        i = j + 1
    return ",".join(out)


_NUMBER = re.compile(rb"\d+")
_MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*(<[^>\r\n]*>)")
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_DATE = re.compile(rb'\bINTERNALDATE "([^"]+)"')
_BODY_LITERAL = re.compile(rb"\bBODY\[\] \{\d+\}$")
_FETCH_START = re.compile(rb"\d+ \(")  # "* n (..." of another message's FETCH
_INTERNALDATE = re.compile(rb"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)")
_MONTHS = {m: i for i, m in enumerate(("jan feb mar apr may jun jul aug sep oct nov dec").split(), 1)}


def read_fetch(data: list[Any]) -> dict[int, dict[bytes, Any]]:
    """Parse imaplib's answer to UID FETCH (UID INTERNALDATE RFC822.SIZE BODY.PEEK[]).

    Each message comes as (b'n (UID u ... BODY[] {len}', literal) and then the
    rest of its response (b')' or more items). A record whose shape is not
    that is left out (the caller fetches it again another way).
    """
    out: dict[int, dict[bytes, Any]] = {}
    head: bytes | None = None
    body = b""
    rest = b""

    def flush() -> None:
        if head is None:
            return
        meta = head + b" " + rest
        uid = _UID.search(meta)
        if uid is None or not _BODY_LITERAL.search(head):
            return
        size = _SIZE.search(meta)
        date = _DATE.search(meta)
        out[int(uid.group(1))] = {
            b"BODY[]": body,
            b"RFC822.SIZE": int(size.group(1)) if size else len(body),
            b"INTERNALDATE": internaldate(date.group(1)) if date else None,
        }

    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], bytes):
            flush()
            head, body, rest = item[0], bytes(item[1]), b""
        elif isinstance(item, bytes) and head is not None and not _FETCH_START.match(item):
            rest += item
        else:
            flush()
            head = None
    flush()
    return out


def internaldate(value: bytes) -> datetime.datetime | None:
    """RFC 3501 date-time ("27-Nov-2026 09:56:17 +0000") as an aware datetime, or None."""
    m = _INTERNALDATE.match(value)
    if m is None or m.group(2).lower().decode() not in _MONTHS:
        return None
    offset = datetime.timedelta(hours=int(m.group(8)), minutes=int(m.group(9)))
    tz = datetime.timezone(offset if m.group(7) == b"+" else -offset)
    try:
        return datetime.datetime(
            int(m.group(3)),
            _MONTHS[m.group(2).lower().decode()],
            int(m.group(1)),
            int(m.group(4)),
            int(m.group(5)),
            int(m.group(6)),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.astimezone()
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def _why(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _quietly(fn: Any) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001 - closing a broken connection
        pass
