"""Streamlit's floor: one slider and one 200-point plotly line chart, the smallest app a tick can cost."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

freq = st.slider("Frequency", 1, 100, 10)
x = np.linspace(0.0, 1.0, 200)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin(2 * np.pi * freq * x), mode="lines")), key="floor")
