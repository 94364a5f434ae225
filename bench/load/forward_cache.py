"""The browser's forward-message cache: large messages are sent once, then referenced by hash and aged per run."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class ForwardCache:
    """What a tab keeps of cacheable ForwardMsgs: hash -> [message, run count when last used, fragment id]."""

    def __init__(self) -> None:
        self.entries: dict[str, list] = {}
        self.run_count = 0
        self.max_age = 2  # the server's max_cached_message_age arrives with each new session

    def resolve(self, msg: ForwardMsg, errors: list[str]) -> ForwardMsg:
        """The full message for a reference (a miss is recorded in errors); cacheable messages are kept."""
        if msg.WhichOneof("type") == "ref_hash":
            entry = self.entries.get(msg.ref_hash)
            if entry is None:
                errors.append(f"forward-message cache miss {msg.ref_hash}")
                return msg
            entry[1] = self.run_count
            full = ForwardMsg()
            full.CopyFrom(entry[0])
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash and msg.hash not in self.entries:
            self.entries[msg.hash] = [msg, self.run_count, msg.delta.fragment_id]
        return msg

    def age(self, fragment_ids: tuple[str, ...] = ()) -> None:
        """After a finished run: drop entries unused for more than max_age runs. A fragment run (``fragment_ids``
        non-empty) ages only the entries of the fragments it reran, as the browser's ForwardMsgCache.incrementRunCount
        does: aging every fragment's entries on any fragment run (a job's progress ticker, a live chart's tick)
        dropped messages the server would still reference, which the load client then reported as misses."""
        self.run_count += 1
        for h, (_, used, fid) in list(self.entries.items()):
            if fragment_ids and fid not in fragment_ids:
                continue
            if self.run_count - used > self.max_age:
                del self.entries[h]
