"""One module per panel of the report; each builds a plain dataclass from the History.

The renderers (html.py, markdown.py, json_out.py) only lay these out.
"""
