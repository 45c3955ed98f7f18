"""The dashboard's pages: each file is a Streamlit page script that the router in
aeviz/dashboard/app.py runs by path; none is meant to be imported."""
