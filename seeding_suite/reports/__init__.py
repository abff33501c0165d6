"""`seeding-suite report`: the seeding dashboard, CI summaries, annotations, metrics and alerts.

The audit logs (JUnit XML, one per run, DESIGN §8) are read into a typed history
(model.py, junit.py, history.py); each panel is built from that history by its own module
(panels/); renderers turn the panels into one self-contained HTML page, markdown or JSON.
Nothing here imports pytest: the plugin calls metrics.py and annotations.py from its hooks.
"""
