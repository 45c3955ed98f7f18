"""What tests and benchmarks share, in one place: no test module imports another test
module or a benchmark.

- server: a real `streamlit run` on a loopback port and the headless-Chromium bits that drive it;
- pages: the dashboard's pages, and opening them under Streamlit's AppTest;
- files: files built byte by byte (PNGs that claim any size, a small real checkpoint).

tests/ is on sys.path (pyproject's `pythonpath`; the benchmarks insert it), so it is
imported as `from support.pages import open_page`."""
