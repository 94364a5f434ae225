"""The home page: one card per view and per one-click preset (page.py is the script st.Page runs)."""
