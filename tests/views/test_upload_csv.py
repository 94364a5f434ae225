"""The own-CSV upload: one size limit for the uploader and the parser, text from the file shown as text, and a
small file that trains at the default batch."""

import re

import pytest
from streamlit import config

from core.csv_data import MAX_BYTES, parse_csv
from tests.apptest import captions, open_page
from views.ui import text

PAGE = "views/histograms/page.py"


def _open(**query):
    return open_page(PAGE, timeout=120, query={"data": "Your own CSV", **query})


def _upload(at, data: bytes, name: str = "mine.csv"):
    return at.file_uploader(key="hist_csv").set_value((name, data, "text/csv")).run()


def _multipart(data: bytes, filename: str) -> bytes:
    """The body a browser sends for one file (the framing Streamlit's server counts against its limit)."""
    boundary = b"----WebKitFormBoundary" + b"x" * 16
    head = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="'
            + filename.encode() + b'"\r\nContent-Type: text/csv\r\n\r\n')
    return head + data + b"\r\n--" + boundary + b"--\r\n"


def test_uploader_and_parser_refuse_the_same_sizes():
    at = _open()
    mb = at.get("file_uploader")[0].proto.max_upload_size_mb
    # Streamlit's browser code turns the widget's MB into bytes with 1000 (1024 only on Windows), so off Windows
    # the uploader takes exactly the files of at most mb * 1e6 bytes: the parser's limit, no more and no less.
    assert mb * 1000**2 == MAX_BYTES
    # Its server refuses a request whose body (file plus framing) exceeds server.maxUploadSize MiB: a file at the
    # parser's limit, with the longest file name a browser sends, still passes.
    body = _multipart(b"0" * MAX_BYTES, "n" * 255 + ".csv")
    assert len(body) <= config.get_option("server.maxUploadSize") * 1024**2
    assert mb * 1024**2 >= MAX_BYTES  # and on Windows the uploader lets every file the parser takes through


@pytest.mark.parametrize("cell", ["[Sign in](https://ev.il)", "![](https://ev.il/p.png)", "<img src=//ev.il>"])
def test_a_refused_file_is_quoted_as_text_not_markdown(cell):
    rows = "".join(f"{i},{i % 3},{'ab'[i % 2]}\n" for i in range(40))
    data = f"x,y,label\n{rows}1,{cell},a\n".encode()
    at = _upload(_open(), data)
    errors = [e.value for e in at.error if "cannot be used:" in e.value]
    assert errors and "\\/\\/ev" in errors[0], errors  # the quoted cell is there, escaped
    # Every bracket, parenthesis, bang and angle bracket of the quoted cell is escaped: no link, image or HTML.
    assert not re.search(r"(?<!\\)[\[\]()!<>]", errors[0].split(":", 1)[1]), errors[0]
    assert errors[0].endswith(text.plain(parse_error(data), limit=400))


def parse_error(data: bytes) -> str:
    with pytest.raises(ValueError) as err:
        parse_csv(data)
    return str(err.value)


def test_numeric_labels_written_two_ways_are_two_classes_on_the_page():
    rows = "".join(f"{i * 0.1:.2f},{(i * 7) % 11 - 5},{['1', '1.0', '2', '2.0'][i % 4]}\n" for i in range(80))
    at = _upload(_open(), ("x1,x2,label\n" + rows).encode())
    assert any("80 rows, 2 features, 2 classes" in c.value for c in at.caption), [c.value for c in at.caption]


def test_forty_rows_train_at_the_default_batch_of_sixty_with_a_notice():
    rows = "".join(f"{i * 0.1:.2f},{(i * 7) % 11 - 5},{'ab'[i % 2]}\n" for i in range(40))
    at = _upload(_open(), ("x1,x2,label\n" + rows).encode())
    assert at.select_slider(key="batch").value == 60
    assert not at.error, [e.value for e in at.error]
    assert any("more than your file's 30 training rows" in i.value for i in at.info)
    for _ in range(5):  # Step waits up to a page run's budget for the shared trainer's worker (a busy machine)
        next(b for b in at.button if b.label == "Step").click().run()
        assert not at.exception and not at.error
        if _trained(at):
            break
    assert _trained(at), "training on 40 rows at batch 60 advanced"


def _trained(at) -> bool:
    """Whether the step line shows a step after 0 (the recording stride depends on the net's cost)."""
    return any(c.startswith("**Step ") and not c.startswith("**Step 0**") for c in captions(at))
