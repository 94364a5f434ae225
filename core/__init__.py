"""normlab maths: NumPy/torch only (never streamlit or plotly), usable from a notebook."""
