"""`streamlit run app.py` in a checkout: the dashboard itself lives in the package (its
router is aeviz/dashboard/app.py), which `aeviz app` serves wherever aeviz is installed."""
from aeviz.dashboard.app import main

main()
