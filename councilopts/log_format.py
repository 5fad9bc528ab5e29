"""Log records as one JSON object a line, for the log shipper an operator runs.

Each line has `time` (UTC, ISO 8601), `level`, `logger` and `message`, then whatever the
caller passed as `extra` (councilopts.sign_in passes `event`, `username`, `ip` and `path`),
and `exception` with the traceback when there is one.
"""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has: anything else on a record came from `extra`.
_STANDARD = {*vars(logging.makeLogRecord({})), "message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # default=str: Django's own records carry objects (the request, the server).
        return json.dumps(entry, ensure_ascii=False, default=str)
